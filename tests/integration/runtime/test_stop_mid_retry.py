"""Stopping a consumer while a handler is being retried must not commit past that event, even
when later messages of the same partition were already settled (ignored or dead-lettered)."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition

from accord.runtime import KafkaPublisher, KafkaSettings, Metadata, RetryPolicy
from accord.runtime.db import Database
from accord.runtime.metrics import Counter
from tests.integration.runtime.helpers import make_consumer, wait_rows, waiter
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)

pytestmark = pytest.mark.integration


def committed(settings: KafkaSettings, group: str, topic: str) -> int:
    judge = Consumer(settings.config({"group.id": group, "enable.auto.commit": False}))
    try:
        (position,) = judge.committed([TopicPartition(topic, 0)], timeout=10)
        return int(position.offset)
    finally:
        judge.close()


def test_stop_during_retries_keeps_the_failing_event_for_the_next_run(
    settings: KafkaSettings, accord_topics: Any, codec: JsonTestCodec, db: Database
) -> None:
    (topic,) = accord_topics("retry", partitions=1)
    item_added, cart_renamed = event_types(topic)
    db.install([APPLIED_DDL])
    # Offset 0: an event whose handler fails; offset 1: a type this consumer ignores.
    with KafkaPublisher(codec, settings) as publisher:
        publisher.publish(item_added(cart_id="c1", seq=1))
        publisher.publish(cart_renamed(cart_id="c1", name="n", version=1))

    def failing(_event: Any, _meta: Metadata) -> None:
        raise RuntimeError("downstream not ready")

    retry = RetryPolicy(attempts=1000, initial_backoff_s=0.05, max_backoff_s=0.2)
    first = make_consumer(settings, db, codec, {item_added: failing}, retry=retry).start()
    try:
        waiter(lambda: first.metrics.snapshot()[Counter.RETRIED] >= 2, "a retried handler")
        assert first.metrics.snapshot()[Counter.IGNORED] == 1  # offset 1 settled meanwhile
    finally:
        first.stop()
    assert committed(settings, first.group_id, topic) < 1  # not past the failing event

    second = make_consumer(settings, db, codec, {item_added: record_applied}).start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM applied", 1)
    finally:
        second.stop()
    assert committed(settings, second.group_id, topic) == 2
