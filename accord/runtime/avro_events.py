"""Avro bodies read straight into generated event objects, and written straight from them.

The serde's general path goes through a dict: ``read`` gives the record's primitives,
``from_primitives`` turns them into the event (and ``to_primitives`` then the writer the other
way). For a generated class read with its own schema, both halves fit in one function written
for the class: the fields are read into locals and set on the object's slots, logical values
converted inline (a UUID's text, a timestamp's milliseconds, an enum's symbol), with no dict
in between and no conversion function called per field. What it takes is a flat record whose
field types are primitives, logical types (uuid, timestamp, date), enums, ``[null, T]`` unions
of those, or arrays of primitives; anything else (nested records, maps, decimals...) keeps the
general path.

The class's side is inferred, not declared: its dataclass fields in order are the record's
fields in order, enums are the annotated ``enum.Enum`` classes whose values are the symbols,
arrays become tuples. Those are codegen's conventions, but the inference is a guess about
another module's code, so the serde checks each function once against the general path on
real data (:func:`same_event`) and keeps the general path on any difference.

Where accord's compiled codec is built (``_speedups.c``, see :mod:`accord.runtime.speedups`),
the same work is done in C from a table of the fields' kinds (:func:`_native_fields`), with
the same objects and bytes; the Python function is then the fallback (no compiler, or
``ACCORD_NO_SPEEDUPS=1``) and the oracle its tests compare it with.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import typing
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import fastavro

from accord.runtime import avro_io, avro_values
from accord.runtime.avro_io import (
    _Code,
    _Unsupported,
    _WriterCode,
    compile_function,
    without_logical_types,
)
from accord.runtime.speedups import _speedups

EventReader = Callable[[bytes], Any]
EventWriter = Callable[[Any], bytes]
_F = TypeVar("_F", EventReader, EventWriter)

_NAMESPACE: dict[str, Any] = {
    "new": object.__new__,
    "UUID": uuid.UUID,
    "UNKNOWN_SAFETY": uuid.SafeUUID.unknown,
    "set_uuid_int": vars(uuid.UUID)["int"].__set__,
    "set_uuid_safe": vars(uuid.UUID)["is_safe"].__set__,
    "uuid_from_text": avro_values.uuid_from_text,
    "uuid_text": avro_values.uuid_text,
    "EPOCH": avro_values.EPOCH,
    "EPOCH_NAIVE": avro_values.EPOCH_NAIVE,
    "MILLISECOND": avro_values.MILLISECOND,
    "MICROSECOND": avro_values.MICROSECOND,
    "timedelta": datetime.timedelta,
    "fromtimestamp": datetime.datetime.fromtimestamp,
    "UTC": avro_values.UTC,
    "FLOAT_EXACT_MS": avro_values.FLOAT_EXACT_MS,
    "date_from_days": avro_values.date_from_days,
    "date_out": avro_values.date_out,
}


@dataclasses.dataclass(frozen=True)
class _Field:
    attribute: str  # the class's slot
    nullable: bool  # a [null, T] union
    kind: Any  # T, logical type kept, a name resolved to what it names
    plain: Any  # the field's Avro type without logical types (what avro_io reads and writes)
    python: Any  # the attribute's resolved annotation

    @property
    def type(self) -> str:
        return self.kind if isinstance(self.kind, str) else str(self.kind.get("type"))

    @property
    def logical(self) -> str | None:
        return self.kind.get("logicalType") if isinstance(self.kind, dict) else None


def _fields(schema: Any, cls: type) -> list[_Field]:
    """The record's fields paired with the class's, in order; :class:`_Unsupported` when the
    class is not a dataclass with one field per Avro field."""
    named: dict[str, Any] = {}
    parsed = fastavro.parse_schema(schema, named, _write_hint=False)
    if not isinstance(parsed, dict) or parsed.get("type") not in ("record", "error"):
        raise _Unsupported("not a record")
    if not dataclasses.is_dataclass(cls):
        raise _Unsupported("not a dataclass")
    ours = [f for f in dataclasses.fields(cls) if f.init]
    avro = parsed["fields"]
    if len(ours) != len(avro):
        raise _Unsupported("field counts differ")
    try:
        hints = typing.get_type_hints(cls)
    except Exception as exc:  # annotations that do not resolve
        raise _Unsupported(f"annotations: {exc}") from None
    fields = []
    for mine, theirs in zip(ours, avro, strict=True):
        nullable, kind = _branch(theirs["type"])
        while isinstance(kind, str) and kind not in avro_io._PRIMITIVES:
            kind = named[kind]
        plain = without_logical_types(theirs["type"])
        fields.append(_Field(mine.name, nullable, kind, plain, hints.get(mine.name)))
    return fields


def _branch(schema: Any) -> tuple[bool, Any]:
    """(nullable, the non-null type) of a field type: ``[null, T]`` / ``[T, null]`` or T."""
    if isinstance(schema, list):
        kinds = [b if isinstance(b, str) else b.get("type") for b in schema]
        if len(schema) != 2 or kinds.count("null") != 1:
            raise _Unsupported("a union other than [null, T]")
        return True, schema[1 - kinds.index("null")]
    return False, schema


def _members(item: _Field) -> dict[str, enum.Enum]:
    """Symbol -> member of the enum class among the annotation (``E`` or ``E | None``)."""
    options = typing.get_args(item.python) or (item.python,)
    found = [o for o in options if isinstance(o, type) and issubclass(o, enum.Enum)]
    if len(found) != 1:
        raise _Unsupported("an enum field without an enum annotation")
    by_symbol = {m.value: m for m in found[0]}
    if any(s not in by_symbol for s in item.kind["symbols"]):
        raise _Unsupported("enum values are not the symbols")
    return by_symbol


def _check_array(item: _Field) -> None:
    items = item.kind.get("items")
    if not (isinstance(items, str) and items in avro_io._PRIMITIVES):
        raise _Unsupported("an array of other than primitives")


# logical type -> the expression of its value from the primitive in {} (reading), and back
_LOGICAL_IN = {
    "uuid": "uuid_from_text({})",
    "timestamp-millis": (  # avro_values.timestamp_from_millis, written out
        "(fromtimestamp({0} / 1000, UTC) if -FLOAT_EXACT_MS < {0} < FLOAT_EXACT_MS"
        " else EPOCH + timedelta(0, 0, 0, {0}))"
    ),
    "timestamp-micros": "EPOCH + timedelta(0, 0, {})",
    "date": "date_from_days({})",
}
_LOGICAL_OUT = {
    "uuid": "uuid_text({})",
    "timestamp-millis": "({0} - (EPOCH if {0}.tzinfo is not None else EPOCH_NAIVE)) // MILLISECOND",
    "timestamp-micros": "({0} - (EPOCH if {0}.tzinfo is not None else EPOCH_NAIVE)) // MICROSECOND",
    "date": "date_out({})",
}


class _EventReaderCode(_Code):
    """Reads one field at a time into a local and sets the slot with the converted value."""

    def field(self, item: _Field, setter: str) -> None:
        value = self.var("f")
        self.read(item.plain, 1, value)
        logical = item.logical
        if logical == "uuid" and not item.nullable:
            self.uuid(value)
            converted = value
        elif logical in _LOGICAL_IN:
            converted = _LOGICAL_IN[logical].format(value)
        elif logical is not None:
            raise _Unsupported(f"logical type {logical}")
        elif item.type == "enum":
            converted = f"{self.constant(_members(item))}[{value}]"
        elif item.type == "array":
            _check_array(item)
            converted = f"tuple({value})"
        elif item.type in avro_io._PRIMITIVES:
            converted = value
        else:
            raise _Unsupported(f"a field of type {item.type}")
        if item.nullable and converted != value:
            converted = f"None if {value} is None else {converted}"
        self.emit(1, f"{setter}(self, {converted})")

    def uuid(self, value: str) -> None:
        # avro_values.uuid_from_text, written out.
        digits = self.var("d")
        self.emit(1, f"{digits} = {value}.replace('-', '')")
        self.emit(1, f"if len({digits}) == 32:")
        self.emit(2, f"{value} = new(UUID)")
        self.emit(2, f"set_uuid_int({value}, int({digits}, 16))")
        self.emit(2, f"set_uuid_safe({value}, UNKNOWN_SAFETY)")
        self.emit(1, "else:")
        self.emit(2, f"{value} = UUID({value})")


class _EventWriterCode(_WriterCode):
    """Reads one slot at a time, converts it to its primitive and writes it."""

    def field(self, item: _Field) -> None:
        value = self.var("f")
        self.emit(1, f"{value} = event.{item.attribute}")
        logical = item.logical
        if logical in _LOGICAL_OUT:
            converted = _LOGICAL_OUT[logical].format(value)
        elif logical is not None:
            raise _Unsupported(f"logical type {logical}")
        elif item.type == "enum":
            _members(item)
            converted = f"{value}.value"
        elif item.type == "array":
            _check_array(item)
            converted = value
        elif item.type in avro_io._PRIMITIVES:
            converted = value
        else:
            raise _Unsupported(f"a field of type {item.type}")
        if converted != value:
            if item.nullable:
                converted = f"None if {value} is None else {converted}"
            self.emit(1, f"{value} = {converted}")
        self.write(item.plain, 1, value)


def _slots(cls: type, fields: list[_Field]) -> list[Any]:
    """Each field's slot: the member descriptor whose ``__set__`` is a frozen class's way in."""
    slots = []
    for item in fields:
        slot = next(
            (k.__dict__[item.attribute] for k in cls.__mro__ if item.attribute in k.__dict__),
            None,
        )
        if slot is None or not hasattr(slot, "__set__") or hasattr(slot, "fget"):
            raise _Unsupported(f"{item.attribute} is not a slot")
        slots.append(slot)
    return slots


def _setters(cls: type, fields: list[_Field]) -> dict[str, Any]:
    """``S0``, ``S1``...: the ``__set__`` of each field's slot."""
    return {f"S{i}": slot.__set__ for i, slot in enumerate(_slots(cls, fields))}


