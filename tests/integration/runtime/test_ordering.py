"""Redelivered and reordered events leave the same state as in-order delivery: the inbox skips
the copies, version checks stop an older update from overwriting a newer one, and additive
effects commute."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from accord.runtime import (
    EventConsumer,
    KafkaPublisher,
    KafkaSettings,
    Metadata,
    VersionCheck,
    current,
)
from accord.runtime.db import Database, SqliteDatabase
from accord.runtime.metrics import Counter
from tests.integration.runtime.helpers import make_consumer, wait_rows
from tests.integration.runtime.support import JsonTestCodec, event_types

pytestmark = pytest.mark.integration


def run_service(
    settings: KafkaSettings, topic: str, db: Database, codec: JsonTestCodec, expect: int
) -> EventConsumer:
    item_added, cart_renamed = event_types(topic)
    db.install(
        [
            "CREATE TABLE carts (id TEXT PRIMARY KEY, name TEXT, version INTEGER)",
            "CREATE TABLE totals (id TEXT PRIMARY KEY, amount INTEGER)",
        ]
    )

    def on_renamed(event: Any, _meta: Metadata) -> None:
        current().tx.execute(
            "INSERT INTO carts (id, name, version) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
            " SET name = excluded.name, version = excluded.version",
            (event.cart_id, event.name, event.version),
        )

    def on_item(event: Any, _meta: Metadata) -> None:
        current().tx.execute(
            "INSERT INTO totals (id, amount) VALUES (?, ?) ON CONFLICT (id) DO UPDATE"
            " SET amount = amount + excluded.amount",
            (event.cart_id, event.amount),
        )

    consumer = make_consumer(
        settings,
        db,
        codec,
        {item_added: on_item, cart_renamed: on_renamed},
        version_checks={cart_renamed: VersionCheck("cart", key_field="cart_id")},
    ).start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM accord_inbox", expect)
    finally:
        consumer.stop()
    return consumer


def state(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with db.read() as tx:
        return (
            tx.query("SELECT id, name, version FROM carts ORDER BY id"),
            tx.query("SELECT id, amount FROM totals ORDER BY id"),
        )


def test_redelivered_and_reordered_events_give_the_in_order_state(
    settings: KafkaSettings, accord_topics: Any, codec: JsonTestCodec, tmp_path: Path
) -> None:
    in_order_topic, shuffled_topic = accord_topics("in-order", "shuffled")
    rng = random.Random(7)

    def history(topic: str) -> list[Any]:
        item_added, cart_renamed = event_types(topic)
        events: list[Any] = []
        for cart in range(8):
            for version in range(1, 6):
                events.append(cart_renamed(f"cart-{cart}", f"name-{cart}-v{version}", version))
                events.append(item_added(f"cart-{cart}", seq=version, amount=version * 10))
        return events

    ordered = history(in_order_topic)
    shuffled_events = history(shuffled_topic)
    # Same events as the ordered run (same ids), shuffled, with a third of them delivered twice.
    copies = [type(s)(**e.to_dict()) for s, e in zip(shuffled_events, ordered, strict=True)]
    delivered = copies + rng.sample(copies, len(copies) // 3)
    rng.shuffle(delivered)

    with KafkaPublisher(codec, settings) as publisher:
        for event in ordered:
            publisher.publish(event)
        for event in delivered:
            publisher.publish(event)

    first = SqliteDatabase(tmp_path / "in-order.db")
    second = SqliteDatabase(tmp_path / "shuffled.db")
    run_service(settings, in_order_topic, first, codec, len(ordered))
    shuffled_run = run_service(settings, shuffled_topic, second, codec, len(ordered))

    expected = state(first)
    assert expected[0][0] == ("cart-0", "name-0-v5", 5)
    assert expected[1][0] == ("cart-0", 150)
    assert state(second) == expected
    snapshot = shuffled_run.metrics.snapshot()
    assert snapshot[Counter.DUPLICATES] == len(copies) // 3
    assert snapshot[Counter.STALE] > 0  # some older renames arrived after newer ones
