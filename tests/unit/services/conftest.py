"""Service logic against a real SQLite database and a publisher that records events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from accord.runtime import Database, EventType, open_database


class Recorder:
    """A :class:`accord.runtime.Publisher` that keeps what it is given (unit tests only)."""

    def __init__(self) -> None:
        self.events: list[EventType] = []

    def publish(self, event: EventType, *, headers: Mapping[str, str] | None = None) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [type(e).EVENT_NAME for e in self.events]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def database(tmp_path: Path, schema: tuple[str, ...]) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'service.db'}")
    db.install(schema)
    try:
        yield db
    finally:
        db.close()
