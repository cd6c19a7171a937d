"""Schemaless Avro writing and reading with everything per-schema prepared once.

fastavro's public ``schemaless_writer`` / ``schemaless_reader`` re-resolve the parsed schema's
named types, build an options dict and copy buffers on every call. Its compiled modules
expose the functions underneath (``write_data`` into a ``bytearray``, ``_read_data`` from a
file object); calling them with prepared named types, and writing straight after the
Confluent header, saves that per-message work. They are not fastavro's documented API, so
they are checked once at import with a round trip; on any surprise (another fastavro
version, the pure-Python build) the public functions are used instead, with the same results.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import fastavro

Encoder = Callable[[Any], bytes]
Reader = Callable[[bytes, int], tuple[Any, int]]


def _public_encoder(schema: Any, header: bytes, datum: Callable[[Any], Any]) -> Encoder:
    def encode(value: Any) -> bytes:
        out = io.BytesIO(header)
        out.seek(len(header))
        fastavro.schemaless_writer(out, schema, datum(value))
        return out.getvalue()

    return encode


def _public_reader(writer: Any, reader: Any, named: bool) -> Reader:
    def read(data: bytes, offset: int) -> tuple[Any, int]:
        body = io.BytesIO(data)
        body.seek(offset)
        datum = fastavro.schemaless_reader(body, writer, reader, return_named_type=named)
        return datum, body.tell()

    return read


def _direct_encoder(schema: Any, header: bytes, datum: Callable[[Any], Any]) -> Encoder:
    from fastavro._write import write_data  # type: ignore[attr-defined]

    named: dict[str, Any] = {}
    parsed = fastavro.parse_schema(schema, named)
    options = {"strict": False, "strict_allow_default": False, "disable_tuple_notation": False}

    def encode(value: Any) -> bytes:
        out = bytearray(header)
        write_data(out, datum(value), parsed, named, "", options)
        return bytes(out)

    return encode


def _direct_reader(writer: Any, reader: Any, named: bool) -> Reader:
    from fastavro._read import _read_data  # type: ignore[attr-defined]

    schemas: dict[str, dict[str, Any]] = {"writer": {}, "reader": {}}
    parsed_writer = fastavro.parse_schema(writer, schemas["writer"])
    parsed_reader = fastavro.parse_schema(reader, schemas["reader"]) if reader else None
    options = {
        "return_record_name": False,
        "return_record_name_override": False,
        "handle_unicode_errors": "strict",
        "return_named_type": named,
        "return_named_type_override": False,
    }

    def read(data: bytes, offset: int) -> tuple[Any, int]:
        body = io.BytesIO(data)
        body.seek(offset)
        return _read_data(body, parsed_writer, schemas, parsed_reader, options), body.tell()

    return read


def _direct_works() -> bool:
    """A round trip through the direct calls, answering as the public API does."""
    probe = {
        "type": "record",
        "name": "Probe",
        "fields": [
            {"name": "n", "type": "long"},
            {"name": "u", "type": ["null", {"type": "enum", "name": "E", "symbols": ["A"]}]},
        ],
    }
    datum = {"n": -3, "u": ("E", "A")}
    try:
        data = _direct_encoder(probe, b"\x00", dict)(datum)
        if data != _public_encoder(probe, b"\x00", dict)(datum):
            return False
        return _direct_reader(probe, None, True)(data, 1) == ({"n": -3, "u": ("E", "A")}, 4)
    except Exception:
        return False


DIRECT = _direct_works()


def encoder(schema: Any, header: bytes, datum: Callable[[Any], Any]) -> Encoder:
    """``encode(value) -> header + Avro body of datum(value)`` for one (parsed or raw)
    schema: the whole per-message path of a producer in one call."""
    if DIRECT:
        return _direct_encoder(schema, header, datum)
    return _public_encoder(schema, header, datum)


def reader(writer_schema: Any, reader_schema: Any = None, *, named: bool = False) -> Reader:
    """``read(data, offset) -> (datum, end offset)``; ``reader_schema`` resolves the writer's
    data into it; ``named`` returns named union branches as ``(name, value)``."""
    if DIRECT:
        return _direct_reader(writer_schema, reader_schema, named)
    return _public_reader(writer_schema, reader_schema, named)
