"""``accord docs``: the HTML event catalog of the manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.catalog import html
from accord.cli import output
from accord.cli.state import state


def register(app: typer.Typer) -> None:
    app.command(
        "docs",
        help=(
            "Write an HTML event catalog: an overview of topics, events and services, and a page"
            " per event (fields, types, defaults, docs, producers, consumers, level) and per"
            " service.\n\nThe output folder is replaced atomically; open OUT/index.html."
        ),
    )(docs)


@output.guarded
def docs(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path(
        "build/catalog"
    ),
) -> None:
    contracts = state(ctx).contracts()
    written = html.write(contracts, out)
    output.info(f"wrote {len(written)} files")
    output.data(str(out / "index.html"))
