"""``accord registry serve | push | pull``:accord registry serve | push | pull."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Adds the command to the root app (not yet available)."""