# --- the compiled codec's tables (see _speedups.c) ---------------------------------------------

_KINDS = {
    "null": 0,
    "boolean": 1,
    "int": 2,
    "long": 2,
    "float": 3,
    "double": 4,
    "bytes": 5,
    "string": 6,
}
_ENUM, _ARRAY = 7, 12
# logical type -> (its kind, the primitive it is written as)
_LOGICAL_KINDS = {
    "uuid": (8, "string"),
    "timestamp-millis": (9, "long"),
    "timestamp-micros": (10, "long"),
    "date": (11, "int"),
}
# What the C code calls for what it does not convert itself: a reader, for a UUID's text in
# another form than 32 hex digits and dashes; a writer, for a logical value of another type
# than the usual one (a UUID subclass, a datetime in another time zone...).
_READ_CONVERTERS: dict[str, Callable[[Any], Any]] = {"uuid": avro_values.uuid_from_text}
_WRITE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "uuid": avro_values.uuid_text,
    "timestamp-millis": avro_values.timestamp_millis_out,
    "timestamp-micros": avro_values.timestamp_micros_out,
    "date": avro_values.date_out,
}


def _native_fields(
    fields: list[_Field], targets: list[Any], *, reading: bool
) -> tuple[tuple[Any, ...], ...]:
    """The compiled codec's table: per field (kind, nullable, null's branch, an array's item
    kind, its target, the enum's members, their indexes as Avro bytes, symbol -> those bytes,
    a converter), the same choices :class:`_EventReaderCode` makes, the same refusals. A
    field's target is its slot (a reader sets it) or its attribute's name (a writer reads it)."""
    converters = _READ_CONVERTERS if reading else _WRITE_CONVERTERS
    table = []
    for item, target in zip(fields, targets, strict=True):
        logical = item.logical
        members: Any = None
        encoded: Any = None
        by_symbol: Any = None
        convert: Any = None
        item_kind = 0
        if logical is not None:
            if logical not in _LOGICAL_KINDS or _LOGICAL_KINDS[logical][1] != item.type:
                raise _Unsupported(f"logical type {logical} on {item.type}")
            kind = _LOGICAL_KINDS[logical][0]
            convert = converters.get(logical)
        elif item.type == "enum":
            by_member = _members(item)
            symbols = item.kind["symbols"]
            kind = _ENUM
            members = tuple(by_member[s] for s in symbols)
            encoded = tuple(avro_io.long_bytes(i) for i in range(len(symbols)))
            by_symbol = dict(zip(symbols, encoded, strict=True))
        elif item.type == "array":
            _check_array(item)
            kind, item_kind = _ARRAY, _KINDS[item.kind["items"]]
        elif item.type in _KINDS:
            kind = _KINDS[item.type]
        else:
            raise _Unsupported(f"a field of type {item.type}")
        null = 0
        if item.nullable:
            branches = [b if isinstance(b, str) else b.get("type") for b in item.plain]
            null = branches.index("null")
        table.append(
            (kind, item.nullable, null, item_kind, target, members, encoded, by_symbol, convert)
        )
    return tuple(table)


