"""``accord generate``: typed Python stubs, one package per service; ``--check`` for drift."""

from __future__ import annotations

from typing import Annotated

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.cli.state import state
from accord.codegen.generate import generate as generate_files
from accord.codegen.generate import out_template
from accord.codegen.writer import write_all
from accord.errors import EXIT_FINDINGS, EXIT_OK

HELP = """Generate typed Python stubs for every service of the manifest.

Each service gets a package at `codegen.python.out` (default `services/{service}/contracts`)
holding exactly the events it produces and consumes:

- `events.py`: one frozen dataclass per record (enums, nested records, logical types as
  `Decimal`, `UUID`, `datetime`...), `to_dict()` / `from_dict()`, the registry attributes
  (`SCHEMA`, `SUBJECT`, `FINGERPRINT`...), and `EVENTS`;
- `producer.py`: `<Service>Producer`, one `publish_<event>()` per produced event;
- `consumer.py`: `<Service>Consumer`, one `on_<event>()` handler registration per consumed event.

Output is deterministic (same input, same bytes) and formatted. Files that are already up to
date are not touched.

`--check` writes nothing: it prints a unified diff of every stale file and exits 1 (0 when
everything is fresh), so CI can fail on stubs that were not regenerated.

Exit codes: 0 ok / fresh, 1 stale (with --check), 2 bad input (a schema that cannot become
safe Python is reported with its file, line and what to do).
"""


def register(app: typer.Typer) -> None:
    app.command("generate", help=HELP)(generate)


@output.guarded
def generate(
    ctx: typer.Context,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; show a diff and exit 1 when stale."),
    ] = False,
    services: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            "-s",
            help="Generate only this service (repeat for several).",
            metavar="NAME",
        ),
    ] = None,
    fmt: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
) -> None:
    contracts = state(ctx).contracts()
    if fmt is TextOrJson.text:
        output.info(f"generating Python stubs into {out_template(contracts)}")
    files = generate_files(contracts, services)
    stale = [f for f in files if f.stale()]
    if check:
        if fmt is TextOrJson.json:
            output.emit_json(
                {"fresh": not stale, "stale": [f.shown for f in stale], "files": len(files)}
            )
        else:
            for f in stale:
                output.data(f.diff())
        if stale:
            output.error(
                f"{len(stale)} of {len(files)} generated files are stale:"
                f" {', '.join(f.shown for f in stale)}\n  run `accord generate` and commit"
            )
            raise typer.Exit(EXIT_FINDINGS)
        output.info(f"{len(files)} generated files are up to date")
        raise typer.Exit(EXIT_OK)
    written = write_all(stale)
    if fmt is TextOrJson.json:
        output.emit_json(
            {
                "written": [f.shown for f in written],
                "unchanged": [f.shown for f in files if f not in written],
            }
        )
    else:
        for f in written:
            output.data(f"wrote {f.shown}")
        output.info(f"{len(written)} written, {len(files) - len(written)} unchanged")
    raise typer.Exit(EXIT_OK)
