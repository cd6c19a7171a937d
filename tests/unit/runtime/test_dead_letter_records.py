"""Dead-letter headers and records (pure: built from confluent-kafka Message objects)."""

from __future__ import annotations

from confluent_kafka import Message

from accord.runtime.dlq import DeadLetter, dead_letter_headers, dead_letter_topic
from accord.runtime.headers import from_kafka


def test_dead_letter_headers_keep_the_original_and_say_why() -> None:
    message = Message(
        topic="order.events", partition=2, offset=41, key=b"o-1", value=b"\x00bad",
        headers=[("event_id", b"e-1"), ("dlq.reason", b"stale from a replay")],
    )  # fmt: skip
    headers = from_kafka(
        dead_letter_headers(
            message, reason="handler", error=ValueError("no stock"), attempts=5, group="inventory"
        )
    )
    assert headers["event_id"] == b"e-1"
    assert headers["dlq.reason"] == b"handler"  # the old dlq.* header was replaced
    assert headers["dlq.error"] == b"no stock"
    assert headers["dlq.error_type"] == b"ValueError"
    assert headers["dlq.original_topic"] == b"order.events"
    assert headers["dlq.original_partition"] == b"2"
    assert headers["dlq.original_offset"] == b"41"
    assert headers["dlq.attempts"] == b"5"
    assert headers["dlq.consumer_group"] == b"inventory"
    assert headers["dlq.failed_at"].startswith(b"20")


def test_long_errors_are_truncated() -> None:
    message = Message(topic="t", partition=0, offset=0, value=b"")
    headers = from_kafka(
        dead_letter_headers(message, reason="handler", error="x" * 10_000, attempts=1, group="g")
    )
    assert len(headers["dlq.error"]) == 2000


def test_dead_letter_record() -> None:
    letter = DeadLetter(
        topic="order.events.dlq",
        partition=0,
        offset=3,
        key=b"o-1",
        value=b"abc",
        headers={
            "dlq.reason": b"incompatible-schema",
            "dlq.original_topic": b"order.events",
            "dlq.original_partition": b"1",
            "dlq.original_offset": b"9",
            "dlq.attempts": b"0",
            "event_type": b"OrderPlaced",
        },
    )
    assert letter.ref == "order.events.dlq/0/3"
    data = letter.to_dict()
    assert data["reason"] == "incompatible-schema"
    assert data["original"] == {"topic": "order.events", "partition": 1, "offset": 9}
    assert data["event_type"] == "OrderPlaced"
    assert data["value_bytes"] == 3
    assert dead_letter_topic("order.events") == "order.events.dlq"


def test_headers_from_kafka_accept_every_shape() -> None:
    assert from_kafka(None) == {}
    assert from_kafka([("a", "x"), ("b", None), ("a", b"y")]) == {"a": b"y", "b": b""}
    assert from_kafka({"a": "x"}) == {"a": b"x"}
