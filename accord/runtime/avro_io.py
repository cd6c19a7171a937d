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
import struct
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


# --- readers made of Python code for one schema ------------------------------------------------

_PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
_unpack_float = struct.Struct("<f").unpack_from
_unpack_double = struct.Struct("<d").unpack_from


class _Unsupported(Exception):
    """A schema the code writer leaves to fastavro."""


def _read_long(data: bytes, pos: int) -> tuple[int, int]:
    """A zig-zag varint of more than one byte (the generated code inlines the one-byte case);
    at most ten bytes, as a 64-bit long takes."""
    b = data[pos]
    n = b & 0x7F
    shift = 7
    pos += 1
    while b & 0x80:
        if shift > 63:
            raise ValueError("varint longer than ten bytes")
        b = data[pos]
        n |= (b & 0x7F) << shift
        shift += 7
        pos += 1
    n &= 0xFFFF_FFFF_FFFF_FFFF  # the bits a 64-bit long keeps, as fastavro's reader does
    return (n >> 1) ^ -(n & 1), pos


def _read_size(data: bytes, pos: int) -> tuple[int, int]:
    """A length that is not one byte, or negative (refused)."""
    size, pos = _read_long(data, pos)
    if size < 0:
        raise ValueError("negative length")
    return size, pos


_ZIGZAG = tuple((b >> 1) ^ -(b & 1) for b in range(128))  # one-byte longs

# What the code :class:`_Code` writes refers to.
READER_NAMESPACE: dict[str, Any] = {
    "read_long": _read_long,
    "read_size": _read_size,
    "ZIGZAG": _ZIGZAG,
    "unpack_float": _unpack_float,
    "unpack_double": _unpack_double,
}


def without_logical_types(node: Any) -> Any:
    """An Avro schema with every ``logicalType`` removed (its binary encoding is the same)."""
    if isinstance(node, list):
        return [without_logical_types(n) for n in node]
    if isinstance(node, dict):
        return {
            k: v if k == "default" else without_logical_types(v)
            for k, v in node.items()
            if k != "logicalType"
        }
    return node


