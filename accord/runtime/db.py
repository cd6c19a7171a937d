"""The service's database, shared by its own state, the outbox and the inbox.

One :class:`Transaction` API over SQLite (the default) and PostgreSQL, so the runtime's tables
and the service's tables change in the same local transaction. SQL uses ``?`` placeholders on
both (translated for psycopg); do not put a literal ``?`` or ``%`` inside SQL strings, pass
them as parameters.

    db = open_database("sqlite:///order.db")        # or "postgresql://user@host/dbname"
    with db.transaction() as tx:
        tx.execute("UPDATE orders SET status = ? WHERE id = ?", ("CONFIRMED", order_id))
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from accord.errors import UsageError

Params = Sequence[Any]


class Transaction:
    """An open transaction. Everything executed through it commits or rolls back together."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection  # the DB-API connection, for code that needs it
        self.dialect = dialect  # "sqlite" | "postgresql"
        self._after_commit: list[Callable[[], None]] = []
        self._translate = dialect == "postgresql"

    def _sql(self, sql: str) -> str:
        if self._translate:
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Params = ()) -> Any:
        """Run one statement; returns the DB-API cursor (``rowcount``, ``fetchall()``...)."""
        if type(params) is not tuple:
            params = tuple(params)
        if self._translate:
            cursor = self.connection.cursor()
            cursor.execute(self._sql(sql), params)
            return cursor
        # sqlite3's own shortcut: a new cursor, executed (handlers call this once per event).
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row; returns the rows changed in all."""
        cursor = self.connection.cursor()
        cursor.executemany(self._sql(sql), [r if type(r) is tuple else tuple(r) for r in rows])
        return int(cursor.rowcount)

    def query(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Rows of a SELECT as tuples."""
        return [tuple(row) for row in self.execute(sql, params).fetchall()]

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once this transaction has committed (not if it rolls back)."""
        self._after_commit.append(callback)

    def _committed(self) -> None:
        for callback in self._after_commit:
            callback()


class Database(ABC):
    """Opens transactions. Implementations are safe to share between threads."""

    dialect: str
    url: str

    @abstractmethod
    def transaction(self) -> Any:
        """A context manager yielding a :class:`Transaction`: commit on success, rollback on
        an exception (re-raised)."""

    def read(self) -> Any:
        """Like :meth:`transaction`, for reads only: it does not wait for (or hold) the write
        lock, so readers never stall writers."""
        return self.transaction()

    @abstractmethod
    def close(self) -> None: ...

    def install(self, statements: Iterable[str]) -> None:
        """Run idempotent DDL (``CREATE TABLE IF NOT EXISTS ...``) in one transaction."""
        with self.transaction() as tx:
            for statement in statements:
                tx.execute(statement)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SqliteDatabase(Database):
    """One SQLite file; one connection per thread, WAL journal, writers serialized.

    Transactions start with ``BEGIN IMMEDIATE`` so two writers (the consumer and the outbox
    relay) queue for the write lock at the start instead of failing with "database is locked"
    halfway through.
    """

    dialect = "sqlite"

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,  # we issue BEGIN / COMMIT ourselves
                check_same_thread=False,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._begin("BEGIN IMMEDIATE") as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        # A deferred transaction that only reads takes no write lock (WAL: readers see the
        # last commit and never block the writer).
        with self._begin("BEGIN DEFERRED") as tx:
            yield tx

    @contextmanager
    def _begin(self, begin: str) -> Iterator[Transaction]:
        conn = self._connection()
        conn.execute(begin)
        tx = Transaction(conn, self.dialect)
        try:
            yield tx
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        tx._committed()

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class PostgresDatabase(Database):
    """A PostgreSQL database through a psycopg connection pool."""

    dialect = "postgresql"

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        from psycopg_pool import ConnectionPool

        self.url = url
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._pool.connection() as conn, conn.transaction():
            tx = Transaction(conn, self.dialect)
            yield tx
        tx._committed()

    def close(self) -> None:
        self._pool.close()


def open_database(url: str | Path) -> Database:
    """``sqlite:///relative/or/absolute.db`` (or a plain path) or ``postgresql://...``."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text)
    if text.startswith("sqlite:///"):
        return SqliteDatabase(text[len("sqlite:///") :])
    if "://" in text:
        raise UsageError.at(
            f"unsupported database URL {text!r}",
            fix="use sqlite:///PATH (the default) or postgresql://USER@HOST/DBNAME",
        )
    return SqliteDatabase(text)
