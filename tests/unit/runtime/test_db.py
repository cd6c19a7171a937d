"""The database seam: transactions, after-commit hooks, read transactions, URLs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from accord.errors import UsageError
from accord.runtime.db import (
    Database,
    PostgresDatabase,
    SqliteDatabase,
    Transaction,
    open_database,
)


def rolled_back(db: Database, work: Callable[[Transaction], object]) -> None:
    """Run ``work`` in a transaction that then fails (so it rolls back)."""

    def fail() -> None:
        with db.transaction() as tx:
            work(tx)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail()


@pytest.fixture
def db(tmp_path: Path) -> SqliteDatabase:
    database = SqliteDatabase(tmp_path / "t.db")
    database.install(["CREATE TABLE t (n INTEGER)"])
    return database


def test_commit_and_rollback(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO t VALUES (?)", (1,))
    rolled_back(db, lambda tx: tx.execute("INSERT INTO t VALUES (?)", (2,)))
    with db.read() as tx:
        assert tx.query("SELECT n FROM t") == [(1,)]


def test_after_commit_runs_only_after_a_commit(db: SqliteDatabase) -> None:
    calls: list[str] = []
    with db.transaction() as tx:
        tx.after_commit(lambda: calls.append("committed"))
        assert calls == []
    rolled_back(db, lambda tx: tx.after_commit(lambda: calls.append("rolled back")))
    assert calls == ["committed"]


def test_readers_do_not_wait_for_a_writer(db: SqliteDatabase) -> None:
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with db.transaction() as tx:
            tx.execute("INSERT INTO t VALUES (7)")
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    writing.wait(10)
    try:
        with db.read() as tx:  # would block for busy_timeout if it took the write lock
            assert tx.query("SELECT COUNT(*) FROM t") == [(0,)]
    finally:
        done.set()
        thread.join()


def test_postgresql_placeholders_are_translated() -> None:
    tx = Transaction(connection=None, dialect="postgresql")
    assert tx._sql("SELECT * FROM t WHERE a = ? AND b LIKE '5%'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '5%%'"
    )
    assert Transaction(connection=None, dialect="sqlite")._sql("a = ?") == "a = ?"


def test_database_urls(tmp_path: Path) -> None:
    sqlite = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(sqlite, SqliteDatabase)
    assert sqlite.path == tmp_path / "a.db"
    assert isinstance(open_database(tmp_path / "b.db"), SqliteDatabase)
    with pytest.raises(UsageError, match="unsupported database URL"):
        open_database("mysql://x/y")


def test_postgres_urls_open_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    class FakePool:
        def __init__(self, url: str, **_kw: object) -> None:
            opened.append(url)

    monkeypatch.setattr("psycopg_pool.ConnectionPool", FakePool)
    db = open_database("postgresql://u@h/d")
    assert isinstance(db, PostgresDatabase)
    assert opened == ["postgresql://u@h/d"]


def test_executemany_says_how_many_rows_changed(db: SqliteDatabase) -> None:
    with db.transaction() as tx:
        assert tx.executemany("INSERT INTO t VALUES (?)", [(1,), [2], (3,)]) == 3
        assert tx.executemany("UPDATE t SET n = n + 1 WHERE n > ?", [(1,)]) == 2
        assert tx.execute("SELECT COUNT(*) FROM t", [1][:0]).fetchall() == [(3,)]
