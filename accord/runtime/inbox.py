"""The idempotent inbox and version checks: what makes at-least-once delivery apply once.

The consumer records each event id in ``accord_inbox`` in the same transaction as the handler's
effects. A redelivered event (after a crash, a rebalance, or a duplicate from an outbox relay)
finds its id there and is skipped; since the record and the effects commit together, an event is
either applied and recorded, or neither.

Version checks guard state that arrives out of order: ``UserUpdated`` version 3 delivered after
version 4 must not overwrite it. ``accord_versions`` keeps the highest version applied per
entity; :func:`newer_version` records a version and says whether it is newer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from accord.runtime.db import Database, Transaction

INBOX = "accord_inbox"
VERSIONS = "accord_versions"

_DDL = [
    f"""CREATE TABLE IF NOT EXISTS {INBOX} (
        consumer_group TEXT NOT NULL,
        event_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        part INTEGER NOT NULL,
        msg_offset BIGINT NOT NULL,
        processed_ms BIGINT NOT NULL,
        PRIMARY KEY (consumer_group, event_id)
    )""",
    f"""CREATE TABLE IF NOT EXISTS {VERSIONS} (
        entity TEXT NOT NULL,
        entity_key TEXT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (entity, entity_key)
    )""",
]

InboxEntry = tuple[str, str, int, int]  # event_id, topic, partition, offset


def install(db: Database) -> None:
    """Create the inbox and version tables if they do not exist."""
    db.install(_DDL)


def seen(tx: Transaction, group: str, event_ids: Sequence[str]) -> set[str]:
    """The ids among ``event_ids`` this group already processed (one query per 500 ids)."""
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = tx.query(
            f"SELECT event_id FROM {INBOX} WHERE consumer_group = ? AND event_id IN ({marks})",
            (group, *chunk),
        )
        found.update(str(r[0]) for r in rows)
    return found


_INSERT = (
    f"INSERT INTO {INBOX} (consumer_group, event_id, topic, part, msg_offset, processed_ms)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def record(tx: Transaction, group: str, entries: Iterable[InboxEntry]) -> None:
    """Record processed events (ids not yet in the inbox; see :func:`seen`)."""
    tx.executemany(_INSERT, _rows(group, entries))


def claim(tx: Transaction, group: str, entries: Sequence[InboxEntry]) -> bool:
    """Record every entry, and return True, when none of their ids is in the inbox yet (nor
    twice among them). Otherwise return False, with only the new ids recorded: roll the
    transaction back and use :func:`seen` and :func:`record` instead. The common case, a batch
    without redeliveries, then costs one statement instead of a look-up plus an insert."""
    inserted = tx.executemany(
        f"{_INSERT} ON CONFLICT (consumer_group, event_id) DO NOTHING", _rows(group, entries)
    )
    return inserted == len(entries)


def _rows(group: str, entries: Iterable[InboxEntry]) -> list[tuple[str, str, str, int, int, int]]:
    now = int(time.time() * 1000)
    return [
        (group, event_id, topic, part, offset, now) for event_id, topic, part, offset in entries
    ]


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
    with db.transaction() as tx:
        return int(tx.execute(f"DELETE FROM {INBOX} WHERE processed_ms < ?", (cutoff,)).rowcount)
