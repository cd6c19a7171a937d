"""Broker faults: a network cut in the middle of a run, and a broker restart that loses
everything. Clients reach the broker through a TCP proxy the test can cut."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from accord.devstack.faults import BrokerBehindProxy
from accord.devstack.ports import wait_until
from accord.runtime import (
    EventConsumer,
    KafkaSettings,
    OutboxPublisher,
    OutboxRelay,
)
from accord.runtime.db import Database, SqliteDatabase
from accord.runtime.metrics import Counter
from accord.runtime.outbox import install
from tests.integration.runtime.helpers import count, make_consumer
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)

pytestmark = pytest.mark.integration

CUT_SECONDS = 10  # the outage the acceptance criteria ask for (a fault window, not a wait)


def applying_consumer(
    topic: str, db: Database, codec: JsonTestCodec, settings: KafkaSettings
) -> EventConsumer:
    item_added, _ = event_types(topic)
    db.install([APPLIED_DDL])
    return make_consumer(settings, db, codec, {item_added: record_applied}, batch_size=200)


class Writer(threading.Thread):
    """The producing service: writes events into its outbox, 50 per transaction."""

    def __init__(self, db: Database, codec: JsonTestCodec, events: list[Any], relay: Any):
        super().__init__(daemon=True)
        self.db, self.codec, self.events, self.relay = db, codec, events, relay
        self.written = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for start in range(0, len(self.events), 50):
                with self.db.transaction() as tx:
                    publisher = OutboxPublisher(tx, self.codec, on_commit=self.relay.wake)
                    for event in self.events[start : start + 50]:
                        publisher.publish(event)
                self.written = start + 50
                time.sleep(0.03)  # a service producing over ~3 s, not in one burst
        except BaseException as exc:
            self.error = exc


def test_network_cut_of_10s_mid_run_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path, codec: JsonTestCodec
) -> None:
    total = 5000
    with BrokerBehindProxy.start(tmp_path) as broker:
        settings = KafkaSettings(broker.bootstrap_servers)
        topic = "cut.events"
        item_added, _ = event_types(topic)
        events = [item_added(cart_id=f"cart-{i % 50}", seq=i) for i in range(total)]
        producer_db = SqliteDatabase(tmp_path / "producer.db")
        consumer_db = SqliteDatabase(tmp_path / "consumer.db")
        install(producer_db)
        relay = OutboxRelay(producer_db, settings, batch_size=200).start()
        consumer = applying_consumer(topic, consumer_db, codec, settings).start()
        writer = Writer(producer_db, codec, events, relay)
        writer.start()
        try:
            wait_until(lambda: writer.written >= 1500 and count(consumer_db, "SELECT COUNT(*)"
                       " FROM applied") >= 500, timeout=60, what="the run under way")  # fmt: skip
            broker.cut()
            cut_at = count(consumer_db, "SELECT COUNT(*) FROM applied")
            time.sleep(CUT_SECONDS)
            # While the network is down, new events wait in the outbox.
            assert relay.pending() > 0
            assert count(consumer_db, "SELECT COUNT(*) FROM applied") < total
            broker.restore()
            wait_until(
                lambda: count(consumer_db, "SELECT COUNT(DISTINCT event_id) FROM applied") >= total,
                timeout=120,
                what=f"all {total} events applied after the cut",
            )
            writer.join(10)
            assert writer.error is None
        finally:
            consumer.stop()
            relay.stop()
        assert cut_at < total
        assert count(consumer_db, "SELECT COUNT(*) FROM applied") == total  # none twice
        assert count(consumer_db, "SELECT COUNT(DISTINCT event_id) FROM applied") == total
        assert relay.pending() == 0


def test_broker_restart_rebuilds_the_producer_and_recreates_topics(
    tmp_path: Path, codec: JsonTestCodec
) -> None:
    with BrokerBehindProxy.start(tmp_path) as broker:
        settings = KafkaSettings(broker.bootstrap_servers)
        topic = "restart.events"
        item_added, _ = event_types(topic)
        producer_db = SqliteDatabase(tmp_path / "producer.db")
        consumer_db = SqliteDatabase(tmp_path / "consumer.db")
        install(producer_db)
        # A short delivery timeout so the stale producer is noticed quickly.
        relay = OutboxRelay(
            producer_db, settings, producer_config={"message.timeout.ms": 3000}
        ).start()
        consumer = applying_consumer(topic, consumer_db, codec, settings).start()

        def write(first: int, n: int) -> None:
            with producer_db.transaction() as tx:
                publisher = OutboxPublisher(tx, codec, on_commit=relay.wake)
                for i in range(first, first + n):
                    publisher.publish(item_added(cart_id=f"cart-{i % 5}", seq=i))

        try:
            write(0, 100)
            wait_until(lambda: count(consumer_db, "SELECT COUNT(*) FROM applied") >= 100,
                       timeout=60, what="100 events before the restart")  # fmt: skip
            broker.restart()  # topics, data, offsets and producer ids are gone
            write(100, 100)
            wait_until(
                lambda: count(consumer_db, "SELECT COUNT(DISTINCT event_id) FROM applied") >= 200,
                timeout=90,
                what="events written after the restart applied",
            )
        finally:
            consumer.stop()
            relay.stop()
        assert count(consumer_db, "SELECT COUNT(*) FROM applied") == 200
        assert relay.metrics.snapshot()[Counter.PRODUCER_REBUILDS] >= 1
        assert relay.pending() == 0
