"""JSON Schema differences as :class:`~accord.compat.change.Change` records (in progress)."""

from __future__ import annotations

from accord.compat.change import Change, Direction, Policy
from accord.compat.engine import Prepared
from accord.errors import UsageError


def changes(
    old: Prepared,
    new: Prepared,
    direction: Direction,
    policy: Policy,
    old_label: str,
    new_label: str,
    version: int,
) -> list[Change]:
    raise UsageError("JSON Schema compatibility is not available yet in this build")
