"""An event turned into what goes on the wire: topic, key, value bytes and headers.

Both publishers (direct Kafka and outbox) build records here, so an event published either way
carries the same key and headers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.runtime import headers as h
from accord.runtime import wire
from accord.runtime.events import Codec, EventType, UndecodableMessage
from accord.runtime.tracing import outgoing_traceparent


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: Mapping[str, str]
    event_type: str
    event_id: str


def build_record(
    event: EventType, codec: Codec, extra_headers: Mapping[str, str] | None = None
) -> OutgoingRecord:
    """Encode ``event``; key from its manifest key field (so one aggregate's events share a
    partition and stay in order); headers: event type, event id, schema id, traceparent."""
    value = codec.encode(event)
    event_id = event_id_of(event)
    headers = {
        h.EVENT_TYPE: event.EVENT_NAME,
        h.EVENT_ID: event_id,
        h.SCHEMA_ID: str(schema_id_of(value)),
        h.TRACEPARENT: outgoing_traceparent(),
    }
    headers.update(extra_headers or {})
    return OutgoingRecord(
        topic=event.TOPIC,
        key=key_of(event),
        value=value,
        headers=headers,
        event_type=event.EVENT_NAME,
        event_id=event_id,
    )


def key_of(event: EventType) -> bytes | None:
    """The event's ``kafka_key()`` (generated classes have it), else the UTF-8 text of its key
    field; None when the manifest names no key."""
    kafka_key = getattr(event, "kafka_key", None)
    if callable(kafka_key):
        value = kafka_key()
    elif event.KEY_FIELD:
        value = _field(event, event.KEY_FIELD)
    else:
        return None
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def event_id_of(event: EventType) -> str:
    """The event's ``event_id`` field, or a new UUID for events without one."""
    value = _field(event, "event_id")
    return str(value) if value is not None else str(uuid.uuid4())


def schema_id_of(value: bytes) -> int:
    """The schema id in the Confluent wire-format prefix (-1 when the framing is absent)."""
    try:
        return wire.schema_id_of(value)
    except UndecodableMessage:
        return -1


def _field(event: EventType, name: str) -> Any:
    # Generated classes may rename a field that is a Python keyword; fall back to to_dict().
    if hasattr(event, name):
        return getattr(event, name)
    return event.to_dict().get(name)
