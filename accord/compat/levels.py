"""What a compatibility level asks: which earlier versions, which directions.

Confluent's levels: ``BACKWARD`` = the new schema reads data written with the previous one;
``FORWARD`` = the previous schema reads data written with the new one; ``FULL`` = both;
``_TRANSITIVE`` = against every earlier version instead of only the latest; ``NONE`` = no
check. Versions are given oldest first; results list the latest first, as Confluent reports.
"""

from __future__ import annotations

from accord.compat.change import Direction
from accord.contracts.model import Level


def parse_level(level: str | Level) -> Level:
    """A :class:`Level` from its name (case-insensitive); ``ValueError`` otherwise."""
    return level if isinstance(level, Level) else Level.parse(str(level))


def directions(level: Level) -> tuple[Direction, ...]:
    """The readings the level requires, backward first."""
    out: list[Direction] = []
    if level.backward:
        out.append(Direction.BACKWARD)
    if level.forward:
        out.append(Direction.FORWARD)
    return tuple(out)


def versions_to_check(level: Level, count: int) -> list[int]:
    """Indices (into the oldest-first history) to compare against, latest first."""
    if level is Level.NONE or count == 0:
        return []
    if level.transitive:
        return list(range(count - 1, -1, -1))
    return [count - 1]