class _Code:
    """Python source reading one (parsed, logical-free) schema from ``data`` at ``pos``."""

    def __init__(self, named: dict[str, Any]) -> None:
        self.named = named
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.count = 0
        self.open: set[str] = set()  # records being written (a recursive one is unsupported)

    def var(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, value: Any) -> str:
        name = self.var("K")
        self.constants[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def resolve(self, schema: Any, depth: int) -> Any:
        """``schema`` with a name replaced by the type it names: a union list, a primitive's
        name or a schema object; :class:`_Unsupported` for what generated code cannot take."""
        if depth > 12:
            raise _Unsupported("nested too deeply")
        while isinstance(schema, str) and schema not in _PRIMITIVES:
            if schema not in self.named:
                raise _Unsupported(f"unknown name {schema}")
            schema = self.named[schema]
        if isinstance(schema, (list, str)):
            return schema
        if not isinstance(schema, dict):
            raise _Unsupported(repr(schema))
        if "logicalType" in schema:
            raise _Unsupported("logical types")
        return schema

    def long(self, depth: int, target: str) -> None:
        self.emit(depth, "b = data[pos]")
        self.emit(depth, "if b < 128:")
        self.emit(depth + 1, f"{target} = ZIGZAG[b]")
        self.emit(depth + 1, "pos += 1")
        self.emit(depth, "else:")
        self.emit(depth + 1, f"{target}, pos = read_long(data, pos)")

    def sized(self, depth: int, target: str, decode: bool) -> None:
        # A length is a long that must not be negative: one byte with the low bit clear in
        # the common case.
        size = self.var("n")
        self.emit(depth, "b = data[pos]")
        self.emit(depth, "if b & 0x81:")
        self.emit(depth + 1, f"{size}, pos = read_size(data, pos)")
        self.emit(depth, "else:")
        self.emit(depth + 1, f"{size} = b >> 1")
        self.emit(depth + 1, "pos += 1")
        self.emit(depth, f"{target} = data[pos:pos + {size}]" + (".decode()" if decode else ""))
        self.emit(depth, f"pos += {size}")

    def read(self, schema: Any, depth: int, target: str) -> None:
        schema = self.resolve(schema, depth)
        if isinstance(schema, list):
            return self.union(schema, depth, target)
        if isinstance(schema, str):
            return self.primitive(schema, depth, target)
        kind = schema.get("type")
        if kind in _PRIMITIVES:
            return self.primitive(kind, depth, target)
        if kind == "record" or kind == "error":
            return self.record(schema, depth, target)
        if kind == "enum":
            symbols = self.constant(dict(enumerate(schema["symbols"])))
            index = self.var("i")
            self.long(depth, index)
            self.emit(depth, f"{target} = {symbols}[{index}]")
            return None
        if kind == "fixed":
            size = int(schema["size"])
            self.emit(depth, f"{target} = data[pos:pos + {size}]")
            self.emit(depth, f"pos += {size}")
            return None
        if kind == "array":
            return self.blocks(schema["items"], None, depth, target)
        if kind == "map":
            return self.blocks(schema["values"], "string", depth, target)
        return self.read(kind, depth, target)  # {"type": <a name or a nested schema>}

    def primitive(self, kind: str, depth: int, target: str) -> None:
        if kind == "null":
            self.emit(depth, f"{target} = None")
        elif kind == "boolean":
            self.emit(depth, f"{target} = data[pos] != 0")
            self.emit(depth, "pos += 1")
        elif kind in ("int", "long"):
            self.long(depth, target)
        elif kind == "float":
            self.emit(depth, f"{target} = unpack_float(data, pos)[0]")
            self.emit(depth, "pos += 4")
        elif kind == "double":
            self.emit(depth, f"{target} = unpack_double(data, pos)[0]")
            self.emit(depth, "pos += 8")
        else:
            self.sized(depth, target, decode=kind == "string")

    def record(self, schema: dict[str, Any], depth: int, target: str) -> None:
        name = str(schema.get("name"))
        if name in self.open:
            raise _Unsupported(f"recursive record {name}")
        self.open.add(name)
        fields = []
        for field in schema["fields"]:
            value = self.var("f")
            self.read(field["type"], depth, value)
            fields.append(f"{field['name']!r}: {value}")
        self.emit(depth, f"{target} = {{{', '.join(fields)}}}")
        self.open.discard(name)

    def union(self, branches: list[Any], depth: int, target: str) -> None:
        index = self.var("u")
        self.long(depth, index)
        for i, branch in enumerate(branches):
            self.emit(depth, f"{'if' if i == 0 else 'elif'} {index} == {i}:")
            self.read(branch, depth + 1, target)
        self.emit(depth, "else:")
        self.emit(depth + 1, f"raise ValueError('union index ' + str({index}))")

    def blocks(self, items: Any, keys: str | None, depth: int, target: str) -> None:
        found, count, item = self.var("a"), self.var("c"), self.var("v")
        self.emit(depth, f"{found} = {{}}" if keys else f"{found} = []")
        self.emit(depth, "while True:")
        self.long(depth + 1, count)
        self.emit(depth + 1, f"if {count} == 0:")
        self.emit(depth + 2, "break")
        self.emit(depth + 1, f"if {count} < 0:")
        self.emit(depth + 2, f"{count} = -{count}")
        self.long(depth + 2, self.var("s"))  # the block's size in bytes: not needed
        self.emit(depth + 1, f"for _ in range({count}):")
        if keys:
            key = self.var("k")
            self.sized(depth + 2, key, decode=True)
            self.read(items, depth + 2, item)
            self.emit(depth + 2, f"{found}[{key}] = {item}")
        else:
            self.read(items, depth + 2, item)
            self.emit(depth + 2, f"{found}.append({item})")
        self.emit(depth, f"{target} = {found}")


def _compiled_reader(schema: Any) -> Reader | None:
    """``read(data, offset) -> (datum, end)`` as straight-line Python written for ``schema``
    (without logical types, read as itself): what fastavro's reader returns, with no
    per-field dispatch. A varint is one byte in the common case, read inline. Lengths past the
    end of ``data`` are not checked field by field: the end offset then lies beyond the data,
    which the caller refuses (as it refuses unread bytes). None for what it does not write
    (logical types, recursive records, deep nesting): use fastavro."""
    named: dict[str, Any] = {}
    try:
        parsed = fastavro.parse_schema(schema, named)
        code = _Code(named)
        code.read(parsed, 1, "datum")
    except (_Unsupported, KeyError, TypeError, ValueError):
        return None
    source = "\n".join(["def read(data, pos):", *code.lines, "    return datum, pos"])
    namespace: dict[str, Any] = {**READER_NAMESPACE, **code.constants}
    read: Reader | None = compile_function(source, "<accord avro reader>", namespace, "read")
    return read


def compile_function(source: str, filename: str, namespace: dict[str, Any], name: str) -> Any:
    """The function ``name`` that ``source`` (code written for a schema) defines, compiled
    into ``namespace``; None when it does not compile (a schema too deep for the compiler)."""
    try:
        exec(compile(source, filename, "exec"), namespace)
    except (SyntaxError, RecursionError, MemoryError):
        return None
    return namespace[name]


# --- writers made of Python code for one schema -------------------------------------------------

_pack_float = struct.Struct("<f").pack
_pack_double = struct.Struct("<d").pack
_SMALL = tuple(bytes([n << 1]) for n in range(64))  # the longs 0..63, one byte each
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def _write_long(n: int) -> bytes:
    """A long that is not one of the one-byte ``_SMALL`` ones, as a zig-zag varint."""
    if not _LONG_MIN <= n <= _LONG_MAX:
        raise OverflowError(f"{n} does not fit an Avro long")
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def long_bytes(n: int) -> bytes:
    """A long as Avro writes it."""
    return _SMALL[n] if 0 <= n < 64 else _write_long(n)


# What the code :class:`_WriterCode` writes refers to.
WRITER_NAMESPACE: dict[str, Any] = {
    "SMALL": _SMALL,
    "write_long": _write_long,
    "pack_float": _pack_float,
    "pack_double": _pack_double,
}


class _WriterCode(_Code):
    """Python source appending the Avro encoding of a datum to ``parts`` (``a`` appends)."""

    def long_out(self, depth: int, value: str) -> None:
        self.emit(depth, f"a(SMALL[{value}] if 0 <= {value} < 64 else write_long({value}))")

    def write(self, schema: Any, depth: int, value: str) -> None:
        schema = self.resolve(schema, depth)
        if isinstance(schema, list):
            return self.union_out(schema, depth, value)
        if isinstance(schema, str):
            return self.primitive_out(schema, depth, value)
        kind = schema.get("type")
        if kind in _PRIMITIVES:
            return self.primitive_out(kind, depth, value)
        if kind == "record" or kind == "error":
            return self.record_out(schema, depth, value)
        if kind == "enum":
            indexes = {symbol: long_bytes(i) for i, symbol in enumerate(schema["symbols"])}
            self.emit(depth, f"a({self.constant(indexes)}[{value}])")
            return None
        if kind == "fixed":
            size = int(schema["size"])
            self.emit(depth, f"if len({value}) != {size}:")
            self.emit(depth + 1, f"raise ValueError('fixed of {size} bytes, got ' + repr({value}))")
            self.emit(depth, f"a({value})")
            return None
        if kind == "array" or kind == "map":
            count, item = self.var("c"), self.var("v")
            self.emit(depth, f"{count} = len({value})")
            self.emit(depth, f"if {count}:")
            self.long_out(depth + 1, count)
            if kind == "array":
                self.emit(depth + 1, f"for {item} in {value}:")
                self.write(schema["items"], depth + 2, item)
            else:
                key = self.var("k")
                self.emit(depth + 1, f"for {key}, {item} in {value}.items():")
                self.primitive_out("string", depth + 2, key)
                self.write(schema["values"], depth + 2, item)
            self.emit(depth, "a(b'\\x00')")
            return None
        return self.write(kind, depth, value)

    def primitive_out(self, kind: str, depth: int, value: str) -> None:
        if kind == "null":
            return
        if kind == "boolean":
            self.emit(depth, f"a(b'\\x01' if {value} else b'\\x00')")
        elif kind in ("int", "long"):
            self.long_out(depth, value)
        elif kind == "float":
            self.emit(depth, f"a(pack_float({value}))")
        elif kind == "double":
            self.emit(depth, f"a(pack_double({value}))")
        else:
            raw, size = self.var("b"), self.var("n")
            self.emit(
                depth, f"{raw} = {value}.encode()" if kind == "string" else f"{raw} = {value}"
            )
            self.emit(depth, f"{size} = len({raw})")
            self.long_out(depth, size)
            self.emit(depth, f"a({raw})")

    def record_out(self, schema: dict[str, Any], depth: int, value: str) -> None:
        name = str(schema.get("name"))
        if name in self.open:
            raise _Unsupported(f"recursive record {name}")
        self.open.add(name)
        for field in schema["fields"]:
            item = self.var("f")
            if "default" in field:  # as fastavro: a missing field takes its default
                default = self.constant(field["default"])
                self.emit(depth, f"{item} = {value}.get({field['name']!r}, {default})")
            else:
                self.emit(depth, f"{item} = {value}.get({field['name']!r})")
            self.write(field["type"], depth, item)
        self.open.discard(name)

    def union_out(self, branches: list[Any], depth: int, value: str) -> None:
        # Only [null, T] and [T, null]: choosing among other branches by the datum's type
        # follows fastavro's rules, which fastavro applies best.
        kinds = [b if isinstance(b, str) else b.get("type") for b in branches]
        if len(branches) != 2 or kinds.count("null") != 1:
            raise _Unsupported("a union other than [null, T]")
        null = kinds.index("null")
        other = 1 - null
        if kinds[other] in ("record", "error", "enum", "fixed") or kinds[other] in self.named:
            # A named branch may come as ("Name", value), fastavro's tuple notation.
            raise _Unsupported("a named type in a union")
        self.emit(depth, f"if {value} is None:")
        self.emit(depth + 1, f"a({_SMALL[null]!r})")
        self.emit(depth, "else:")
        self.emit(depth + 1, f"a({_SMALL[other]!r})")
        self.write(branches[other], depth + 1, value)


def _compiled_writer(schema: Any, header: bytes, datum: Callable[[Any], Any]) -> Encoder | None:
    """``encode(value) -> header + Avro body of datum(value)`` as straight-line Python
    written for ``schema`` (without logical types): the bytes fastavro's writer gives, without
    its per-field dispatch (what does not fit the schema still fails: no ``str.encode``, an
    unknown enum symbol, a long out of range...). None for what it does not write (logical
    types, recursive records, unions other than [null, T] of an unnamed T): use fastavro."""
    named: dict[str, Any] = {}
    try:
        parsed = fastavro.parse_schema(schema, named)
        code = _WriterCode(named)
        code.write(parsed, 1, "d")
    except (_Unsupported, KeyError, TypeError, ValueError, AttributeError):
        return None
    source = "\n".join(
        [
            "def encode(value):",
            "    d = to_datum(value)",
            "    parts = [HEADER]",
            "    a = parts.append",
            *code.lines,
            "    return b''.join(parts)",
        ]
    )
    namespace: dict[str, Any] = {
        **WRITER_NAMESPACE,
        "HEADER": header,
        "to_datum": datum,
        **code.constants,
    }
    encode: Encoder | None = compile_function(source, "<accord avro writer>", namespace, "encode")
    return encode


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


# What both probes below hold: a field of every kind the written code reads and writes.
_PROBE_FIELDS: list[dict[str, Any]] = [
    {"name": "n", "type": "long"},
    {"name": "i", "type": "int"},
    {"name": "b", "type": "boolean"},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "s", "type": "string"},
    {"name": "y", "type": "bytes"},
    {"name": "x", "type": {"type": "fixed", "name": "F", "size": 2}},
    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
    {"name": "a", "type": {"type": "array", "items": "long"}},
    {
        "name": "r",
        "type": {"type": "record", "name": "R", "fields": [{"name": "e", "type": "E"}]},
    },
]
_PROBE_DATUM: dict[str, Any] = {
    "n": -(2**40),
    "i": 300,
    "b": True,
    "f": 1.5,
    "d": -2.25,
    "s": "h\u00e9",
    "y": b"\x00\xff",
    "x": b"ab",
    "e": "B",
    "a": [1, -64, 64, 2**62],
    "r": {"e": "A"},
}


