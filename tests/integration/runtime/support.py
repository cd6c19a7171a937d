"""Test doubles for the runtime tests: small hand-written event classes satisfying
``EventType`` and a JSON codec with Confluent framing (magic byte, 4-byte schema id, JSON body).

The real serde and the generated reference classes are exercised by
``test_real_serde.py``; these doubles keep the fault tests independent of the registry.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Self

from accord.runtime.context import current
from accord.runtime.events import (
    EventType,
    IncompatibleWriterSchema,
    Metadata,
    UndecodableMessage,
    UnknownWriterSchema,
)

APPLIED_DDL = "CREATE TABLE IF NOT EXISTS applied (event_id TEXT, cart_id TEXT, seq INTEGER)"


def record_applied(event: Any, _meta: Metadata) -> None:
    """The handler most tests use: one row per application (no uniqueness, so a duplicate
    application would show)."""
    current().tx.execute(
        "INSERT INTO applied (event_id, cart_id, seq) VALUES (?, ?, ?)",
        (event.event_id, event.cart_id, event.seq),
    )


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class _Event:
    EVENT_NAME: ClassVar[str]
    TOPIC: ClassVar[str]
    SUBJECT: ClassVar[str]
    SCHEMA_TYPE: ClassVar[str] = "JSON"
    SCHEMA: ClassVar[str] = "{}"
    RECORD_NAME: ClassVar[str]
    FINGERPRINT: ClassVar[str] = ""
    KEY_FIELD: ClassVar[str | None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(**data)


def event_types(topic: str) -> tuple[type[Any], type[Any]]:
    """Two event classes bound to ``topic`` (tests use unique topics)."""

    @dataclass(frozen=True)
    class ItemAdded(_Event):
        EVENT_NAME: ClassVar[str] = "ItemAdded"
        TOPIC: ClassVar[str] = topic
        SUBJECT: ClassVar[str] = f"{topic}-test.ItemAdded"
        RECORD_NAME: ClassVar[str] = "test.ItemAdded"
        KEY_FIELD: ClassVar[str | None] = "cart_id"
        cart_id: str
        seq: int
        amount: int = 1
        event_id: str = field(default_factory=_new_id)

    @dataclass(frozen=True)
    class CartRenamed(_Event):
        EVENT_NAME: ClassVar[str] = "CartRenamed"
        TOPIC: ClassVar[str] = topic
        SUBJECT: ClassVar[str] = f"{topic}-test.CartRenamed"
        RECORD_NAME: ClassVar[str] = "test.CartRenamed"
        KEY_FIELD: ClassVar[str | None] = "cart_id"
        cart_id: str
        name: str
        version: int
        event_id: str = field(default_factory=_new_id)

    return ItemAdded, CartRenamed


class JsonTestCodec:
    """Confluent framing over JSON. A schema id is a hash of the record name, so every process
    agrees on it; ids in ``incompatible`` decode as :class:`IncompatibleWriterSchema` (as from
    a producer that deployed an incompatible schema)."""

    def __init__(self) -> None:
        self.incompatible: set[int] = set()

    @staticmethod
    def schema_id(record_name: str) -> int:
        return zlib.crc32(record_name.encode()) & 0x7FFFFFFF

    def encode(self, event: EventType) -> bytes:
        return self.encode_as(self.schema_id(event.RECORD_NAME), event.to_dict())

    @staticmethod
    def encode_as(schema_id: int, data: Mapping[str, Any]) -> bytes:
        return b"\x00" + schema_id.to_bytes(4, "big") + json.dumps(data, sort_keys=True).encode()

    def decode(self, data: bytes, readers: tuple[type[EventType], ...]) -> tuple[EventType, int]:
        if len(data) < 5 or data[0] != 0:
            raise UndecodableMessage("not Confluent wire format (magic byte is not 0)")
        schema_id = int.from_bytes(data[1:5], "big")
        if schema_id in self.incompatible:
            raise IncompatibleWriterSchema(
                f"schema id {schema_id} removed a field the reader needs", schema_id=schema_id
            )
        reader = next((r for r in readers if self.schema_id(r.RECORD_NAME) == schema_id), None)
        if reader is None:
            raise UnknownWriterSchema(f"unknown schema id {schema_id}", schema_id=schema_id)
        try:
            return reader.from_dict(json.loads(data[5:])), schema_id
        except (ValueError, TypeError) as exc:
            raise UndecodableMessage(f"corrupt body: {exc}", schema_id=schema_id) from None
