"""The idempotent inbox and version checks: what makes at-least-once delivery apply once.

The consumer records each event id in the inbox in the same transaction as the handler's
effects. A redelivered event (after a crash, a rebalance, or a duplicate from an outbox relay)
finds its id there and is skipped; since the record and the effects commit together, an event is
either applied and recorded, or neither.

On SQLite the inbox is ``accord_inbox_ids``, one B-tree (``WITHOUT ROWID``) keyed by the event
id and the consumer group: a canonical UUID id is kept as its 16 bytes (any other id as its
text, which never equals a BLOB), the group and topic as numbers from ``accord_inbox_names``.
Inserting a batch of random ids then dirties half the pages a text-keyed table with a separate
primary-key index did. ``accord_inbox`` is a view with the readable columns (``consumer_group``,
``event_id``, ``topic``, ``part``, ``msg_offset``, ``processed_ms``); a database that has the
older ``accord_inbox`` table is migrated to this layout by :func:`install`. On PostgreSQL
``accord_inbox`` is that table.

Version checks guard state that arrives out of order: ``UserUpdated`` version 3 delivered after
version 4 must not overwrite it. ``accord_versions`` keeps the highest version applied per
entity; :func:`newer_version` records a version and says whether it is newer.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

from accord.runtime.db import Database, Transaction
from accord.runtime.speedups import _speedups

INBOX = "accord_inbox"
VERSIONS = "accord_versions"
IDS = "accord_inbox_ids"  # SQLite: the inbox itself (``accord_inbox`` is a view of it)
NAMES = "accord_inbox_names"  # SQLite: consumer group and topic names, numbered

_INBOX_TABLE = f"""CREATE TABLE IF NOT EXISTS {INBOX} (
    consumer_group TEXT NOT NULL,
    event_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    part INTEGER NOT NULL,
    msg_offset BIGINT NOT NULL,
    processed_ms BIGINT NOT NULL,
    PRIMARY KEY (consumer_group, event_id)
)"""
_VERSIONS_TABLE = f"""CREATE TABLE IF NOT EXISTS {VERSIONS} (
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_key)
)"""

# The id column is declared BLOB for its affinity (none): values stay as given, 16-byte
# BLOBs and TEXT side by side.
_SQLITE_DDL = [
    f"CREATE TABLE IF NOT EXISTS {NAMES} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    f"""CREATE TABLE IF NOT EXISTS {IDS} (
        event_id BLOB NOT NULL,
        group_ref INTEGER NOT NULL,
        topic_ref INTEGER NOT NULL,
        part INTEGER NOT NULL,
        msg_offset INTEGER NOT NULL,
        processed_ms INTEGER NOT NULL,
        PRIMARY KEY (event_id, group_ref)
    ) WITHOUT ROWID""",
    f"""CREATE VIEW IF NOT EXISTS {INBOX} AS SELECT
        g.name AS consumer_group,
        CASE WHEN typeof(i.event_id) = 'blob' THEN lower(
            substr(hex(i.event_id), 1, 8) || '-' || substr(hex(i.event_id), 9, 4) || '-'
            || substr(hex(i.event_id), 13, 4) || '-' || substr(hex(i.event_id), 17, 4) || '-'
            || substr(hex(i.event_id), 21)
        ) ELSE i.event_id END AS event_id,
        t.name AS topic,
        i.part AS part,
        i.msg_offset AS msg_offset,
        i.processed_ms AS processed_ms
    FROM {IDS} AS i
    JOIN {NAMES} AS g ON g.id = i.group_ref
    JOIN {NAMES} AS t ON t.id = i.topic_ref""",
    _VERSIONS_TABLE,
]

InboxEntry = tuple[str, str, int, int]  # event_id, topic, partition, offset


def install(db: Database) -> None:
    """Create the inbox and version tables if they do not exist (on SQLite, moving the rows of
    an older ``accord_inbox`` table into the current layout)."""
    if db.dialect != "sqlite":
        db.install([_INBOX_TABLE, _VERSIONS_TABLE])
        return
    with db.transaction() as tx:
        old = tx.query(f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{INBOX}'")
        if old:
            tx.execute(f"ALTER TABLE {INBOX} RENAME TO accord_inbox_old")
        for statement in _SQLITE_DDL:
            tx.execute(statement)
        if old:
            _migrate(tx)


def _migrate(tx: Transaction) -> None:
    rows = tx.query(
        "SELECT consumer_group, event_id, topic, part, msg_offset, processed_ms"
        " FROM accord_inbox_old"
    )
    refs = _refs(tx, {name for row in rows for name in (row[0], row[2])})
    tx.executemany(
        f"INSERT INTO {IDS} (event_id, group_ref, topic_ref, part, msg_offset, processed_ms)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(id_key(str(e)), refs[g], refs[t], p, o, ms) for g, e, t, p, o, ms in rows],
    )
    tx.execute("DROP TABLE accord_inbox_old")


def _uuid_key(event_id: str) -> bytes | None:
    if len(event_id) == 36 and event_id[8] == event_id[13] == event_id[18] == event_id[23] == "-":
        digits = event_id.replace("-", "")
        try:
            raw = bytes.fromhex(digits)
        except ValueError:
            return None
        if raw.hex() == digits:  # 32 lower-case hex digits: no upper case, no spaces
            return raw
    return None


# The 16 bytes of a UUID's canonical text, else None (compiled when accord's C codec is built).
uuid_key: Callable[[str], bytes | None] = _uuid_key if _speedups is None else _speedups.uuid_key


def id_key(event_id: str) -> str | bytes:
    """The SQLite inbox's key of an event id: the 16 bytes of a UUID in canonical form
    (lower-case hex, dashes at 8-4-4-4-12), any other id unchanged. One text, one key, and
    no two texts share one."""
    return uuid_key(event_id) or event_id


def _keys(event_ids: Iterable[str]) -> list[str | bytes]:
    return [id_key(event_id) for event_id in event_ids]


def _refs(tx: Transaction, names: Iterable[str]) -> dict[str, int]:
    """Numbers of ``names`` in ``accord_inbox_names``, added in this transaction when new."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    tx.executemany(
        f"INSERT INTO {NAMES} (name) VALUES (?) ON CONFLICT DO NOTHING", [(n,) for n in wanted]
    )
    marks = ", ".join("?" * len(wanted))
    rows = tx.query(f"SELECT name, id FROM {NAMES} WHERE name IN ({marks})", wanted)
    return {str(name): int(ref) for name, ref in rows}