def _probe(fields: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"type": "record", "name": "Probe", "fields": [*_PROBE_FIELDS, *fields], **more}


def _compiled_works() -> bool:
    """The written reader answers as fastavro's on a record with every kind it writes."""
    probe = _probe(
        [
            {"name": "u", "type": ["null", "string", "E"]},
            {"name": "m", "type": {"type": "map", "values": ["null", "F"]}},
        ],
        namespace="accord",
    )
    datum = {**_PROBE_DATUM, "u": "B", "m": {"k": None, "l": b"cd"}}
    try:
        read = _compiled_reader(probe)
        if read is None:
            return False
        out = io.BytesIO()
        fastavro.schemaless_writer(out, fastavro.parse_schema(probe), datum)
        data = out.getvalue()
        return read(data, 0) == _public_reader(probe, None, False)(data, 0) == (datum, len(data))
    except Exception:
        return False


COMPILED = _compiled_works()


def _compiled_writer_works() -> bool:
    """The written encoder gives fastavro's bytes for a record with every kind it writes."""
    probe = _probe(
        [
            {"name": "u", "type": ["null", "string"]},
            {"name": "v", "type": ["long", "null"], "default": 3},
            {"name": "m", "type": {"type": "map", "values": ["null", "double"]}},
        ]
    )
    datum = {**_PROBE_DATUM, "u": "B", "m": {"k": None, "l": 0.5}}
    try:
        encode = _compiled_writer(probe, b"\x00", dict)
        return encode is not None and encode(datum) == _public_encoder(probe, b"\x00", dict)(datum)
    except Exception:
        return False