_ERRORS = (_Unsupported, KeyError, TypeError, ValueError, AttributeError)


def _prepared(schema: Any, cls: type) -> tuple[list[_Field], dict[str, Any]]:
    """The record's fields paired with the class's, and the named types of the schema without
    its logical types (what the code avro_io writes resolves names in)."""
    named: dict[str, Any] = {}
    fastavro.parse_schema(without_logical_types(schema), named)
    return _fields(schema, cls), named


def event_reader(
    schema: Any, cls: type, start: int, *, native: bool | None = None
) -> EventReader | None:
    """``read(data) -> event`` for a body from ``start`` to the end of ``data`` written with
    ``cls``'s own ``schema`` (an Avro record, logical types kept), or None when the class or
    the schema is not one it writes for (see the module docstring). A body that does not end
    where the data does (cut short, or followed by more bytes) raises. ``native``: the
    compiled codec (True: only it; False: only the Python function; None: it when built)."""
    return _chosen(
        native,
        lambda: _compiled_reader(schema, cls, start),
        lambda: _written_reader(schema, cls, start),
    )


def event_writer(
    schema: Any, cls: type, header: bytes, *, native: bool | None = None
) -> EventWriter | None:
    """``encode(event) -> header + Avro body`` for events of ``cls`` written with its own
    ``schema``, or None (as :func:`event_reader`, ``native`` too)."""
    return _chosen(
        native,
        lambda: _compiled_writer(schema, cls, header),
        lambda: _written_writer(schema, cls, header),
    )


