"""A second replica joining the group mid-run: partitions move, the offsets of the partitions
given up are committed first, and every event is applied once, in key order."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from accord.devstack.ports import wait_until
from accord.runtime import KafkaPublisher, KafkaSettings, Metadata
from accord.runtime.db import SqliteDatabase
from accord.runtime.metrics import Counter
from tests.integration.runtime.helpers import count, make_consumer
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)

pytestmark = pytest.mark.integration

EVENTS = 3000


def test_a_replica_joining_mid_run_takes_partitions_without_double_applying(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, tmp_path: Path
) -> None:
    item_added, _ = event_types(accord_topic)
    events = [item_added(cart_id=f"cart-{i % 30}", seq=i) for i in range(EVENTS)]
    with KafkaPublisher(codec, settings) as publisher:
        for event in events:
            publisher.publish(event)
    db = SqliteDatabase(tmp_path / "service.db")  # the service's database, shared by replicas
    db.install([APPLIED_DDL])

    def slow_handler(event: Any, meta: Metadata) -> None:
        record_applied(event, meta)
        time.sleep(0.002)  # real work: keeps the first replica busy while the second joins

    first = make_consumer(settings, db, codec, {item_added: slow_handler}, batch_size=100)
    second = make_consumer(settings, db, codec, {item_added: slow_handler}, batch_size=100)
    first.start()
    try:
        wait_until(lambda: count(db, "SELECT COUNT(*) FROM applied") >= 300, timeout=60,
                   what="the first replica under way")  # fmt: skip
        second.start()
        wait_until(second.assigned.is_set, timeout=60, what="partitions for the second replica")
        wait_until(lambda: count(db, "SELECT COUNT(*) FROM accord_inbox") >= EVENTS,
                   timeout=90, what="every event applied")  # fmt: skip
    finally:
        second.stop()
        first.stop()

    with db.read() as tx:
        rows = tx.query("SELECT event_id, cart_id, seq FROM applied ORDER BY rowid")
    assert len(rows) == len({r[0] for r in rows}) == EVENTS  # each event applied once
    for cart in {e.cart_id for e in events}:
        seqs = [r[2] for r in rows if r[1] == cart]
        assert seqs == sorted(seqs), f"{cart} applied out of order across the rebalance"
    done = [c.metrics.snapshot()[Counter.PROCESSED] for c in (first, second)]
    assert all(n > 0 for n in done)  # both replicas did part of the work
    assert sum(done) == EVENTS