COMPILED_WRITER = _compiled_writer_works()


def encoder(schema: Any, header: bytes, datum: Callable[[Any], Any]) -> Encoder:
    """``encode(value) -> header + Avro body of datum(value)`` for one (parsed or raw)
    schema: the whole per-message path of a producer in one call. A schema without logical
    types gets an encoder written for it (:func:`_compiled_writer`) when it can."""
    if COMPILED_WRITER:
        written = _compiled_writer(schema, header, datum)
        if written is not None:
            return written
    if DIRECT:
        return _direct_encoder(schema, header, datum)
    return _public_encoder(schema, header, datum)


def reader(writer_schema: Any, reader_schema: Any = None, *, named: bool = False) -> Reader:
    """``read(data, offset) -> (datum, end offset)``; ``reader_schema`` resolves the writer's
    data into it; ``named`` returns named union branches as ``(name, value)``. A schema read
    as itself, without logical types or named branches, gets a reader written for it
    (:func:`_compiled_reader`); the end offset may then lie past the data when it is cut
    short: callers check ``end == len(data)``."""
    if COMPILED and reader_schema is None and not named:
        compiled = _compiled_reader(writer_schema)
        if compiled is not None:
            return compiled
    if DIRECT:
        return _direct_reader(writer_schema, reader_schema, named)
    return _public_reader(writer_schema, reader_schema, named)
