"""``accord check``: the deploy gate over the whole manifest."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from accord.cli import output
from accord.cli.state import state
from accord.compat import Policy, gate
from accord.contracts.sources import parse_against
from accord.errors import EXIT_FINDINGS, EXIT_OK
from accord.report import Format, render

HELP = """The gate before deploy: check every event of accord.yaml against its previous
versions, at the event's compatibility level, with Confluent Schema Registry's rules.

--against names the previous versions:

- `git:REF`: the manifest and schemas at a git ref (HEAD~1, main, a tag...); for _TRANSITIVE
levels, every distinct version of the schema file in REF's history (renames followed). A
shallow clone is deepened when it has a remote (in CI, check out with fetch-depth: 0).
- `DIR`: another checkout, or any folder holding an accord.yaml.
- `registry[:URL]`: the subjects of a schema registry (the manifest's `registry:` by
default); each subject's configured level wins.

Default: the merge base of HEAD with the default branch (origin/HEAD, origin/main, main...),
so a pull request is checked against what it will be merged into; on the default branch
itself, HEAD (your uncommitted edits).

New events pass. An event the manifest no longer declares fails when a service consumed it.
Every breaking change names the field, says who breaks ("consumers on v4 (working tree)
cannot read events written with v3 (git:HEAD)"), points at both files, suggests a fix and,
where one exists, shows an event that proves it.

Examples:

    accord check

    accord check --against git:HEAD~1 --format sarif > check.sarif

    accord check --against ../last-release --format junit > check.xml

Exit codes: 0 no breaking change, 1 breaking changes, 2 bad input (invalid manifest or
schema, unknown ref, unreadable source)."""


def register(app: typer.Typer) -> None:
    app.command("check", help=HELP)(check)


@output.guarded
def check(
    ctx: typer.Context,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            "-a",
            help="git:REF, a folder with an accord.yaml, or registry[:URL] (default: the"
            " merge base with the default branch).",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text, json, sarif (2.1.0, for code scanning), github (annotations) or junit.",
        ),
    ] = Format.text,
    policy: Annotated[
        Policy,
        typer.Option("--policy", case_sensitive=False, help="JSON Schema compatibility policy."),
    ] = Policy.STRICT,
) -> None:
    contracts = state(ctx).contracts()
    source = parse_against(against, contracts)
    if fmt is Format.text:
        output.info(f"checking {len(contracts.events)} event(s) against {source.description}")
    snapshot = source.snapshot(contracts)
    for note in snapshot.notes:
        output.info(f"note: {note}")
    result = gate.run(contracts, snapshot, policy=policy)
    color = fmt is Format.text and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output.data(render(fmt, result.report(), color=color))
    if fmt is Format.text:
        counts = ", ".join(f"{n} {status}" for status, n in gate.summary(result.verdicts).items())
        output.info(f"events: {counts or 'none'}")
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)