def seen(tx: Transaction, group: str, event_ids: Sequence[str]) -> set[str]:
    """The ids among ``event_ids`` this group already processed (one query per 500 ids)."""
    found: set[str] = set()
    if tx.dialect != "sqlite":
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = tx.query(
                f"SELECT event_id FROM {INBOX} WHERE consumer_group = ? AND event_id IN ({marks})",
                (group, *chunk),
            )
            found.update(str(r[0]) for r in rows)
        return found
    rows = tx.query(f"SELECT id FROM {NAMES} WHERE name = ?", (group,))
    if not rows:
        return found
    group_ref = rows[0][0]
    by_key = dict(zip(_keys(event_ids), event_ids, strict=True))
    keys = list(by_key)
    for start in range(0, len(keys), 500):
        some = keys[start : start + 500]
        marks = ", ".join("?" * len(some))
        hits = tx.query(
            f"SELECT event_id FROM {IDS} WHERE event_id IN ({marks}) AND group_ref = ?",
            (*some, group_ref),
        )
        found.update(by_key[r[0]] for r in hits)
    return found


_INSERT = (
    f"INSERT INTO {INBOX} (consumer_group, event_id, topic, part, msg_offset, processed_ms)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_IDS_HEAD = (
    f"INSERT INTO {IDS} (event_id, group_ref, topic_ref, part, msg_offset, processed_ms)"
)


_ID_COLUMNS = 6
# Rows per SQLite INSERT: a few fixed sizes, so each size's statement is prepared once and
# then found in sqlite3's statement cache. A statement of many rows costs about two thirds of
# as many one-row statements (executemany): binding and stepping stay in C.
_CHUNKS = (256, 64, 16, 4, 1)


