"""The inbox and version checks over SQLite."""

from __future__ import annotations

import sqlite3
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


@pytest.mark.parametrize("variables", [None, 100, 6])  # the build's limit, or lower ones
@pytest.mark.parametrize("size", [1, 5, 255, 256, 343, 1000])
def test_batches_of_any_size_are_recorded_row_for_row(
    db: SqliteDatabase, size: int, variables: int | None
) -> None:
    # Rows go in as multi-row statements of a few sizes; each row must land once, intact.
    entries = [(f"e{i}", f"t{i % 2}", i % 3, 10 * i) for i in range(size)]
    with db.transaction() as tx:
        if variables is not None:
            tx.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variables)
        assert inbox.claim(tx, "g", entries)
        assert not inbox.claim(tx, "g", [("new", "t0", 0, 1), entries[-1]])
        inbox.record(tx, "h", entries)
    with db.read() as tx:
        for group in ("g", "h"):
            rows = tx.query(
                "SELECT event_id, topic, part, msg_offset FROM accord_inbox"
                " WHERE consumer_group = ? AND event_id != 'new' ORDER BY msg_offset",
                (group,),
            )
            assert rows == entries
        assert inbox.seen(tx, "g", ["new"]) == {"new"}  # claim recorded it (and said no)


UUID = "8f14e45f-ceea-467f-a8d4-2c7c3e3b6f1a"


def test_uuid_ids_are_kept_as_16_bytes_and_read_back_as_text(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        assert inbox.claim(tx, "g", [(UUID, "t", 2, 7), ("e1", "t", 0, 1)])
    with db.read() as tx:
        stored = tx.query("SELECT typeof(event_id), length(event_id) FROM accord_inbox_ids")
        view = tx.query(
            "SELECT consumer_group, event_id, topic, part, msg_offset FROM accord_inbox"
        )
        assert inbox.seen(tx, "g", [UUID, "e1", "e2"]) == {UUID, "e1"}
    assert sorted(stored) == [("blob", 16), ("text", 2)]
    assert sorted(view) == [("g", UUID, "t", 2, 7), ("g", "e1", "t", 0, 1)]


@pytest.mark.parametrize(
    "other",
    [
        UUID.upper(),  # the same UUID written otherwise is another id, as it was as text
        UUID.replace("-", ""),
        "{" + UUID[1:-1] + "}",
        UUID[:8] + " " + UUID[9:],
        UUID[:-2] + " 1",
        UUID[:-2] + "zz",
    ],
)
def test_only_the_canonical_uuid_text_becomes_bytes(db: SqliteDatabase, other: str) -> None:
    assert inbox.id_key(UUID) == bytes.fromhex(UUID.replace("-", ""))
    assert inbox.id_key(other) == other
    with db.transaction() as tx:
        assert inbox.claim(tx, "g", [(UUID, "t", 0, 1), (other, "t", 0, 2)])
    with db.read() as tx:
        assert inbox.seen(tx, "g", [other]) == {other}


def test_an_older_inbox_table_is_migrated(tmp_path: Path) -> None:
    old = SqliteDatabase(tmp_path / "old.db")
    old.install(
        [
            """CREATE TABLE accord_inbox (
                consumer_group TEXT NOT NULL,
                event_id TEXT NOT NULL,
                topic TEXT NOT NULL,
                part INTEGER NOT NULL,
                msg_offset BIGINT NOT NULL,
                processed_ms BIGINT NOT NULL,
                PRIMARY KEY (consumer_group, event_id)
            )"""
        ]
    )
    with old.transaction() as tx:
        tx.executemany(
            "INSERT INTO accord_inbox VALUES (?, ?, ?, ?, ?, ?)",
            [("order", UUID, "user.events", 1, 5, 1000), ("order", "x/1/2", "t", 0, 2, 2000)],
        )
    old.close()
    db = SqliteDatabase(tmp_path / "old.db")
    inbox.install(db)
    inbox.install(db)  # idempotent after the migration too
    with db.transaction() as tx:
        assert inbox.seen(tx, "order", [UUID, "x/1/2", "new"]) == {UUID, "x/1/2"}
        assert not inbox.claim(tx, "order", [(UUID, "user.events", 1, 5)])
    with db.read() as tx:
        rows = tx.query("SELECT * FROM accord_inbox ORDER BY processed_ms")
        kinds = tx.query("SELECT type FROM sqlite_master WHERE name = 'accord_inbox'")
    assert rows == [
        ("order", UUID, "user.events", 1, 5, 1000),
        ("order", "x/1/2", "t", 0, 2, 2000),
    ]
    assert kinds == [("view",)]
    assert inbox.purge(db, older_than_s=0) == 2
