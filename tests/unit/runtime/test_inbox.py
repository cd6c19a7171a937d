"""The inbox and version checks over SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.runtime import inbox
from accord.runtime.db import SqliteDatabase
from tests.unit.runtime.test_db import rolled_back


@pytest.fixture
def db(tmp_path: Path) -> SqliteDatabase:
    database = SqliteDatabase(tmp_path / "t.db")
    inbox.install(database)
    inbox.install(database)  # idempotent
    return database


def test_recorded_ids_are_seen_per_group(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        inbox.record(tx, "order", [("e1", "t", 0, 1), ("e2", "t", 0, 2)])
    with db.read() as tx:
        assert inbox.seen(tx, "order", ["e1", "e3", "e2"]) == {"e1", "e2"}
        assert inbox.seen(tx, "inventory", ["e1"]) == set()


def test_seen_handles_more_ids_than_one_query_takes(db: SqliteDatabase) -> None:
    ids = [f"e{i}" for i in range(1200)]
    with db.transaction() as tx:
        inbox.record(tx, "g", [(i, "t", 0, n) for n, i in enumerate(ids[::2])])
    with db.read() as tx:
        assert inbox.seen(tx, "g", ids) == set(ids[::2])


def test_a_rolled_back_record_is_not_seen(db: SqliteDatabase) -> None:
    rolled_back(db, lambda tx: inbox.record(tx, "g", [("e1", "t", 0, 1)]))
    with db.read() as tx:
        assert inbox.seen(tx, "g", ["e1"]) == set()


def test_only_newer_versions_win(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        answers = [inbox.newer_version(tx, "user", "u1", v) for v in (1, 3, 2, 3, 4)]
        other = inbox.newer_version(tx, "user", "u2", 1)
    assert answers == [True, True, False, False, True]
    assert other


def test_purge_forgets_old_entries(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        inbox.record(tx, "g", [("e1", "t", 0, 1)])
    assert inbox.purge(db, older_than_s=3600) == 0
    assert inbox.purge(db, older_than_s=-1) == 1


def test_claim_records_a_batch_of_new_ids(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        assert inbox.claim(tx, "g", [("e1", "t", 0, 1), ("e2", "t", 1, 1)])
    with db.read() as tx:
        assert inbox.seen(tx, "g", ["e1", "e2"]) == {"e1", "e2"}
        rows = tx.query("SELECT event_id, topic, part, msg_offset FROM accord_inbox ORDER BY 1")
    assert rows == [("e1", "t", 0, 1), ("e2", "t", 1, 1)]


@pytest.mark.parametrize(
    "batch",
    [
        [("e9", "t", 0, 5), ("e1", "t", 0, 6)],  # e1 was recorded before
        [("e8", "t", 0, 5), ("e8", "t", 0, 6)],  # the same id twice in the batch
    ],
)
def test_claim_refuses_a_batch_with_a_known_id(
    db: SqliteDatabase, batch: list[inbox.InboxEntry]
) -> None:
    with db.transaction() as tx:
        inbox.record(tx, "g", [("e1", "t", 0, 1)])
    with db.transaction() as tx:
        assert not inbox.claim(tx, "g", batch)
    # Another group's inbox is its own.
    with db.transaction() as tx:
        assert inbox.claim(tx, "other", [("e1", "t", 0, 1)])