def _insert_ids(tx: Transaction, rows: list[object], suffix: str = "") -> int:
    """Insert ``rows`` (flattened) into the SQLite inbox; how many were inserted."""
    limit = tx.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // _ID_COLUMNS
    values = tuple(rows)
    inserted = start = 0
    total = len(values) // _ID_COLUMNS
    for size in _CHUNKS:
        if size > limit and size > 1:  # a build allowing few parameters: smaller statements
            continue
        while total - start >= size:
            chunk = values[start * _ID_COLUMNS : (start + size) * _ID_COLUMNS]
            inserted += tx.execute(_insert_ids_sql(size, suffix), chunk).rowcount
            start += size
    return inserted


@functools.cache
def _insert_ids_sql(rows: int, suffix: str) -> str:
    marks = "(" + ", ".join("?" * _ID_COLUMNS) + ")"
    return f"{_INSERT_IDS_HEAD} VALUES {', '.join([marks] * rows)}{suffix}"


def record(tx: Transaction, group: str, entries: Sequence[InboxEntry]) -> None:
    """Record processed events (ids not yet in the inbox; see :func:`seen`)."""
    if tx.dialect != "sqlite":
        tx.executemany(_INSERT, _rows(group, entries))
    elif entries:
        _insert_ids(tx, _sqlite_values(tx, group, entries))


def claim(tx: Transaction, group: str, entries: Sequence[InboxEntry]) -> bool:
    """Record every entry, and return True, when none of their ids is in the inbox yet (nor
    twice among them). Otherwise return False, with only the new ids recorded: roll the
    transaction back and use :func:`seen` and :func:`record` instead. The common case, a batch
    without redeliveries, then costs one statement instead of a look-up plus an insert."""
    if tx.dialect != "sqlite":
        inserted = tx.executemany(
            f"{_INSERT} ON CONFLICT (consumer_group, event_id) DO NOTHING", _rows(group, entries)
        )
    elif entries:
        inserted = _insert_ids(tx, _sqlite_values(tx, group, entries), " ON CONFLICT DO NOTHING")
    else:
        inserted = 0
    return inserted == len(entries)


def _rows(group: str, entries: Iterable[InboxEntry]) -> list[tuple[str, str, str, int, int, int]]:
    now = int(time.time() * 1000)
    return [
        (group, event_id, topic, part, offset, now) for event_id, topic, part, offset in entries
    ]


def _sqlite_values(tx: Transaction, group: str, entries: Sequence[InboxEntry]) -> list[object]:
    """The SQLite inbox rows of ``entries``, one after another in one flat list."""
    now = int(time.time() * 1000)
    topics = {entry[1] for entry in entries}
    refs = _refs(tx, (group, *topics))
    group_ref = refs[group]
    values: list[object] = []
    add = values.extend
    for event_id, topic, part, offset in entries:
        add((id_key(event_id), group_ref, refs[topic], part, offset, now))
    return values


def newer_version(tx: Transaction, entity: str, key: str, version: int) -> bool:
    """Record ``version`` for ``entity``/``key`` when it is higher than the one applied so far
    and return True; return False (and change nothing) for an older or equal version."""
    rows = tx.query(
        f"SELECT version FROM {VERSIONS} WHERE entity = ? AND entity_key = ?", (entity, key)
    )
    if not rows:
        tx.execute(
            f"INSERT INTO {VERSIONS} (entity, entity_key, version) VALUES (?, ?, ?)",
            (entity, key, version),
        )
        return True
    if int(rows[0][0]) >= version:
        return False
    tx.execute(
        f"UPDATE {VERSIONS} SET version = ? WHERE entity = ? AND entity_key = ?",
        (version, entity, key),
    )
    return True


def purge(db: Database, older_than_s: float) -> int:
    """Forget inbox entries older than ``older_than_s`` (keep this well above the longest
    time a duplicate can arrive, e.g. days). Returns the rows deleted."""
    cutoff = int((time.time() - older_than_s) * 1000)
    table = IDS if db.dialect == "sqlite" else INBOX
    with db.transaction() as tx:
        return int(tx.execute(f"DELETE FROM {table} WHERE processed_ms < ?", (cutoff,)).rowcount)
