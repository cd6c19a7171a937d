"""How an event becomes a Kafka record: key, headers, schema id."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Self

from accord.runtime.records import build_record, event_id_of, key_of, plan_for, schema_id_of
from accord.runtime.tracing import parse_traceparent, use_trace
from accord.runtime.wire import frame
from services.user.contracts import UserCreated, UserStatus


@dataclass(frozen=True)
class Plain:
    EVENT_NAME: ClassVar[str] = "Plain"
    TOPIC: ClassVar[str] = "plain.events"
    SUBJECT: ClassVar[str] = "plain"
    SCHEMA_TYPE: ClassVar[str] = "JSON"
    SCHEMA: ClassVar[str] = "{}"
    RECORD_NAME: ClassVar[str] = "Plain"
    FINGERPRINT: ClassVar[str] = ""
    KEY_FIELD: ClassVar[str | None] = "sku"
    sku: str
    n: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        return cls(**data)


@dataclass(frozen=True)
class Unkeyed(Plain):
    KEY_FIELD: ClassVar[str | None] = None


class FixedCodec:
    def encode(self, event: Any) -> bytes:
        return frame(77, b"{}")

    def decode(self, data: bytes, readers: Any) -> Any:
        raise NotImplementedError


def user() -> UserCreated:
    return UserCreated(
        event_id=uuid.UUID("6f1c7c1e-0000-4000-8000-000000000001"),
        occurred_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        user_id=uuid.UUID("6f1c7c1e-0000-4000-8000-0000000000aa"),
        version=1,
        email="a@example.com",
        full_name="A",
        status=UserStatus.ACTIVE,
    )


def test_generated_events_are_keyed_by_their_key_field_as_text() -> None:
    assert key_of(user()) == b"6f1c7c1e-0000-4000-8000-0000000000aa"


def test_key_field_without_kafka_key_method() -> None:
    assert key_of(Plain(sku="SKU-1")) == b"SKU-1"
    assert key_of(Unkeyed(sku="SKU-1")) is None


def test_event_id_comes_from_the_event_or_is_new() -> None:
    assert event_id_of(user()) == "6f1c7c1e-0000-4000-8000-000000000001"
    first, second = event_id_of(Plain(sku="a")), event_id_of(Plain(sku="a"))
    assert first != second
    assert uuid.UUID(first)


def test_record_headers() -> None:
    with use_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"):
        record = build_record(user(), FixedCodec(), {"source": "signup"})
    assert record.topic == "user.events"
    assert record.headers["event_type"] == "UserCreated"
    assert record.headers["event_id"] == "6f1c7c1e-0000-4000-8000-000000000001"
    assert record.headers["schema_id"] == "77"
    assert record.headers["source"] == "signup"
    trace = parse_traceparent(record.headers["traceparent"])
    assert trace is not None
    assert trace.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_schema_id_of_unframed_bytes_is_minus_one() -> None:
    assert schema_id_of(frame(5, b"x")) == 5
    assert schema_id_of(b"\x07abcd") == -1
    assert schema_id_of(b"") == -1


def test_kafka_record_is_the_records_key_headers_and_id_as_bytes() -> None:
    event = user()
    plan = plan_for(UserCreated)
    value = FixedCodec().encode(event)
    with use_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"):
        record = build_record(event, FixedCodec(), {"source": "signup"})
        key, headers, event_id = plan.kafka_record(event, value, {"source": "signup"})
    assert (key, event_id) == (record.key, record.event_id)
    names = [name for name, _ in headers]
    assert names == ["event_type", "event_id", "schema_id", "traceparent", "source"]
    as_text = {name: raw.decode() for name, raw in headers if isinstance(raw, bytes)}
    assert {k: v for k, v in as_text.items() if k != "traceparent"} == {
        k: v for k, v in record.headers.items() if k != "traceparent"
    }
    trace = parse_traceparent(as_text["traceparent"])
    assert trace is not None
    assert trace.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_callers_header_replaces_the_runtimes_of_the_same_name() -> None:
    plan = plan_for(UserCreated)
    _, headers, _ = plan.kafka_record(user(), frame(3, b"{}"), {"event_type": "Renamed", "x": "1"})
    assert headers[0] == ("event_type", b"Renamed")
    assert dict(headers)["x"] == b"1"
    record = build_record(user(), FixedCodec(), {"event_type": "Renamed"})
    assert record.headers["event_type"] == "Renamed"


def test_schema_id_header_follows_each_values_prefix() -> None:
    plan = plan_for(Plain)
    assert [plan.schema_id(frame(n, b"x")) for n in (5, 6, 5)] == ["5", "6", "5"]
    assert plan.schema_id(b"\x07abcd") == "-1"


def test_fields_missing_as_attributes_are_read_from_to_dict() -> None:
    class Renamed(Plain):  # a generated class renames a field that is a Python keyword
        KEY_FIELD: ClassVar[str | None] = "from"

        def to_dict(self) -> dict[str, Any]:
            return {"from": "warehouse-1", "event_id": "e-7"}

    event = Renamed(sku="s")
    assert key_of(event) == b"warehouse-1"
    assert event_id_of(event) == "e-7"
