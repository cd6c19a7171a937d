"""``accord export``: the manifest in other tools' formats (AsyncAPI)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from accord.catalog import asyncapi
from accord.cli import output
from accord.cli.state import state

export_app = typer.Typer(
    help="Export the contracts for other tools.", no_args_is_help=True, add_completion=False
)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command(
    "asyncapi",
    help=(
        "Write the manifest as an AsyncAPI 3.0.0 document (JSON): one channel per topic, one"
        " message per event with its schema and Kafka binding (Confluent-framed schema id in"
        " the payload), send/receive operations per service. To stdout, or to FILE with -o."
    ),
)
@output.guarded
def export_asyncapi(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    title: Annotated[str | None, typer.Option(help="info.title of the document.")] = None,
    api_version: Annotated[str, typer.Option("--api-version", help="info.version.")] = "1.0.0",
) -> None:
    doc = asyncapi.build(state(ctx).contracts(), title=title, version=api_version)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        output.data(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, out)
    output.info(f"wrote {out}")
