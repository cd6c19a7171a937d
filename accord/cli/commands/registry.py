"""``accord registry serve | push | pull``: run a Confluent-compatible registry, and move the
manifest's schemas to and from any Confluent-compatible registry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accord.cli import output
from accord.cli.state import state
from accord.errors import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from accord.registry.push import PushReport, Step

registry_app = typer.Typer(
    name="registry",
    help=(
        "A Confluent-compatible schema registry, and the manifest's schemas in one.\n\n"
        "`accord registry serve` runs the registry (SQLite by default, PostgreSQL for several"
        " replicas). `push` registers every subject of accord.yaml in any Confluent-compatible"
        " registry (Confluent, Karapace, Redpanda, Apicurio, accord's own); `pull` writes"
        " subjects from a registry to files."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app)


@registry_app.command(
    "serve",
    help=(
        "Run the schema registry (Confluent's REST API) until interrupted.\n\n"
        "`accord registry serve` listens on http://127.0.0.1:8081 and keeps schemas in"
        " ./registry.db (SQLite). `--port 0` picks a free port. For several replicas, point"
        " them all at one PostgreSQL database:\n\n"
        "`accord registry serve --host 0.0.0.0 --store postgresql://registry@db/registry"
        " --auth registry-auth.yaml`\n\n"
        "Prints `accord registry listening on http://HOST:PORT` once it accepts connections;"
        " `GET /health` answers 200 while the store does. Without --auth the registry is open"
        " (local development); docs/registry.md describes the auth file."
    ),
)
@output.guarded
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8081,
    store: Annotated[
        str,
        typer.Option(
            help="sqlite:///PATH (one file, created if missing) or postgresql://USER@HOST/DB.",
            envvar="ACCORD_REGISTRY_STORE",
        ),
    ] = "sqlite:///registry.db",
    auth: Annotated[
        Path | None,
        typer.Option(
            help="Users and tokens with read-only / read-write roles (YAML or JSON).",
            envvar="ACCORD_REGISTRY_AUTH",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option(help="Largest request body accepted, in bytes (413 above).", min=1024)
    ] = 4 * 1024 * 1024,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's log level: critical, error, warning, info, debug.")
    ] = "warning",
) -> None:
    from accord.registry import server
    from accord.registry.app import create_app
    from accord.registry.auth import load_auth
    from accord.registry.store import open_store

    auth_config = load_auth(auth) if auth is not None else None
    opened = open_store(store)
    try:
        app = create_app(opened, auth=auth_config, max_body=max_body)
        sock = server.bind(host, port)
    except BaseException:
        opened.close()
        raise
    mode = f"auth: {auth}" if auth is not None else "auth: open"

    def announce() -> None:
        output.data(f"accord registry listening on {server.url_of(sock)} ({opened.url}, {mode})")

    try:
        server.run(app, sock, log_level=log_level, announce=announce)
    finally:
        opened.close()


RegistryUrl = Annotated[
    str | None,
    typer.Option(
        "--registry",
        help="Registry URL (default: $ACCORD_REGISTRY_URL, else `registry:` in accord.yaml).",
        show_default=False,
    ),
]
Format = Annotated[output.TextOrJson, typer.Option("--format", "-f", help="Output format.")]


def _registry_url(ctx: typer.Context, flag: str | None) -> str:
    from accord.registry.client import ENV_URL

    if flag:
        return flag
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    url = state(ctx).contracts().registry
    if not url:
        raise UsageError(
            "no registry URL",
            hint=f"pass --registry URL, set {ENV_URL}, or set `registry:` in accord.yaml",
        )
    return url


@registry_app.command(
    "push",
    help=(
        "Register every subject of accord.yaml in a Confluent-compatible registry.\n\n"
        "Subjects go in dependency order (schemas they reference first). For each one, the"
        " registry's own compatibility check runs first (at the manifest's level, which push"
        " sets on the subject); an incompatible schema is not registered and push exits 1."
        " `--dry-run` changes nothing and prints the plan.\n\n"
        "Credentials come from the environment, never from flags: ACCORD_REGISTRY_USER +"
        " ACCORD_REGISTRY_PASSWORD, or ACCORD_REGISTRY_TOKEN, or ACCORD_REGISTRY_CREDENTIALS=FILE"
        " (YAML with user/password or token)."
    ),
)
@output.guarded
def push_command(
    ctx: typer.Context,
    registry: RegistryUrl = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; change nothing.")] = False,
    fmt: Format = output.TextOrJson.text,
) -> None:
    from accord.registry.client import RegistryClient, credentials_from
    from accord.registry.push import push

    contracts = state(ctx).contracts()
    url = _registry_url(ctx, registry)
    verb = "would" if dry_run else "did"

    def progress(index: int, total: int, step: Step) -> None:
        output.info(f"[{index}/{total}] {step.subject}: {_describe(step, verb)}")

    with RegistryClient(url, credentials=credentials_from()) as client:
        report = push(contracts, client, dry_run=dry_run, progress=progress)
    if fmt is output.TextOrJson.json:
        output.emit_json(report.to_dict())
    else:
        output.data(_push_text(report))
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def _describe(step: Step, verb: str) -> str:
    would = verb == "would"
    where = f"version {step.version}" + (f" (id {step.schema_id})" if step.schema_id else "")
    text = {
        "unchanged": f"unchanged, {where}",
        "create": f"{'would create' if would else 'created'} the subject with {where}",
        "add": f"{'would register' if would else 'registered'} {where}",
        "incompatible": "incompatible: not registered",
        "pending": "judged once the schemas it references are registered",
        "skipped": "skipped: a schema it references was not registered",
    }[step.action.value]
    if step.sets_level:
        was = step.registry_level or "the global level"
        text += f"; {'would set' if would else 'set'} level {step.level} (was {was})"
    return text


def _push_text(report: PushReport) -> str:
    verb = "would" if report.dry_run else "did"
    lines = [f"{'plan for' if report.dry_run else 'pushed to'} {report.registry}:"]
    for step in report.steps:
        lines.append(f"  {step.action.value:<12} {step.subject}: {_describe(step, verb)}")
        lines.extend(f"      {message}" for message in step.messages)
    counts: dict[str, int] = {}
    for step in report.steps:
        counts[step.action.value] = counts.get(step.action.value, 0) + 1
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    lines.append(f"{len(report.steps)} subjects: {summary}")
    return "\n".join(lines)


@registry_app.command(
    "pull",
    help=(
        "Write subjects from a registry to schema files.\n\n"
        "Without SUBJECT arguments, every subject of the registry (or those starting with"
        " --prefix). The latest version goes to OUT/<subject>.avsc (.json for JSON Schema);"
        " --all-versions writes OUT/<subject>/v<N>.avsc for every version."
    ),
)
@output.guarded
def pull_command(
    ctx: typer.Context,
    subjects: Annotated[list[str] | None, typer.Argument(help="Subjects to pull.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path(
        "registry-schemas"
    ),
    prefix: Annotated[str, typer.Option(help="Only subjects starting with this.")] = "",
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every version, not only the latest.")
    ] = False,
    registry: RegistryUrl = None,
    fmt: Format = output.TextOrJson.text,
) -> None:
    from accord.registry.client import RegistryClient, credentials_from
    from accord.registry.pull import Pulled, pull

    url = _registry_url(ctx, registry)

    def progress(index: int, total: int, item: Pulled) -> None:
        output.info(f"[{index}/{total}] {item.subject} v{item.version} -> {item.path}")

    with RegistryClient(url, credentials=credentials_from()) as client:
        written = pull(
            client,
            out,
            subjects=subjects or (),
            prefix=prefix,
            all_versions=all_versions,
            progress=progress,
        )
    if fmt is output.TextOrJson.json:
        output.emit_json({"registry": url, "written": [p.to_dict() for p in written]})
    else:
        output.data(f"{len(written)} schema file(s) written under {out}")
    raise typer.Exit(EXIT_OK)
