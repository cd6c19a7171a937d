"""``accord validate``: parse the manifest and every schema; report every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli import output
from accord.cli.output import TextOrJson
from accord.cli.state import state
from accord.contracts import Contracts, try_load, try_read_schema
from accord.diagnostics import Diagnostic, sort_diagnostics
from accord.errors import EXIT_INPUT, EXIT_OK
from accord.lint import config_problems


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help=(
            "Parse accord.yaml and every schema it names, and report every problem as"
            " `file:line:col: message` on stderr.\n\n"
            "With PATH arguments, validate those schema files only (*.avsc Avro, *.json JSON"
            " Schema). Exit 0 when everything is valid, 2 otherwise."
        ),
    )(validate)


@output.guarded
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Schema files to validate instead of the manifest.")
    ] = None,
    fmt: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
) -> None:
    problems: list[Diagnostic] = []
    contracts: Contracts | None = None
    if paths:
        for path in paths:
            problems.extend(try_read_schema(path)[1])
    else:
        contracts, problems = try_load(state(ctx).manifest)
        if contracts is not None:
            # The manifest schema types `lint:` as a free object; accord.lint checks its content.
            problems = config_problems(contracts)
            contracts = None if problems else contracts
    problems = sort_diagnostics(problems)
    if fmt is TextOrJson.json:
        output.emit_json(
            {
                "valid": not problems,
                "problems": [p.to_dict() for p in problems],
                "summary": _summary(contracts) if contracts else None,
            }
        )
    for p in problems:
        output.error(p.render_line())
    if problems:
        n = len(problems)
        output.info(f"{n} problem{'s' if n != 1 else ''} found")
        raise typer.Exit(EXIT_INPUT)
    if fmt is TextOrJson.text:
        if contracts is not None:
            s = _summary(contracts)
            output.data(
                f"{contracts.manifest_file}: valid ({s['events']} events, {s['services']} services,"
                f" {s['topics']} topics)"
            )
        else:
            output.data(f"{len(paths or [])} schema file(s) valid")
    raise typer.Exit(EXIT_OK)


def _summary(contracts: Contracts) -> dict[str, int]:
    return {
        "events": len(contracts.events),
        "services": len(contracts.services),
        "topics": len(contracts.topics),
    }
