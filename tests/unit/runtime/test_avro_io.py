"""The readers written for one schema (avro_io._compiled_reader) against fastavro's."""

from __future__ import annotations

import io
import random
from typing import Any

import fastavro
import pytest

from accord.runtime import avro_io

ENUM = {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN", "BLUE"]}
FIXED = {"type": "fixed", "name": "Pair", "size": 2}
INNER = {
    "type": "record",
    "name": "Inner",
    "fields": [{"name": "c", "type": "Colour"}, {"name": "p", "type": ["null", "Pair"]}],
}
# The fields both schemas below start with (the enum and the fixed defined here).
SCALARS = [
    {"name": "colour", "type": ENUM},
    {"name": "pair", "type": FIXED},
    {"name": "n", "type": "long"},
    {"name": "i", "type": "int"},
    {"name": "ok", "type": "boolean"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "s", "type": "string"},
    {"name": "raw", "type": "bytes"},
]
SCHEMA = {
    "type": "record",
    "name": "Outer",
    "namespace": "test.avro",
    "fields": [
        *SCALARS,
        {"name": "maybe", "type": ["null", "string", "long"]},
        {"name": "longs", "type": {"type": "array", "items": "long"}},
        {"name": "inners", "type": {"type": "array", "items": INNER}},
        {
            "name": "by_name",
            "type": {"type": "map", "values": {"type": "array", "items": "string"}},
        },
        {"name": "inner", "type": "Inner"},
        {"name": "empty", "type": {"type": "record", "name": "Empty", "fields": []}},
        {"name": "nothing", "type": "null"},
    ],
}


def text(rng: random.Random) -> str:
    return "".join(rng.choice("abcé€😀 -") for _ in range(rng.randrange(0, 90)))


def long(rng: random.Random) -> int:
    return rng.choice(
        [0, -1, 63, 64, -64, -65, 2**31 - 1, -(2**63), 2**63 - 1, rng.getrandbits(40)]
    )


def datum(rng: random.Random) -> dict[str, Any]:
    def inner() -> dict[str, Any]:
        return {"c": rng.choice(ENUM["symbols"]), "p": rng.choice([None, b"xy"])}

    return {
        "colour": rng.choice(ENUM["symbols"]),
        "pair": bytes(rng.getrandbits(8) for _ in range(2)),
        "n": long(rng),
        "i": rng.randrange(-(2**31), 2**31),
        "ok": rng.random() < 0.5,
        "f": rng.choice([0.0, 1.5, -3.25]),
        "d": rng.random() * 1e300,
        "s": text(rng),
        "raw": bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200))),
        "maybe": rng.choice([None, text(rng), long(rng)]),
        "longs": [long(rng) for _ in range(rng.randrange(0, 70))],
        "inners": [inner() for _ in range(rng.randrange(0, 3))],
        "by_name": {text(rng): [text(rng)] * rng.randrange(0, 3) for _ in range(rng.randrange(3))},
        "inner": inner(),
        "empty": {},
        "nothing": None,
    }


def encode(schema: Any, value: Any) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema), value)
    return out.getvalue()


def fastavro_read(schema: Any, data: bytes) -> tuple[Any, int]:
    body = io.BytesIO(data)
    return fastavro.schemaless_reader(body, fastavro.parse_schema(schema), None), body.tell()


def test_the_import_time_probe_passes() -> None:
    assert avro_io.COMPILED


def test_written_reader_answers_as_fastavro() -> None:
    read = avro_io._compiled_reader(SCHEMA)
    assert read is not None
    rng = random.Random(5)
    for _ in range(300):
        value = datum(rng)
        data = encode(SCHEMA, value)
        assert read(b"\x00prefix" + data, 7) == (fastavro_read(SCHEMA, data)[0], 7 + len(data))


def test_blocks_with_negative_counts_and_sizes_are_read() -> None:
    schema = {"type": "array", "items": "long"}
    # Two blocks: count -2 (zig-zag 3) with a byte size, then count 1, then the end.
    data = bytes([3, 4, 2, 4, 2, 6, 0])
    read = avro_io._compiled_reader(schema)
    assert read is not None
    assert read(data, 0) == ([1, 2, 3], len(data)) == fastavro_read(schema, data)


def test_cut_or_corrupt_data_never_reads_as_something_else() -> None:
    read = avro_io._compiled_reader(SCHEMA)
    assert read is not None
    rng = random.Random(9)
    for _ in range(40):
        data = encode(SCHEMA, datum(rng))
        for cut in range(len(data)):
            short = data[:cut]
            try:
                _, end = read(short, 0)
            except Exception:
                continue
            assert end > len(short)  # the caller refuses it
        for _ in range(20):
            spoilt = bytearray(data)
            spoilt[rng.randrange(len(data))] = rng.getrandbits(8)
            try:
                got = read(bytes(spoilt), 0)
            except Exception:
                continue
            if got[1] == len(spoilt):  # read as a whole: fastavro reads the same
                assert got == fastavro_read(SCHEMA, bytes(spoilt))


