"""Options shared by every command (set by the root callback)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from accord.contracts import Contracts, load


@dataclass
class State:
    manifest: Path | None = None

    def contracts(self) -> Contracts:
        return load(self.manifest)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()
