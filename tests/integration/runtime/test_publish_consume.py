"""Publishing and consuming against a real broker: keys, headers, order, inbox, tracing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accord.runtime import (
    DeliveryFailed,
    KafkaPublisher,
    KafkaSettings,
    Metadata,
    OutboxRelay,
    current,
)
from accord.runtime.db import Database
from accord.runtime.metrics import Counter
from accord.runtime.tracing import parse_traceparent
from tests.integration.runtime.helpers import count, make_consumer, read_topic, wait_rows
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)

pytestmark = pytest.mark.integration


def test_published_events_carry_key_and_headers(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec
) -> None:
    item_added, _ = event_types(accord_topic)
    events = [item_added(cart_id=f"cart-{i % 3}", seq=i) for i in range(9)]
    with KafkaPublisher(codec, settings) as publisher:
        for event in events:
            publisher.publish(event, headers={"source": "test"})

    got = read_topic(settings, accord_topic, expect=9)
    by_id = {m.headers["event_id"].decode(): m for m in got}
    assert sorted(by_id) == sorted(e.event_id for e in events)
    for event in events:
        m = by_id[event.event_id]
        assert m.key == event.cart_id.encode()
        assert m.headers["event_type"] == b"ItemAdded"
        assert m.headers["schema_id"] == str(codec.schema_id("test.ItemAdded")).encode()
        assert m.headers["source"] == b"test"
        assert parse_traceparent(m.headers["traceparent"].decode()) is not None
        assert m.value == codec.encode(event)
    # One key -> one partition, in publish order.
    for key in {m.key for m in got}:
        seqs = [
            json.loads((m.value or b"")[5:])["seq"]
            for m in sorted(got, key=lambda m: m.offset)
            if m.key == key
        ]
        assert seqs == sorted(seqs)
        assert len({m.partition for m in got if m.key == key}) == 1


def test_undeliverable_events_raise_instead_of_vanishing(codec: JsonTestCodec) -> None:
    # Nothing listens on port 1: the delivery times out and the caller gets the error.
    settings = KafkaSettings("127.0.0.1:1")
    item_added, _ = event_types("nowhere")
    publisher = KafkaPublisher(
        codec, settings, config={"message.timeout.ms": 300}, create_topics=False
    )
    publisher.publish(item_added(cart_id="c", seq=1))
    with pytest.raises(DeliveryFailed) as failed:
        publisher.flush(10)
    assert [f.event_type for f in failed.value.failures] == ["ItemAdded"]
    assert failed.value.failures[0].code == "_MSG_TIMED_OUT"
    counters = publisher.producer.metrics.snapshot()
    assert (counters[Counter.PRODUCED], counters[Counter.PRODUCE_FAILED]) == (0, 1)


def test_acknowledged_events_are_counted_without_a_report_each(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec
) -> None:
    # The direct publisher asks for failure reports only; "produced" still counts every ack.
    item_added, _ = event_types(accord_topic)
    with KafkaPublisher(codec, settings) as publisher:
        for i in range(150):
            publisher.publish(item_added(cart_id=f"cart-{i % 4}", seq=i))
    counters = publisher.producer.metrics.snapshot()
    assert (counters[Counter.PRODUCED], counters[Counter.PRODUCE_FAILED]) == (150, 0)
    assert len(read_topic(settings, accord_topic, expect=150)) == 150


def test_consumer_applies_each_event_once_in_key_order(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, _ = event_types(accord_topic)
    db.install([APPLIED_DDL])
    events = [item_added(cart_id=f"cart-{i % 5}", seq=i) for i in range(300)]
    with KafkaPublisher(codec, settings) as publisher:
        for event in events:
            publisher.publish(event)
        for event in events[:50]:  # the same events again: redeliveries
            publisher.publish(event)

    consumer = make_consumer(settings, db, codec, {item_added: record_applied}, batch_size=64)
    consumer.start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM accord_inbox", 300)
        snapshot = consumer.metrics.snapshot()
        assert snapshot[Counter.PROCESSED] + snapshot[Counter.DUPLICATES] >= 300
    finally:
        consumer.stop()
    with db.transaction() as tx:
        rows = tx.query("SELECT event_id, cart_id, seq FROM applied ORDER BY rowid")
    assert sorted(r[0] for r in rows) == sorted(e.event_id for e in events)  # each once
    for cart in {e.cart_id for e in events}:
        seqs = [r[2] for r in rows if r[1] == cart]
        assert seqs == sorted(seqs), f"{cart} applied out of order"
    assert consumer.metrics.snapshot()[Counter.DUPLICATES] == 50


def test_trace_context_flows_from_incoming_to_emitted_events(
    settings: KafkaSettings,
    accord_topics: Any,
    codec: JsonTestCodec,
    db: Database,
) -> None:
    in_topic, out_topic = accord_topics("in", "out")
    item_added, _ = event_types(in_topic)
    _, cart_renamed = event_types(out_topic)
    relay = OutboxRelay(db, settings).start()

    def on_item(event: Any, meta: Metadata) -> None:
        current().publish(cart_renamed(cart_id=event.cart_id, name="n", version=event.seq))

    consumer = make_consumer(
        settings, db, codec, {item_added: on_item}, on_outbox_commit=relay.wake
    ).start()
    try:
        with KafkaPublisher(codec, settings) as publisher:
            publisher.publish(item_added(cart_id="c1", seq=1))
        incoming = read_topic(settings, in_topic, expect=1)[0]
        emitted = read_topic(settings, out_topic, expect=1)[0]
    finally:
        consumer.stop()
        relay.stop()
    parent = parse_traceparent(incoming.headers["traceparent"].decode())
    child = parse_traceparent(emitted.headers["traceparent"].decode())
    assert parent is not None
    assert child is not None
    assert child.trace_id == parent.trace_id
    assert child.span_id != parent.span_id
    assert count(db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NOT NULL") == 1


def test_event_types_without_a_handler_are_skipped_not_dead_lettered(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, cart_renamed = event_types(accord_topic)  # two types on one topic
    db.install([APPLIED_DDL])

    with KafkaPublisher(codec, settings) as publisher:
        publisher.publish(cart_renamed(cart_id="c", name="x", version=1))
        publisher.publish(item_added(cart_id="c", seq=1))
    # This service reads only ItemAdded.
    consumer = make_consumer(settings, db, codec, {item_added: record_applied}).start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM applied", 1)
    finally:
        consumer.stop()
    snapshot = consumer.metrics.snapshot()
    assert snapshot[Counter.IGNORED] == 1
    assert snapshot[Counter.DEAD_LETTERED] == 0
