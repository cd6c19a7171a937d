"""``accord dlq list | replay``: inspect dead letters and send them back to their topic."""

from __future__ import annotations

from typing import Annotated

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.errors import UsageError

dlq_app = typer.Typer(
    name="dlq",
    help=(
        "Dead letters: events a consumer could not process, kept on `<topic>.dlq` with the"
        " reason (undecodable, unknown-schema, incompatible-schema, handler), the error, the"
        " original topic/partition/offset and the attempts made.\n\n"
        "`accord dlq list order.events` shows them; after fixing the cause (a bug, a schema not"
        " registered), `accord dlq replay order.events --all` sends them back to their topic."
        " Replayed events keep their event id, so consumers that processed one meanwhile skip"
        " it."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

Topic = Annotated[str, typer.Argument(help="The topic (or its .dlq topic).")]
Bootstrap = Annotated[
    str | None,
    typer.Option(
        "--bootstrap-servers",
        "-b",
        help="Kafka bootstrap servers (default: the `accord dev up` broker, else 127.0.0.1:9092).",
        envvar="ACCORD_BOOTSTRAP_SERVERS",
    ),
]
Format = Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")]


def register(app: typer.Typer) -> None:
    app.add_typer(dlq_app)


@dlq_app.command(
    "list",
    help=(
        "List the dead letters of TOPIC, oldest first per partition.\n\n"
        "Each is named by a ref, `<topic>.dlq/<partition>/<offset>`, for `accord dlq replay"
        " --ref`."
    ),
)
@output.guarded
def list_(
    topic: Topic,
    bootstrap_servers: Bootstrap = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.", min=1)] = None,
    fmt: Format = TextOrJson.text,
) -> None:
    from accord.runtime.dlq import read_dead_letters
    from accord.runtime.settings import KafkaSettings

    settings = KafkaSettings.resolve(bootstrap_servers)
    letters = read_dead_letters(settings, topic, limit=limit)
    if fmt is TextOrJson.json:
        output.emit_json([letter.to_dict() for letter in letters])
        return
    if not letters:
        output.data(f"no dead letters for {topic}")
        return
    for letter in letters:
        event = letter.header("event_type") or "?"
        original = letter.to_dict()["original"]
        output.data(
            f"{letter.ref}  {letter.reason}  attempts={letter.attempts}  {event}"
            f"  from {original['topic']}/{original['partition']}/{original['offset']}\n"
            f"    {letter.error}"
        )
    output.info(f"{len(letters)} dead letter(s)")


@dlq_app.command(
    "replay",
    help=(
        "Send dead letters of TOPIC back to their original topic.\n\n"
        "Choose them with --ref (repeatable), --reason, or --all. Examples:\n\n"
        "  accord dlq replay order.events --all\n\n"
        "  accord dlq replay order.events --reason handler\n\n"
        "  accord dlq replay order.events --ref order.events.dlq/0/12 --dry-run"
    ),
)
@output.guarded
def replay(
    topic: Topic,
    ref: Annotated[
        list[str] | None, typer.Option("--ref", help="A dead letter to replay (see `list`).")
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Replay the dead letters with this reason.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Replay every dead letter.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be replayed; send nothing.")
    ] = False,
    bootstrap_servers: Bootstrap = None,
    fmt: Format = TextOrJson.text,
) -> None:
    from accord.runtime import dlq
    from accord.runtime.settings import KafkaSettings

    if not (ref or reason or all_):
        raise UsageError.at(
            "say which dead letters to replay",
            fix="add --all, --reason REASON or --ref REF (refs come from `accord dlq list`)",
        )
    settings = KafkaSettings.resolve(bootstrap_servers)
    letters = dlq.read_dead_letters(settings, topic)
    chosen = [
        letter
        for letter in letters
        if all_ or (ref and letter.ref in ref) or (reason and letter.reason == reason)
    ]
    unknown = sorted(set(ref or ()) - {letter.ref for letter in letters})
    if unknown:
        raise UsageError.at(
            f"no dead letter {', '.join(unknown)} on {dlq.dead_letter_topic(topic)}"
            if not topic.endswith(dlq.DLQ_SUFFIX)
            else f"no dead letter {', '.join(unknown)} on {topic}",
            fix="list them with `accord dlq list TOPIC`",
        )
    sent = chosen if dry_run else dlq.replay(settings, chosen)
    if fmt is TextOrJson.json:
        output.emit_json({"dry_run": dry_run, "replayed": [letter.to_dict() for letter in sent]})
        return
    verb = "would replay" if dry_run else "replayed"
    for letter in sent:
        output.data(f"{verb} {letter.ref} -> {letter.original_topic}")
    output.info(f"{verb} {len(sent)} dead letter(s)")
