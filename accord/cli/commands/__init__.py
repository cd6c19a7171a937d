"""One module per command; each exposes ``register(app)``."""

from __future__ import annotations

import typer

from accord.cli.commands import demo, validate


def register_all(app: typer.Typer) -> None:
    for module in (validate, demo):
        module.register(app)