def _chosen(
    native: bool | None, compiled: Callable[[], _F | None], written: Callable[[], _F | None]
) -> _F | None:
    """The compiled codec's function where it is built and wanted and takes the class, else
    (unless ``native`` asks for the compiled one alone) the Python function written for it."""
    if native is not False and _speedups is not None:
        found = compiled()
        if found is not None or native:
            return found
    elif native:
        return None
    return written()


def _compiled_reader(schema: Any, cls: type, start: int) -> EventReader | None:
    if _speedups is None:
        return None
    try:
        fields = _fields(schema, cls)
        table = _native_fields(fields, _slots(cls, fields), reading=True)
    except _ERRORS:
        return None
    read: EventReader = _speedups.EventReader(table, cls, start)
    return read


def _compiled_writer(schema: Any, cls: type, header: bytes) -> EventWriter | None:
    if _speedups is None:
        return None
    try:
        fields = _fields(schema, cls)
        table = _native_fields(fields, [item.attribute for item in fields], reading=False)
    except _ERRORS:
        return None
    encode: EventWriter = _speedups.EventWriter(table, header)
    return encode


def _written_reader(schema: Any, cls: type, start: int) -> EventReader | None:
    try:
        fields, named = _prepared(schema, cls)
        code = _EventReaderCode(named)
        setters = _setters(cls, fields)
        for i, item in enumerate(fields):
            code.field(item, f"S{i}")
    except _ERRORS:
        return None
    source = "\n".join(
        [
            "def read(data):",
            "    pos = START",
            "    self = new(CLS)",
            *code.lines,
            "    if pos != len(data):",
            "        raise ValueError(f'the body ends at byte {pos} of {len(data)}')",
            "    return self",
        ]
    )
    namespace = {**_NAMESPACE, **avro_io.READER_NAMESPACE, **code.constants, **setters}
    namespace["CLS"] = cls
    namespace["START"] = start
    read: EventReader | None = compile_function(
        source, "<accord avro event reader>", namespace, "read"
    )
    return read


def _written_writer(schema: Any, cls: type, header: bytes) -> EventWriter | None:
    try:
        fields, named = _prepared(schema, cls)
        code = _EventWriterCode(named)
        for item in fields:
            code.field(item)
    except _ERRORS:
        return None
    source = "\n".join(
        [
            "def encode(event):",
            "    parts = [HEADER]",
            "    a = parts.append",
            *code.lines,
            "    return b''.join(parts)",
        ]
    )
    namespace = {**_NAMESPACE, **avro_io.WRITER_NAMESPACE, **code.constants, "HEADER": header}
    encode: EventWriter | None = compile_function(
        source, "<accord avro event writer>", namespace, "encode"
    )
    return encode


def same_event(one: Any, other: Any) -> bool:
    """The same class, and every field equal and of the same type (``==`` alone would take
    a list for a tuple, or 1 for True)."""
    if type(one) is not type(other) or not dataclasses.is_dataclass(one):
        return False
    for item in dataclasses.fields(one):
        mine, theirs = getattr(one, item.name), getattr(other, item.name)
        if type(mine) is not type(theirs) or mine != theirs:
            return False
    return True
