"""Waiting and reading helpers shared by the runtime tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from accord.devstack.ports import wait_until
from accord.runtime.consumer import EventConsumer
from accord.runtime.db import Database
from accord.runtime.events import Codec, Handler
from accord.runtime.headers import from_kafka
from accord.runtime.settings import KafkaSettings

# Short group timings: on the embedded broker a join takes about half the session timeout.
FAST_GROUP = {"session.timeout.ms": 3000, "heartbeat.interval.ms": 500}


@dataclass(frozen=True)
class Raw:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]


def read_topic(
    settings: KafkaSettings, topic: str, *, expect: int, timeout: float = 30
) -> list[Raw]:
    """Read every partition of ``topic`` from the beginning (no group, so no join wait) until
    ``expect`` messages came."""
    consumer = Consumer(
        settings.config({"group.id": f"judge-{uuid.uuid4().hex[:8]}", "enable.auto.commit": False})
    )
    got: list[Raw] = []
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = sorted(metadata.topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])

        def enough() -> bool:
            for m in consumer.consume(1000, 0.2):
                if m.error() is not None:
                    continue
                got.append(
                    Raw(
                        m.topic() or "",
                        m.partition() or 0,
                        m.offset() or 0,
                        m.key(),
                        m.value(),
                        from_kafka(m.headers()),
                    )
                )
            return len(got) >= expect

        wait_until(enough, timeout=timeout, interval=0, what=f"{expect} messages on {topic}")
    finally:
        consumer.close()
    return got


def make_consumer(
    settings: KafkaSettings,
    db: Database,
    codec: Codec,
    handlers: Mapping[type[Any], Handler],
    **options: Any,
) -> EventConsumer:
    """An EventConsumer with short group timings, its group named after the first topic."""
    topic = next(iter(handlers)).TOPIC
    return EventConsumer(group_id=f"g-{topic}", handlers=handlers, codec=codec, db=db,
                         settings=settings, config=FAST_GROUP, **options)  # fmt: skip


def wait_rows(db: Database, sql: str, expect: int, *, timeout: float = 30) -> None:
    """Wait until ``sql`` (a SELECT COUNT) returns ``expect`` or more."""

    def reached() -> bool:
        return count(db, sql) >= expect

    wait_until(reached, timeout=timeout, what=f"{expect} rows for {sql!r}")


def count(db: Database, sql: str) -> int:
    with db.read() as tx:
        return int(tx.query(sql)[0][0])


def waiter(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    wait_until(condition, timeout=timeout, what=what)
