"""The root ``accord`` app: global options, and one sub-module per command.

Exit codes: 0 ok, 1 the check found problems, 2 usage or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from accord import __version__
from accord.cli import commands
from accord.cli.state import State

app = typer.Typer(
    name="accord",
    help=(
        "Event contracts as code: lint, generate, gate and serve the schemas of an"
        " event-driven system.\n\n"
        "accord reads accord.yaml (the manifest) and the Avro / JSON Schema files it names."
        " Start with `accord validate`, then `accord lint`, `accord check --against git:main`"
        " and `accord generate`.\n\n"
        "Exit codes: 0 ok, 1 the check found problems, 2 usage or input error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"accord {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            "-m",
            help="The manifest file (default: accord.yaml in this folder or the nearest parent).",
            envvar="ACCORD_MANIFEST",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    ctx.obj = State(manifest=manifest)


commands.register_all(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
