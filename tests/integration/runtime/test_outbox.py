"""The transactional outbox: state and events commit together; the relay marks rows sent only
after the broker's ack; a relay killed between ack and marking loses nothing, and the inbox
makes the resulting duplicates harmless."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest

from accord.runtime import (
    EventConsumer,
    KafkaSettings,
    OutboxPublisher,
    OutboxRelay,
)
from accord.runtime.db import Database, PostgresDatabase, SqliteDatabase
from accord.runtime.metrics import Counter
from accord.runtime.outbox import install
from tests.conftest import ROOT
from tests.integration.runtime.helpers import count, make_consumer, read_topic, wait_rows, waiter
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)

pytestmark = pytest.mark.integration


def fill_outbox(db: Database, codec: JsonTestCodec, events: Sequence[Any]) -> None:
    install(db)
    with db.transaction() as tx:
        publisher = OutboxPublisher(tx, codec)
        for event in events:
            publisher.publish(event)


def drain(relay: OutboxRelay) -> None:
    while relay.run_once():
        pass


def test_state_and_events_commit_or_roll_back_together(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, _ = event_types(accord_topic)
    install(db)
    db.install(["CREATE TABLE carts (id TEXT PRIMARY KEY)"])
    lost, kept = item_added(cart_id="a", seq=1), item_added(cart_id="b", seq=2)

    def fail_after_writing() -> None:
        with db.transaction() as tx:
            tx.execute("INSERT INTO carts VALUES ('a')")
            OutboxPublisher(tx, codec).publish(lost)
            raise RuntimeError("the service failed after writing")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    with db.transaction() as tx:
        tx.execute("INSERT INTO carts VALUES ('b')")
        OutboxPublisher(tx, codec).publish(kept)

    assert count(db, "SELECT COUNT(*) FROM carts") == 1
    assert count(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NULL") == 1
    relay = OutboxRelay(db, settings)
    assert relay.run_once() == 1
    assert relay.pending() == 0
    (message,) = read_topic(settings, accord_topic, expect=1)
    assert message.headers["event_id"].decode() == kept.event_id


def test_rows_stay_unsent_while_the_broker_does_not_ack(
    accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, _ = event_types(accord_topic)
    fill_outbox(db, codec, [item_added(cart_id="a", seq=1)])
    relay = OutboxRelay(
        db,
        KafkaSettings("127.0.0.1:1"),  # nothing listens there
        producer_config={"message.timeout.ms": 300},
        create_topics=False,
    )
    assert relay.run_once() == 0
    with db.transaction() as tx:
        ((sent, attempts, error),) = tx.query(
            "SELECT sent_ms, attempts, last_error FROM accord_outbox"
        )
    assert sent is None
    assert attempts == 1
    assert "timed out" in error


def test_a_stopping_relay_marks_nothing_it_cannot_confirm(
    accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, _ = event_types(accord_topic)
    fill_outbox(db, codec, [item_added(cart_id="a", seq=1), item_added(cart_id="b", seq=2)])
    relay = OutboxRelay(
        db,
        KafkaSettings("127.0.0.1:1"),  # nothing listens there: nothing is ever acknowledged
        producer_config={"message.timeout.ms": 60_000},
        create_topics=False,
        stop_grace_s=0.2,
    )
    stopping = threading.Event()
    stopping.set()
    started = time.monotonic()
    assert relay.run_once(stopping) == 0
    assert time.monotonic() - started < 5  # the grace, not the delivery timeout
    with db.read() as tx:
        rows = tx.query("SELECT sent_ms, attempts FROM accord_outbox ORDER BY id")
    assert rows == [(None, 0), (None, 0)]  # still unsent, and not counted as failed
    relay.producer.rebuild("test over")  # drop the undeliverable messages


def _consume_all(
    settings: KafkaSettings, topic: str, codec: JsonTestCodec, db: Database, expect: int
) -> EventConsumer:
    item_added, _ = event_types(topic)
    db.install([APPLIED_DDL])
    consumer = make_consumer(settings, db, codec, {item_added: record_applied}).start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM accord_inbox", expect)
    finally:
        consumer.stop()
    return consumer


def test_relay_killed_between_ack_and_marking_loses_nothing(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database, tmp_path: Path
) -> None:
    assert isinstance(db, SqliteDatabase)
    item_added, _ = event_types(accord_topic)
    events = [item_added(cart_id=f"cart-{i % 7}", seq=i) for i in range(1000)]
    fill_outbox(db, codec, events)

    # Batches of 100: two are acked and marked; the third is acked, then the relay dies.
    crashed = subprocess.run(
        [sys.executable, "-m", "tests.integration.runtime.apps", "relay", str(db.path),
         settings.bootstrap_servers, "--die-on-batch", "3", "--batch-size", "100"],
        cwd=ROOT, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert crashed.returncode == -9, crashed.stderr.decode()
    assert count(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NULL") == 800
    assert len(read_topic(settings, accord_topic, expect=300)) == 300  # acked, not marked

    drain(OutboxRelay(db, settings, batch_size=100))  # the relay restarts
    assert count(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NULL") == 0

    on_topic = read_topic(settings, accord_topic, expect=1100)
    ids = [m.headers["event_id"].decode() for m in on_topic]
    assert set(ids) == {e.event_id for e in events}  # every event at least once
    assert len(ids) == 1100  # the 100 acked-but-unmarked ones twice

    consumer = _consume_all(settings, accord_topic, codec, db, 1000)
    applied = count(db, "SELECT COUNT(*) FROM applied")
    distinct = count(db, "SELECT COUNT(DISTINCT event_id) FROM applied")
    assert applied == distinct == 1000  # applied exactly once
    assert consumer.metrics.snapshot()[Counter.DUPLICATES] == 100


@pytest.fixture
def postgres() -> Iterator[PostgresDatabase]:
    name = f"accord_runtime_{uuid.uuid4().hex[:10]}"
    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    database = PostgresDatabase(f"postgresql://postgres@127.0.0.1:5432/{name}")
    try:
        yield database
    finally:
        database.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_outbox_and_inbox_on_postgresql(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, postgres: PostgresDatabase
) -> None:
    item_added, _ = event_types(accord_topic)
    events = [item_added(cart_id=f"cart-{i % 3}", seq=i) for i in range(50)]
    fill_outbox(postgres, codec, events)
    fill_outbox(postgres, codec, events[:10])  # the same events written twice
    drain(OutboxRelay(postgres, settings))
    assert count(postgres, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NULL") == 0

    consumer = _consume_all(settings, accord_topic, codec, postgres, 50)
    assert count(postgres, "SELECT COUNT(*) FROM applied") == 50
    assert consumer.metrics.snapshot()[Counter.DUPLICATES] == 10


def test_replicas_relays_publish_each_row_once_and_a_standby_takes_over(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    """Two replicas' relays on one database: one holds the lease and publishes, the other
    stands by (no row twice, so no interleaving); when the first stops, the second goes on."""
    item_added, _ = event_types(accord_topic)
    fill_outbox(db, codec, [item_added(cart_id=f"cart-{i % 5}", seq=i) for i in range(200)])
    first = OutboxRelay(db, settings, batch_size=50, lease_s=2.0).start()
    wait_rows(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NOT NULL", 1)
    second = OutboxRelay(db, settings, batch_size=50, lease_s=2.0)
    second.owner = "another-replica:1"  # a relay of another process
    second.start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NOT NULL", 200)
        waiter(lambda: second.state == "standby", "the second relay standing by")
        assert first.state == "active"
        first.stop()  # releases the lease
        fill_outbox(db, codec, [item_added(cart_id="cart-0", seq=i) for i in range(200, 250)])
        second.wake()
        wait_rows(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NOT NULL", 250)
        assert second.state == "active"
    finally:
        first.stop()
        second.stop()
    # Each relay counts the rows it published and marked: none was sent by both.
    assert first.metrics.snapshot()[Counter.RELAYED] == 200
    assert second.metrics.snapshot()[Counter.RELAYED] == 50
    on_topic = read_topic(settings, accord_topic, expect=250)
    assert len({m.headers["event_id"].decode() for m in on_topic}) == 250