@pytest.mark.parametrize(
    "data",
    [
        bytes([0x80] * 11 + [0]),  # a varint longer than a 64-bit long
        bytes([1, 0]),  # a negative length
    ],
)
def test_impossible_lengths_are_refused(data: bytes) -> None:
    read = avro_io._compiled_reader("string")
    assert read is not None
    with pytest.raises(ValueError, match=r"ten bytes|negative length"):
        read(data, 0)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "logicalType": "uuid"},
        {
            "type": "record",
            "name": "Node",
            "fields": [{"name": "next", "type": ["null", "Node"]}],
        },
    ],
    ids=["logical type", "recursive record"],
)
def test_what_it_does_not_write_is_left_to_fastavro(schema: Any) -> None:
    assert avro_io._compiled_reader(schema) is None
    assert avro_io.reader(schema) is not None


def written(read: avro_io.Reader) -> bool:
    return read.__code__.co_filename == "<accord avro reader>"


def test_named_branches_and_schema_resolution_use_fastavro() -> None:
    assert written(avro_io.reader(SCHEMA))
    assert not written(avro_io.reader(SCHEMA, named=True))
    assert not written(avro_io.reader(SCHEMA, SCHEMA))


WRITABLE = {
    "type": "record",
    "name": "Flat",
    "namespace": "test.avro",
    "fields": [
        *SCALARS,
        {"name": "maybe", "type": ["null", "string"]},
        {"name": "or_not", "type": ["long", "null"], "default": 7},
        {"name": "longs", "type": {"type": "array", "items": "long"}},
        {
            "name": "by_name",
            "type": {"type": "map", "values": {"type": "array", "items": "string"}},
        },
        {
            "name": "inner",
            "type": {"type": "record", "name": "In", "fields": [{"name": "c", "type": "Colour"}]},
        },
    ],
}


def flat(rng: random.Random) -> dict[str, Any]:
    full = datum(rng)
    value = {k: full[k] for k in ("colour", "pair", "n", "i", "ok", "f", "d", "s", "raw")}
    value |= {
        "maybe": rng.choice([None, text(rng)]),
        "or_not": rng.choice([None, long(rng)]),
        "longs": full["longs"],
        "by_name": full["by_name"],
        "inner": {"c": full["colour"]},
    }
    if rng.random() < 0.2:
        del value["or_not"]  # a missing field with a default takes it, as with fastavro
    return value


def test_written_encoder_gives_fastavros_bytes() -> None:
    encode = avro_io._compiled_writer(WRITABLE, b"\x00head", dict)
    assert encode is not None
    rng = random.Random(3)
    for _ in range(300):
        value = flat(rng)
        assert encode(value) == b"\x00head" + encode_with_fastavro(WRITABLE, value)


def encode_with_fastavro(schema: Any, value: Any) -> bytes:
    return encode(schema, value)


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("n", "7"),  # not a number
        ("n", 2**63),  # out of a long's range
        ("s", b"bytes"),  # not text
        ("colour", "PURPLE"),  # not a symbol
        ("pair", b"abc"),  # not the fixed size
        ("maybe", 3),  # neither null nor text
        ("s", None),  # missing, without a default
    ],
)
def test_what_does_not_fit_the_schema_fails_to_encode(field: str, bad: Any) -> None:
    encode = avro_io._compiled_writer(WRITABLE, b"", dict)
    assert encode is not None
    value = flat(random.Random(1))
    value[field] = bad
    with pytest.raises((TypeError, ValueError, KeyError, OverflowError, AttributeError)):
        encode(value)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "logicalType": "uuid"},
        ["null", "string", "long"],
        ["null", ENUM],  # a named branch may come in tuple notation
    ],
    ids=["logical type", "three branches", "named branch"],
)
def test_what_it_does_not_write_is_encoded_by_fastavro(schema: Any) -> None:
    assert avro_io._compiled_writer(schema, b"", dict) is None
    assert avro_io.COMPILED_WRITER  # the import-time probe passes with the pinned fastavro


def test_the_services_events_encode_to_the_same_bytes_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from accord.runtime.serde import Serde
    from tests.unit.codegen.test_serde import order, stock
    from tests.unit.runtime.test_records import user

    events = [order(), stock(), user()]
    url = "mock://avro-io-either-way"
    written = [Serde(url, auto_register=True).encode(e) for e in events]
    monkeypatch.setattr(avro_io, "COMPILED_WRITER", False)
    monkeypatch.setattr(avro_io, "COMPILED", False)
    assert [Serde(url, auto_register=True).encode(e) for e in events] == written
    plain = Serde(url)
    assert [
        plain.decode(data, (type(e),))[0] for data, e in zip(written, events, strict=True)
    ] == events
