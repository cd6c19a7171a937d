"""An event turned into what goes on the wire: topic, key, value bytes and headers.

Both publishers (direct Kafka and outbox) build records here, so an event published either way
carries the same key and headers. What depends only on the event's class (topic, event type,
how to read the key and the event id) is worked out once per class into a :class:`RecordPlan`;
publishing an event then costs its encoding plus a few attribute reads.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accord.runtime import headers as h
from accord.runtime import wire
from accord.runtime.avro_values import uuid_text
from accord.runtime.events import Codec, EventType, UndecodableMessage
from accord.runtime.ids import new_event_id
from accord.runtime.tracing import outgoing_traceparent, outgoing_traceparent_header


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: Mapping[str, str]
    event_type: str
    event_id: str


class RecordPlan:
    """Everything about publishing one event class that does not depend on the event."""

    __slots__ = (
        "_event_id",
        "_key",
        "_schema_id_headers",
        "_schema_ids",
        "event_type",
        "event_type_header",
        "topic",
    )

    def __init__(self, cls: type[EventType]) -> None:
        self.topic = cls.TOPIC
        self.event_type = cls.EVENT_NAME
        self.event_type_header = cls.EVENT_NAME.encode("utf-8")
        self._key = _key_reader(cls)
        self._event_id = _event_id_reader(cls)
        # The schema-id header per wire-format prefix: one id per class in practice.
        self._schema_ids: dict[bytes, str] = {}
        self._schema_id_headers: dict[bytes, bytes] = {}  # the same, as header bytes

    def key(self, event: EventType) -> bytes | None:
        value = self._key(event)
        if type(value) is str:  # the common case, without a call to _as_key
            return value.encode("utf-8")
        return _as_key(value)

    def event_id(self, event: EventType) -> str:
        value = self._event_id(event)
        return uuid_text(value) if value is not None else str(new_event_id())

    def schema_id(self, value: bytes) -> str:
        prefix = value[: wire.HEADER_SIZE]
        found = self._schema_ids.get(prefix)
        if found is None:
            found = self._schema_ids[prefix] = str(schema_id_of(value))
        return found

    def kafka_record(
        self, event: EventType, value: bytes, extra_headers: Mapping[str, str] | None = None
    ) -> tuple[bytes | None, h.KafkaHeaders, str]:
        """The key, the Kafka headers and the event id of ``event`` encoded as ``value``: what
        the direct producer sends besides the value (the headers of :meth:`record`, as
        confluent-kafka takes them)."""
        event_id = self.event_id(event)
        schema_id = self._schema_id_headers.get(value[: wire.HEADER_SIZE])
        if schema_id is None:
            schema_id = self._schema_id_headers[value[: wire.HEADER_SIZE]] = self.schema_id(
                value
            ).encode("ascii")
        headers: h.KafkaHeaders = [
            (h.EVENT_TYPE, self.event_type_header),
            (h.EVENT_ID, event_id.encode("utf-8")),
            (h.SCHEMA_ID, schema_id),
            (h.TRACEPARENT, outgoing_traceparent_header()),
        ]
        if extra_headers:
            # As in record(): a caller's header replaces the runtime's of the same name.
            merged = dict(headers)
            merged.update((name, text.encode("utf-8")) for name, text in extra_headers.items())
            headers = list(merged.items())
        return self.key(event), headers, event_id

    def record(
        self, event: EventType, codec: Codec, extra_headers: Mapping[str, str] | None = None
    ) -> OutgoingRecord:
        value = codec.encode(event)
        event_id = self.event_id(event)
        headers = {
            h.EVENT_TYPE: self.event_type,
            h.EVENT_ID: event_id,
            h.SCHEMA_ID: self.schema_id(value),
            h.TRACEPARENT: outgoing_traceparent(),
        }
        if extra_headers:
            headers.update(extra_headers)
        return OutgoingRecord(
            self.topic, self.key(event), value, headers, self.event_type, event_id
        )


# Plans per class, kept for the life of the process (event classes are few and long-lived).
_plans: dict[type, RecordPlan] = {}


def plan_for(cls: type[EventType]) -> RecordPlan:
    found = _plans.get(cls)
    if found is None:
        found = _plans[cls] = RecordPlan(cls)
    return found


def build_record(
    event: EventType, codec: Codec, extra_headers: Mapping[str, str] | None = None
) -> OutgoingRecord:
    """Encode ``event``; key from its manifest key field (so one aggregate's events share a
    partition and stay in order); headers: event type, event id, schema id, traceparent."""
    return plan_for(type(event)).record(event, codec, extra_headers)


def key_of(event: EventType) -> bytes | None:
    """The event's ``kafka_key()`` (generated classes have it), else the UTF-8 text of its key
    field; None when the manifest names no key."""
    return plan_for(type(event)).key(event)


def event_id_of(event: EventType) -> str:
    """The event's ``event_id`` field, or a new (time-ordered) UUID for events without one."""
    return plan_for(type(event)).event_id(event)


def schema_id_of(value: bytes) -> int:
    """The schema id in the Confluent wire-format prefix (-1 when the framing is absent)."""
    try:
        return wire.schema_id_of(value)
    except UndecodableMessage:
        return -1


def _as_key(value: Any) -> bytes | None:
    if type(value) is str:
        return value.encode("utf-8")
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _none(_event: EventType) -> None:
    return None


def _key_reader(cls: type[EventType]) -> Callable[[EventType], Any]:
    if callable(getattr(cls, "kafka_key", None)):
        return operator.methodcaller("kafka_key")
    if cls.KEY_FIELD:
        return _field_reader(cls, cls.KEY_FIELD)
    return _none


def _event_id_reader(cls: type[EventType]) -> Callable[[EventType], Any]:
    return _field_reader(cls, "event_id")


def _field_reader(cls: type[EventType], name: str) -> Callable[[EventType], Any]:
    """Reads field ``name``; generated classes may rename a field that is a Python keyword,
    so a name that is not an attribute is looked up in ``to_dict()``."""
    if name in getattr(cls, "__dataclass_fields__", {}):  # a field every instance has
        return operator.attrgetter(name)

    def read(event: EventType) -> Any:
        if hasattr(event, name):
            return getattr(event, name)
        return event.to_dict().get(name)

    return read
