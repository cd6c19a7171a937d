"""Poison messages, incompatible writer schemas and handlers that keep failing end on
``<topic>.dlq`` with their reasons, while the events after them are processed; `accord dlq`
lists and replays them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from confluent_kafka import Producer

from accord.runtime import (
    KafkaPublisher,
    KafkaSettings,
    Metadata,
    PermanentError,
    RetryPolicy,
    current,
    read_dead_letters,
)
from accord.runtime.db import Database
from accord.runtime.metrics import Counter
from tests.conftest import run_cli
from tests.integration.runtime.helpers import count, make_consumer, wait_rows
from tests.integration.runtime.support import JsonTestCodec, event_types

pytestmark = pytest.mark.integration

INCOMPATIBLE_ID = 4242


def test_bad_events_are_dead_lettered_with_reasons_and_later_events_processed(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, db: Database
) -> None:
    item_added, _ = event_types(accord_topic)
    db.install(["CREATE TABLE applied (seq INTEGER)"])
    codec.incompatible.add(INCOMPATIBLE_ID)
    flaky_failures = {"left": 2}
    fixed = {"bug": True}

    def on_item(event: Any, _meta: Metadata) -> None:
        if event.amount == -1 and fixed["bug"]:
            raise ValueError("amount must be positive")
        if event.amount == -2:
            raise PermanentError("cart is closed")
        if event.amount == 7 and flaky_failures["left"] > 0:
            flaky_failures["left"] -= 1
            raise ConnectionError("downstream hiccup")
        current().tx.execute("INSERT INTO applied (seq) VALUES (?)", (event.seq,))

    key = "cart-1"  # one key: one partition, so "later" is well defined
    raw = Producer(settings.config())
    with KafkaPublisher(codec, settings) as publisher:
        publisher.publish(item_added(cart_id=key, seq=1))
        publisher.flush()
        raw.produce(accord_topic, b"\x07garbage", key=key.encode())  # poison: no framing
        raw.produce(
            accord_topic,
            codec.encode_as(INCOMPATIBLE_ID, {"cart_id": key, "seq": 2}),
            key=key.encode(),
            headers=[("event_type", b"ItemAdded")],
        )
        raw.flush(10)
        publisher.publish(item_added(cart_id=key, seq=3, amount=-1))  # handler always fails
        publisher.publish(item_added(cart_id=key, seq=4, amount=-2))  # permanent failure
        publisher.publish(item_added(cart_id=key, seq=5, amount=7))  # fails twice, then works
        publisher.publish(item_added(cart_id=key, seq=6))

    retry = RetryPolicy(attempts=3, initial_backoff_s=0.01)
    consumer = make_consumer(settings, db, codec, {item_added: on_item}, retry=retry).start()
    try:
        wait_rows(db, "SELECT COUNT(*) FROM applied WHERE seq = 6", 1)
        with db.read() as tx:
            assert [r[0] for r in tx.query("SELECT seq FROM applied ORDER BY rowid")] == [1, 5, 6]
        letters = read_dead_letters(settings, accord_topic)
        assert [(d.reason, d.attempts) for d in letters] == [
            ("undecodable", 0),
            ("incompatible-schema", 0),
            ("handler", 3),
            ("handler", 1),
        ]
        poison, incompatible, failing, permanent = letters
        assert poison.value == b"\x07garbage"
        assert "magic byte" in poison.error
        assert "removed a field" in incompatible.error
        assert failing.error == "amount must be positive"
        assert failing.header("dlq.error_type") == "ValueError"
        assert permanent.header("dlq.error_type") == "PermanentError"
        for letter in letters:
            assert letter.original_topic == accord_topic
            assert letter.key == key.encode()
            assert letter.header("dlq.consumer_group") == f"g-{accord_topic}"
        assert int(failing.header("dlq.original_offset") or -1) == 3
        snapshot = consumer.metrics.snapshot()
        assert snapshot[Counter.DEAD_LETTERED] == 4
        assert snapshot[Counter.RETRIED] == 2 + 2  # two for the failing one, two for the flaky

        # The CLI sees the same dead letters ...
        listed = run_cli(
            "dlq", "list", accord_topic, "-b", settings.bootstrap_servers, "-f", "json"
        )
        assert listed.exit_code == 0, listed.stderr
        assert [d["reason"] for d in json.loads(listed.stdout)] == [
            "undecodable", "incompatible-schema", "handler", "handler",
        ]  # fmt: skip
        # ... and, once the bug is fixed, replays the failed one: it is processed.
        fixed["bug"] = False
        replayed = run_cli(
            "dlq", "replay", accord_topic, "--ref", failing.ref, "-b", settings.bootstrap_servers
        )
        assert replayed.exit_code == 0, replayed.stderr
        assert f"replayed {failing.ref} -> {accord_topic}" in replayed.stdout
        wait_rows(db, "SELECT COUNT(*) FROM applied WHERE seq = 3", 1)
    finally:
        consumer.stop()
    assert count(db, "SELECT COUNT(*) FROM applied") == 4


def test_replay_needs_a_selection_and_known_refs(
    settings: KafkaSettings, accord_topic: str
) -> None:
    bare = run_cli("dlq", "replay", accord_topic, "-b", settings.bootstrap_servers)
    assert bare.exit_code == 2
    assert "--all" in bare.stderr
    unknown = run_cli(
        "dlq", "replay", accord_topic, "--ref", "x.dlq/0/9", "-b", settings.bootstrap_servers
    )
    assert unknown.exit_code == 2
    assert "no dead letter x.dlq/0/9" in unknown.stderr
