"""The transactional outbox: events are written into the service's database in the same local
transaction as the state change that implies them, and a relay publishes them afterwards.

    with db.transaction() as tx:
        tx.execute("INSERT INTO orders ...", (...))
        OutboxPublisher(tx, codec).publish(OrderPlaced(...))   # same transaction

    relay = OutboxRelay(db)      # in a thread (or OutboxRelay.start()); one publishes at a time
    relay.run(stop_event)

The relay reads unsent rows in insertion order, produces them with an idempotent producer,
waits for the broker's acknowledgements and only then marks the rows sent. A crash at any point
leaves unacknowledged rows unsent, so they are published again later: possibly twice (the
consumers' inbox skips the copy), never lost. While the broker is unreachable rows simply wait.

One relay publishes for a database at a time: a relay holds a lease on it (a row of
``accord_outbox_lease``: the owning relay, named by its process and its number there, and
until when), renewed while it works. The other relays on the same database (the replicas of a
service, or a second relay of the same process) stand by and take over when the lease runs
out, at once when its owner is a relay of this process that no longer exists or a process of
the same host that no longer exists. Two relays publishing together would send every row
twice, interleaved, and break the per-key order consumers see.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from confluent_kafka import KafkaError, Message

from accord.runtime import headers as h
from accord.runtime.db import Database, Transaction
from accord.runtime.events import Codec, EventType
from accord.runtime.metrics import Counter, Metrics
from accord.runtime.producer import RecordProducer
from accord.runtime.records import OutgoingRecord, build_record
from accord.runtime.settings import KafkaSettings

log = logging.getLogger("accord.runtime.outbox")

TABLE = "accord_outbox"

_DDL = {
    "sqlite": [
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            msg_key BLOB,
            value BLOB NOT NULL,
            headers TEXT NOT NULL,
            event_type TEXT NOT NULL,
            event_id TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            sent_ms INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        )""",
    ],
    "postgresql": [
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            id BIGSERIAL PRIMARY KEY,
            topic TEXT NOT NULL,
            msg_key BYTEA,
            value BYTEA NOT NULL,
            headers TEXT NOT NULL,
            event_type TEXT NOT NULL,
            event_id TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            sent_ms BIGINT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        )""",
    ],
}
# Both dialects: the relay only ever scans unsent rows, so index just those.
_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_unsent ON {TABLE} (id) WHERE sent_ms IS NULL"
LEASE_TABLE = "accord_outbox_lease"
_LEASE = "relay"  # the one lease of a database (the name leaves room for more)
_LEASE_DDL = f"""CREATE TABLE IF NOT EXISTS {LEASE_TABLE} (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_ms BIGINT NOT NULL
)"""


def install(db: Database) -> None:
    """Create the outbox tables if they do not exist."""
    db.install([*_DDL[db.dialect], _INDEX, _LEASE_DDL])


def process_owner() -> str:
    """This process as a lease owner: ``host:pid``, the host being its name and, where Linux
    tells, its process-id namespace (containers sharing a host name do not share pids). Read
    each time: a fork is another owner."""
    return f"{_host()}:{os.getpid()}"


def _host() -> str:
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/{namespace}"


# The relays of this process that exist, by number: a lease whose owner is a relay of this
# process missing here was left by one that is gone (dropped without releasing it).
_relays: weakref.WeakValueDictionary[int, OutboxRelay] = weakref.WeakValueDictionary()
_relay_numbers = itertools.count(1)


def _gone(owner: str) -> bool:
    """Whether ``owner`` (``host:pid#relay``) is a relay of this process that no longer exists,
    or a process of this host (and pid namespace) that has exited."""
    host, _, rest = owner.rpartition(":")
    pid, _, relay = rest.partition("#")
    if host != _host() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return relay.isdigit() and int(relay) not in _relays
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (another user's, say)
        return False
    return False


def _now_ms() -> int:
    return int(time.time() * 1000)


class OutboxPublisher:
    """A :class:`~accord.runtime.events.Publisher` that writes into an open transaction.

    ``on_commit`` (e.g. :meth:`OutboxRelay.wake`) runs after the transaction commits, so the
    relay publishes at once instead of at its next poll.
    """

    def __init__(
        self,
        tx: Transaction,
        codec: Codec,
        *,
        on_commit: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.tx = tx
        self.codec = codec
        self.metrics = metrics
        self._notified = on_commit is None
        self._on_commit = on_commit

    def publish(self, event: EventType, *, headers: Mapping[str, str] | None = None) -> None:
        record = build_record(event, self.codec, headers)
        self.tx.execute(
            f"INSERT INTO {TABLE} (topic, msg_key, value, headers, event_type, event_id,"
            " created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.topic,
                record.key,
                record.value,
                orjson.dumps(dict(record.headers), option=orjson.OPT_SORT_KEYS).decode(),
                record.event_type,
                record.event_id,
                _now_ms(),
            ),
        )
        if self.metrics is not None:
            self.metrics.add(Counter.OUTBOX_WRITTEN)
        if not self._notified and self._on_commit is not None:
            self.tx.after_commit(self._on_commit)
            self._notified = True


@dataclass(frozen=True)
class OutboxRow:
    """An unsent row: its id (the publishing order) and the record to send."""

    id: int
    record: OutgoingRecord


class OutboxRelay:
    """Publishes outbox rows in order and marks them sent after the broker acknowledged them.

    One relay per database publishes: the others (of other processes, the replicas, or of this
    one) stand by while it holds the lease, renewed every ``lease_s / 3`` while it works; a
    standby takes over once the lease has run out (``lease_s``, 10 s by default; at once when
    the owner was a relay of this process that no longer exists or a process of this host that
    has exited). A relay that stops releases the lease.
    ``before_mark`` is a seam for fault-injection
    tests: it is called with the acknowledged row ids just before they are marked sent.
    Asked to stop while rows are in flight, the relay waits up to ``stop_grace_s`` for them;
    if some are still unacknowledged then, it marks none of that batch (they go out again on
    the next start, and the consumers' inbox skips the copies).
    """

    def __init__(
        self,
        db: Database,
        settings: KafkaSettings | None = None,
        *,
        batch_size: int = 1000,
        idle_poll_s: float = 0.2,
        producer_config: Mapping[str, Any] | None = None,
        metrics: Metrics | None = None,
        create_topics: bool = True,
        sent_retention_s: float = 3600.0,
        before_mark: Callable[[Sequence[int]], None] | None = None,
        stop_grace_s: float = 5.0,
        lease_s: float = 10.0,
    ) -> None:
        self.db = db
        self.lease_s = lease_s
        self.owner: str | None = None  # None: this relay of this process; tests set one
        self._number = next(_relay_numbers)
        _relays[self._number] = self
        self.active = False  # holds the lease (as of the last look)
        self._looked = False  # has looked at the lease since it started (or released it)
        self._renew_at = 0.0  # monotonic time of the next renewal while active
        self.metrics = metrics or Metrics()
        self.batch_size = batch_size
        self.idle_poll_s = idle_poll_s
        self.sent_retention_s = sent_retention_s
        self.before_mark = before_mark
        self.stop_grace_s = stop_grace_s
        # A relay must not block forever on a dead broker: a bounded delivery timeout turns a
        # broker restart into failed deliveries, a new producer and a resend.
        config = {"message.timeout.ms": 15_000, **(producer_config or {})}
        self.producer = RecordProducer(
            settings or KafkaSettings.resolve(),
            config,
            metrics=self.metrics,
            create_topics=create_topics,
            successes=False,  # a row is acked when it left the producer without a failure
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0
        install(db)

    # -- running -------------------------------------------------------------------------

    def wake(self) -> None:
        """Publish now rather than at the next poll (called after an outbox write commits)."""
        self._wake.set()

    def run(self, stop: threading.Event | None = None) -> None:
        """Relay until ``stop`` (or :meth:`stop`) is set; flushes and releases the lease
        before returning."""
        stop = stop or self._stop
        try:
            while not stop.is_set() and not self._stop.is_set():
                try:
                    sent = self.run_once(stop)
                except Exception:
                    # The database or the admin client failed; the rows are still there: retry.
                    log.exception("outbox relay round failed; retrying")
                    sent = 0
                    stop.wait(1.0)
                if sent == 0:
                    # A standby looks at the lease a few times per term, not every poll.
                    wait = (
                        self.idle_poll_s if self.active else max(self.idle_poll_s, self.lease_s / 4)
                    )
                    self._wake.wait(wait)
                    self._wake.clear()
            self.producer.close(5.0)
        finally:
            self.release()

    def start(self) -> OutboxRelay:
        """Run in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self.run, name="accord-outbox-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def pending(self) -> int:
        """Rows not yet acknowledged by the broker."""
        with self.db.read() as tx:
            ((count,),) = tx.query(f"SELECT COUNT(*) FROM {TABLE} WHERE sent_ms IS NULL")
        self.metrics.set_outbox_pending(int(count))
        return int(count)

    # -- the lease -----------------------------------------------------------------------

    def holds_lease(self) -> bool:
        """Take or renew the lease when due; whether this relay holds it. Between renewals the
        answer is remembered (a third of the term: a renewal costs a write transaction)."""
        if self.active and time.monotonic() < self._renew_at:
            return True
        owner = self.lease_owner
        now = _now_ms()
        with self.db.transaction() as tx:
            rows = tx.query(
                f"SELECT owner, expires_ms FROM {LEASE_TABLE} WHERE name = ?", (_LEASE,)
            )
            holder, expires = (str(rows[0][0]), int(rows[0][1])) if rows else (None, 0)
            mine = holder is None or holder == owner or expires < now or _gone(holder)
            if mine:
                tx.execute(
                    f"INSERT INTO {LEASE_TABLE} (name, owner, expires_ms) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE"
                    " SET owner = excluded.owner, expires_ms = excluded.expires_ms",
                    (_LEASE, owner, now + int(self.lease_s * 1000)),
                )
        if mine != self.active:
            if mine:
                log.info("outbox relay active", extra={"owner": owner, "previous": holder})
            else:
                log.info(
                    "outbox relay standing by: another relay holds the lease",
                    extra={"holder": holder, "until_ms": expires},
                )
        self.active = mine
        self._looked = True
        self._renew_at = time.monotonic() + self.lease_s / 3
        return mine

    @property
    def lease_owner(self) -> str:
        """How the lease names this relay: ``host:pid#number`` (see :func:`process_owner`)."""
        return self.owner or f"{process_owner()}#{self._number}"

    def _renew_while_waiting(self) -> None:
        """Keep the lease while a slow broker holds a batch in flight; a database that fails
        the renewal now must not abandon the wait (the marking after it will say so)."""
        try:
            self.holds_lease()
        except Exception as exc:
            log.warning("outbox lease not renewed", extra={"error": repr(exc)})

    @property
    def state(self) -> str:
        """``active`` (holds the lease), ``standby`` (another relay does) or ``stopped`` (has
        not looked yet, or released it)."""
        if not self._looked:
            return "stopped"
        return "active" if self.active else "standby"

    def release(self) -> None:
        """Give the lease up (a standby takes over at its next look)."""
        self._looked = False
        if not self.active:
            return
        self.active = False
        owner = self.lease_owner
        try:
            with self.db.transaction() as tx:
                tx.execute(
                    f"UPDATE {LEASE_TABLE} SET expires_ms = 0 WHERE name = ? AND owner = ?",
                    (_LEASE, owner),
                )
        except Exception as exc:  # it runs out by itself
            log.warning("outbox lease not released", extra={"error": repr(exc)})

    # -- one round -----------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Publish one batch of unsent rows; returns how many were acknowledged and marked
        (0 without doing anything while another relay holds the lease)."""
        if not self.holds_lease():
            return 0
        if self.producer.stale:
            self.producer.rebuild("deliveries failed: broker restarted or unreachable")
        rows = self._unsent()
        if not rows:
            self._purge_sent()
            return 0
        self.producer.ensure({row.record.topic for row in rows})
        failed: dict[int, KafkaError] = {}
        for row in rows:
            record = row.record
            self.producer.send(
                record.topic,
                record.value,
                record.key,
                h.to_kafka(record.headers),
                functools.partial(_note_failure, failed, row.id),
            )
        # Failure reports only: once nothing is in flight, every row without one was acked.
        while self.producer.flush(0.2):
            self._renew_while_waiting()
            if stop is not None and stop.is_set():
                self.producer.flush(self.stop_grace_s)  # shutting down: a last, bounded wait
                break
        acked = [row.id for row in rows if row.id not in failed]
        if self.producer.in_flight():
            acked = []  # which of them the broker has is unknown: send them all next time
        if failed:
            self._record_failures(failed)
        if acked:
            if self.before_mark is not None:
                self.before_mark(acked)
            self._mark_sent(acked)
            self.metrics.add(Counter.RELAYED, len(acked))
        return len(acked)

    def _unsent(self) -> list[OutboxRow]:
        with self.db.read() as tx:
            result = tx.query(
                f"SELECT id, topic, msg_key, value, headers, event_type, event_id FROM {TABLE}"
                " WHERE sent_ms IS NULL ORDER BY id LIMIT ?",
                (self.batch_size,),
            )
        return [
            OutboxRow(
                id=int(r[0]),
                record=OutgoingRecord(
                    topic=r[1],
                    key=bytes(r[2]) if r[2] is not None else None,
                    value=bytes(r[3]),
                    headers=orjson.loads(r[4]),
                    event_type=r[5],
                    event_id=r[6],
                ),
            )
            for r in result
        ]

    def _mark_sent(self, ids: Sequence[int]) -> None:
        now = _now_ms()
        with self.db.transaction() as tx:
            for chunk in _chunks(ids, 500):
                marks = ", ".join("?" * len(chunk))
                tx.execute(f"UPDATE {TABLE} SET sent_ms = ? WHERE id IN ({marks})", (now, *chunk))

    def _record_failures(self, failed: Mapping[int, KafkaError]) -> None:
        first = min(failed)
        log.warning(
            "outbox rows not acknowledged; they stay unsent and are retried",
            extra={"rows": len(failed), "first_id": first, "error": failed[first].str()},
        )
        with self.db.transaction() as tx:
            tx.executemany(
                f"UPDATE {TABLE} SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error.str(), row_id) for row_id, error in sorted(failed.items())],
            )

    def _purge_sent(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 60:
            return
        self._last_purge = now
        cutoff = _now_ms() - int(self.sent_retention_s * 1000)
        with self.db.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE sent_ms IS NOT NULL AND sent_ms < ?", (cutoff,))


def _note_failure(
    failed: dict[int, KafkaError], row_id: int, error: KafkaError | None, _message: Message
) -> None:
    if error is not None:
        failed[row_id] = error


def _chunks(items: Sequence[int], size: int) -> list[Sequence[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
