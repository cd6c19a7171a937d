"""One module per command; each exposes ``register(app)``, called in the order of ``--help``."""

from __future__ import annotations

import typer

from accord.cli.commands import (
    check,
    compat,
    demo,
    dev,
    dlq,
    docs,
    export,
    generate,
    lint,
    registry,
    rules,
    validate,
)

MODULES = (validate, lint, rules, compat, check, generate, registry, dev, dlq, demo, docs, export)


def register_all(app: typer.Typer) -> None:
    for module in MODULES:
        module.register(app)
