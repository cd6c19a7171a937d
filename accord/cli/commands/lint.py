"""``accord lint``: the documented rules over the schemas and the manifest, for CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from accord.cli import output
from accord.cli.state import state
from accord.errors import EXIT_FINDINGS, EXIT_OK
from accord.lint import lint as run_lint
from accord.lint.history import AUTO
from accord.report import Format, render

HELP = """Lint the event contracts: naming, docs, evolvability, the event envelope and the
topology, with every finding at `file:line:col` and its rule ID.

Without PATH, lints accord.yaml and every schema it names. PATH arguments (files or folders)
limit the report to those files; schema files that the manifest does not name are linted on
their own (the manifest and topology rules are skipped for them).

Rules: `accord rules` lists them, `accord rules ID` explains one. Configure them in accord.yaml
under `lint:` (`use`, `except`, `ignore`, `ignore_only`, `naming`); silence one place with
`"accord.lint.ignore": {"RULE_ID": "reason"}` (Avro) or `"x-accord-lint-ignore"` (JSON Schema).

Examples:

    accord lint

    accord lint --select naming --ignore AVRO_NAMESPACE_MISSING schemas/order

    accord lint --format sarif > accord.sarif        # GitHub code scanning

    accord lint --format github                      # annotations in GitHub Actions

Exit codes: 0 no error findings (warnings do not fail), 1 error findings, 2 bad input
(an invalid manifest, schema or `lint:` configuration, or an unknown rule ID)."""


def register(app: typer.Typer) -> None:
    app.command("lint", help=HELP, no_args_is_help=False)(lint)


@output.guarded
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Schema files or folders to report on (default: the whole manifest)."),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text (file:line:col ID message), json, sarif (2.1.0, for code scanning),"
            " github (workflow annotations) or junit.",
        ),
    ] = Format.text,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            "-s",
            help="Run only these rule IDs or categories (repeat, or separate with commas);"
            " replaces the selection of accord.yaml (`lint.use` / `lint.except`).",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            "-i",
            help="Skip these rule IDs or categories (repeat, or separate with commas).",
        ),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Where the previous versions of the schemas are, for the rules about history"
            " (fields added without a default): git:REF, a folder with an accord.yaml, or"
            " registry[:URL]. Default: the git history when inside a git work tree.",
        ),
    ] = None,
) -> None:
    result = run_lint(
        state(ctx).manifest,
        paths or [],
        select=select or [],
        ignore=ignore or [],
        against=against or AUTO,
    )
    color = fmt is Format.text and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output.data(render(fmt, result.report(), color=color))
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)
