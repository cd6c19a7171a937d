"""Counters a running service exposes: what it consumed, produced, retried and dead-lettered,
and how far behind it is (lag).

Counters only go up; gauges (lag, outbox backlog) hold the last measured value. A
:class:`Metrics` is shared by the consumer, the publishers and the relay of one service; read it
with :meth:`Metrics.snapshot` (or over HTTP with :func:`accord.runtime.status.serve_status`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Counter(StrEnum):
    CONSUMED = "consumed"  # messages taken from the broker
    PROCESSED = "processed"  # handler ran and its transaction committed
    DUPLICATES = "duplicates"  # skipped: the inbox had already seen the event id
    STALE = "stale"  # skipped: a newer version of the entity was already applied
    IGNORED = "ignored"  # skipped: an event type on the topic that no handler consumes
    RETRIED = "retried"  # handler attempts after a failed one
    DEAD_LETTERED = "dead_lettered"  # written to a dead-letter topic
    PRODUCED = "produced"  # acknowledged by the broker
    PRODUCE_FAILED = "produce_failed"  # delivery reports with an error
    OUTBOX_WRITTEN = "outbox_written"  # rows written into the outbox
    RELAYED = "relayed"  # outbox rows marked sent after the broker's ack
    PRODUCER_REBUILDS = "producer_rebuilds"  # producers replaced after a broker restart


@dataclass(frozen=True)
class MetricsSnapshot:
    counters: Mapping[str, int]
    lag: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    outbox_pending: int | None = None

    @property
    def total_lag(self) -> int:
        return sum(self.lag.values())

    def __getitem__(self, name: str) -> int:
        return self.counters.get(name, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counters": dict(sorted(self.counters.items())),
            "lag": {"total": self.total_lag, "partitions": dict(sorted(self.lag.items()))},
            "outbox_pending": self.outbox_pending,
        }


class Metrics:
    """Counters and gauges, safe to share between threads.

    Counting is on hot paths (per batch, per published event), so :meth:`add` takes no lock:
    each thread counts into its own dict, registered once, and :meth:`snapshot` sums them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self._shards: list[dict[Counter, int]] = []
        self._lag: dict[str, int] = {}
        self._outbox_pending: int | None = None

    def add(self, counter: Counter, n: int = 1) -> None:
        try:
            shard: dict[Counter, int] = self._local.shard
        except AttributeError:
            shard = self._new_shard()
        shard[counter] += n

    def _new_shard(self) -> dict[Counter, int]:
        shard = dict.fromkeys(Counter, 0)
        self._local.shard = shard
        with self._lock:
            self._shards.append(shard)
        return shard

    def set_lag(self, lag: Mapping[str, int]) -> None:
        """Lag per ``topic[partition]``: messages on the broker not yet processed."""
        with self._lock:
            self._lag = dict(lag)

    def set_outbox_pending(self, rows: int) -> None:
        with self._lock:
            self._outbox_pending = rows

    def snapshot(self) -> MetricsSnapshot:
        with self._lock:
            shards = list(self._shards)
            lag = dict(self._lag)
            pending = self._outbox_pending
        # A shard's owner may add while it is summed: each value read is whole (one int).
        counters = {c.value: sum(shard[c] for shard in shards) for c in Counter}
        return MetricsSnapshot(
            counters=MappingProxyType(counters),
            lag=MappingProxyType(lag),
            outbox_pending=pending,
        )
