"""Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the body.

The body is the Avro binary encoding (no container header) or UTF-8 JSON text. Every
Confluent client, and accord's own serde, frames messages this way, which is what makes bytes
written by one readable by the other.
"""

from __future__ import annotations

import struct

from accord.runtime.events import UndecodableMessage

MAGIC = 0
HEADER_SIZE = 5
MAX_SCHEMA_ID = 2**32 - 1
_HEADER = struct.Struct(">BI")


def header(schema_id: int) -> bytes:
    """The 5 bytes that precede the body of a message written with ``schema_id``."""
    if not 0 <= schema_id <= MAX_SCHEMA_ID:
        raise ValueError(f"schema id {schema_id} does not fit in 4 bytes")
    return _HEADER.pack(MAGIC, schema_id)


def frame(schema_id: int, body: bytes) -> bytes:
    """A whole message: header + body."""
    return header(schema_id) + body


def schema_id_of(data: bytes | bytearray | memoryview) -> int:
    """The schema id of a framed message; :class:`UndecodableMessage` when it is not framed."""
    if len(data) < HEADER_SIZE:
        raise UndecodableMessage(
            f"message of {len(data)} bytes is too short for Confluent framing"
            " (magic byte + 4-byte schema id)"
        )
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise UndecodableMessage(
            f"unknown magic byte {magic} (Confluent framing starts with 0);"
            " the producer did not use a schema-registry serializer"
        )
    return int(schema_id)


def unframe(data: bytes | bytearray | memoryview) -> tuple[int, memoryview]:
    """``(schema id, body)``; the body is a view into ``data`` (no copy)."""
    schema_id = schema_id_of(data)
    return schema_id, memoryview(data)[HEADER_SIZE:]
