"""The compiled event codec (``accord.runtime._speedups``) against the Python functions
avro_events writes, which are the reference.

The contract: for every input, the native reader/writer gives exactly what the Python one
gives (the same bytes; decoded events equal field by field, types included) or raises (the
serde then falls back to its general path, which explains the error). Where the Python
function raises, the native one raises too. It never crashes, hangs or returns a wrong value.

Checked on every Avro event of the reference and golden packages, on purpose-built classes
holding every field kind the compiled codec's table takes, on edge values (long and
datetime range ends, NaN, lone surrogates, other time zones, subclasses, UUID text in
unusual forms...), on fuzzed bodies (random bytes, flipped, cut and extended encodings) and on
arrays written in several blocks or declaring more items than their bytes hold.
"""

from __future__ import annotations

import array
import dataclasses
import datetime
import enum
import functools
import io
import json
import math
import os
import string
import struct
import subprocess
import sys
import textwrap
import typing
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

import fastavro
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.runtime import avro_events, avro_io, avro_values, speedups
from accord.runtime.wire import HEADER_SIZE
from services.user.contracts import UserStatus, UserUpdated
from tests.conftest import ROOT
from tests.unit.runtime.test_avro_events import AVRO, IDS, PACKAGES

pytestmark = pytest.mark.skipif(
    not speedups.AVAILABLE, reason="accord's C speedups (accord.runtime._speedups) are not built"
)

HEADER = b"\x00\x00\x00\x00\x07"
assert len(HEADER) == HEADER_SIZE
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PER_CLASS = settings(FUZZ, max_examples=100)
UTC = datetime.UTC
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
# The first and last millisecond / microsecond / day a datetime holds, from the epoch.
MIN_MS = (datetime.datetime.min.replace(tzinfo=UTC) - avro_values.EPOCH) // datetime.timedelta(
    milliseconds=1
)
MAX_MS = (datetime.datetime.max.replace(tzinfo=UTC) - avro_values.EPOCH) // datetime.timedelta(
    milliseconds=1
)
MIN_US, MAX_US = MIN_MS * 1000, MAX_MS * 1000 + 999
MIN_DAY = datetime.date.min.toordinal() - EPOCH_ORDINAL
MAX_DAY = datetime.date.max.toordinal() - EPOCH_ORDINAL

Reader = Callable[[bytes], Any]
Writer = Callable[[Any], bytes]


def _long(n: int) -> bytes:
    """``n`` as Avro writes a long (a zig-zag varint)."""
    return avro_io.long_bytes(n)


def _sized(raw: bytes) -> bytes:
    return _long(len(raw)) + raw


# --- the reference and golden packages ------------------------------------------------------

# The same classes as test_avro_events: every Avro event of the reference and golden packages.


# --- purpose-built classes: every field kind the compiled codec's table takes ---------------


class Color(enum.Enum):
    RED = "RED"
    GREEN = "GREEN"
    BLUE = "BLUE"


class OtherColor(enum.Enum):  # another class, one value in common with Color
    RED = "RED"
    PURPLE = "PURPLE"


UUID_TYPE = {"type": "string", "logicalType": "uuid"}
MILLIS = {"type": "long", "logicalType": "timestamp-millis"}
MICROS = {"type": "long", "logicalType": "timestamp-micros"}
DATE = {"type": "int", "logicalType": "date"}
COLOR = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}


def _array(items: str) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _record(name: str, fields: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "type": "record",
        "name": name,
        "namespace": "test.native",
        "fields": [{"name": n, "type": t} for n, t in fields],
    }


@dataclasses.dataclass(frozen=True, slots=True)
class Everything:
    nothing: None
    flag: bool
    small: int
    big: int
    single: float
    double: float
    raw: bytes
    text: str
    color: Color
    ident: uuid.UUID
    at_ms: datetime.datetime
    at_us: datetime.datetime
    day: datetime.date
    flags: tuple[bool, ...]
    smalls: tuple[int, ...]
    bigs: tuple[int, ...]
    singles: tuple[float, ...]
    doubles: tuple[float, ...]
    raws: tuple[bytes, ...]
    texts: tuple[str, ...]
    maybe_flag: bool | None
    maybe_small: int | None
    maybe_big: int | None
    maybe_single: float | None
    maybe_double: float | None
    maybe_raw: bytes | None
    maybe_text: str | None
    maybe_ident: uuid.UUID | None
    maybe_at_ms: datetime.datetime | None
    maybe_at_us: datetime.datetime | None
    maybe_day: datetime.date | None
    maybe_texts: tuple[str, ...] | None
    maybe_bigs: tuple[int, ...] | None


EVERYTHING_SCHEMA = _record(
    "Everything",
    [
        ("nothing", "null"),
        ("flag", "boolean"),
        ("small", "int"),
        ("big", "long"),
        ("single", "float"),
        ("double", "double"),
        ("raw", "bytes"),
        ("text", "string"),
        ("color", COLOR),
        ("ident", UUID_TYPE),
        ("at_ms", MILLIS),
        ("at_us", MICROS),
        ("day", DATE),
        ("flags", _array("boolean")),
        ("smalls", _array("int")),
        ("bigs", _array("long")),
        ("singles", _array("float")),
        ("doubles", _array("double")),
        ("raws", _array("bytes")),
        ("texts", _array("string")),
        ("maybe_flag", ["null", "boolean"]),
        ("maybe_small", ["int", "null"]),
        ("maybe_big", ["null", "long"]),
        ("maybe_single", ["float", "null"]),
        ("maybe_double", ["null", "double"]),
        ("maybe_raw", ["bytes", "null"]),
        ("maybe_text", ["null", "string"]),
        ("maybe_ident", ["null", UUID_TYPE]),
        ("maybe_at_ms", [MILLIS, "null"]),
        ("maybe_at_us", ["null", MICROS]),
        ("maybe_day", [DATE, "null"]),
        ("maybe_texts", ["null", _array("string")]),
        ("maybe_bigs", [_array("long"), "null"]),
    ],
)
FIELDS = [f.name for f in dataclasses.fields(Everything)]


@dataclasses.dataclass(frozen=True, slots=True)
class Nulls:
    """Arrays of nulls: items of no bytes, which the Python reader loops over however many a
    block declares (so it is kept out of the fuzzing)."""

    nulls: tuple[None, ...]
    tail: int


NULLS_SCHEMA = _record("Nulls", [("nulls", _array("null")), ("tail", "long")])


@dataclasses.dataclass(frozen=True, slots=True)
class MaybeColor:
    first: Color | None
    last: Color | None


MAYBE_COLOR_SCHEMA = _record(
    "MaybeColor", [("first", ["null", COLOR]), ("last", ["Color", "null"])]
)


@dataclasses.dataclass(frozen=True)
class Codecs:
    python_read: Reader
    native_read: Reader
    python_write: Writer
    native_write: Writer


@functools.cache
def _codecs_for(schema_text: str, cls: type) -> Codecs:
    schema = json.loads(schema_text)
    python_read = avro_events.event_reader(schema, cls, HEADER_SIZE, native=False)
    native_read = avro_events.event_reader(schema, cls, HEADER_SIZE, native=True)
    python_write = avro_events.event_writer(schema, cls, HEADER, native=False)
    native_write = avro_events.event_writer(schema, cls, HEADER, native=True)
    assert python_read is not None
    assert native_read is not None
    assert python_write is not None
    assert native_write is not None
    return Codecs(python_read, native_read, python_write, native_write)


def _codecs(schema: Any, cls: type) -> Codecs:
    return _codecs_for(json.dumps(schema), cls)


def everything() -> Codecs:
    return _codecs(EVERYTHING_SCHEMA, Everything)


def user_updated() -> Codecs:
    return _codecs(json.loads(UserUpdated.SCHEMA), UserUpdated)


# --- comparing outcomes ---------------------------------------------------------------------


def _same_value(one: Any, other: Any) -> bool:
    """Equal and of the same type, a NaN counting as equal to a NaN."""
    if type(one) is not type(other):
        return False
    if isinstance(one, float) and math.isnan(one):
        return math.isnan(other)
    if isinstance(one, tuple):
        return len(one) == len(other) and all(map(_same_value, one, other))
    return bool(one == other)


def _same(one: Any, other: Any) -> bool:
    """avro_events.same_event, but NaN == NaN (decoded events are compared on their bytes
    then: see the callers)."""
    if avro_events.same_event(one, other):
        return True
    return type(one) is type(other) and all(
        _same_value(getattr(one, f.name), getattr(other, f.name)) for f in dataclasses.fields(one)
    )


@dataclasses.dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: Exception | None = None

    @property
    def raised(self) -> bool:
        return self.error is not None


def _run(function: Callable[[Any], Any], argument: Any) -> Outcome:
    try:
        return Outcome(value=function(argument))
    except Exception as exc:  # the contract: any Exception; a BaseException propagates
        return Outcome(error=exc)


def _readers_agree(codecs: Codecs, data: bytes) -> Outcome:
    """The contract for reading ``data``: the native reader raises, or returns what the Python
    reader returns; it raises when the Python reader does."""
    expected = _run(codecs.python_read, data)
    got = _run(codecs.native_read, data)
    if expected.raised:
        assert got.raised, f"{data.hex()}: Python raised {expected.error!r}, native read {got}"
    elif not got.raised:
        assert _same(got.value, expected.value), f"{data.hex()}: {got.value} != {expected.value}"
    return expected


def _writers_agree(codecs: Codecs, event: Any) -> Outcome:
    """The same contract for writing ``event``; what the Python writer gives (or raised)."""
    expected = _run(codecs.python_write, event)
    got = _run(codecs.native_write, event)
    if expected.raised:
        assert got.raised, f"{event}: Python raised {expected.error!r}, native wrote {got.value!r}"
    elif not got.raised:
        assert got.value == expected.value, f"{event}: {got.value!r} != {expected.value!r}"
    return expected


def _writes_the_same(codecs: Codecs, event: Any, *, read_back: bool = True) -> bytes:
    """Both writers succeed with the same bytes (no fallback expected for this value), and
    both readers read them back to the same event (``read_back``; else they agree, a value
    out of the datetime range raising in both)."""
    expected = codecs.python_write(event)
    assert codecs.native_write(event) == expected
    if not read_back:
        _readers_agree(codecs, expected)
        return expected
    python, native = codecs.python_read(expected), codecs.native_read(expected)
    assert _same(native, python)
    assert codecs.native_write(native) == codecs.python_write(python) == expected
    return expected


def _both_raise(codecs: Codecs, event: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017,PT011 - any exception is the contract
        codecs.python_write(event)
    with pytest.raises(Exception):  # noqa: B017,PT011
        codecs.native_write(event)


def _both_refuse(codecs: Codecs, data: bytes) -> None:
    with pytest.raises(Exception):  # noqa: B017,PT011
        codecs.python_read(data)
    with pytest.raises(Exception):  # noqa: B017,PT011
        codecs.native_read(data)


# --- strategies -----------------------------------------------------------------------------

LONG_EDGES = [LONG_MIN, LONG_MIN + 1, LONG_MAX, LONG_MAX - 1, 0, -1, 63, 64, -64, -65]
LONGS = st.sampled_from(LONG_EDGES) | st.integers(LONG_MIN, LONG_MAX)
INTS = st.sampled_from([-(2**31), 2**31 - 1, 0]) | st.integers(-(2**31), 2**31 - 1)
SINGLES = st.floats(width=32)  # inf and nan included
DOUBLES = st.floats()
TEXTS = st.text(st.characters(codec="utf-8"), max_size=12)  # no surrogates
SURROGATE_TEXTS = st.builds(
    lambda head, bad, tail: head + bad + tail,
    TEXTS,
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    TEXTS,
)
RAWS = st.binary(max_size=12)
MILLI_TIMES = st.datetimes(timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
)
MICRO_TIMES = st.datetimes(timezones=st.just(UTC))
DATES = st.dates()


def _tuples(items: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(items, max_size=4).map(tuple)


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | values


EVERYTHINGS = st.builds(
    Everything,
    nothing=st.none(),
    flag=st.booleans(),
    small=INTS,
    big=LONGS,
    single=SINGLES,
    double=DOUBLES,
    raw=RAWS,
    text=TEXTS,
    color=st.sampled_from(Color),
    ident=st.uuids(),
    at_ms=MILLI_TIMES,
    at_us=MICRO_TIMES,
    day=DATES,
    flags=_tuples(st.booleans()),
    smalls=_tuples(INTS),
    bigs=_tuples(LONGS),
    singles=_tuples(SINGLES),
    doubles=_tuples(DOUBLES),
    raws=_tuples(RAWS),
    texts=_tuples(TEXTS),
    maybe_flag=_maybe(st.booleans()),
    maybe_small=_maybe(INTS),
    maybe_big=_maybe(LONGS),
    maybe_single=_maybe(SINGLES),
    maybe_double=_maybe(DOUBLES),
    maybe_raw=_maybe(RAWS),
    maybe_text=_maybe(TEXTS),
    maybe_ident=_maybe(st.uuids()),
    maybe_at_ms=_maybe(MILLI_TIMES),
    maybe_at_us=_maybe(MICRO_TIMES),
    maybe_day=_maybe(DATES),
    maybe_texts=_maybe(_tuples(TEXTS)),
    maybe_bigs=_maybe(_tuples(LONGS)),
)

BASE = Everything(
    nothing=None,
    flag=True,
    small=-7,
    big=2**40,
    single=1.5,
    double=-2.25,
    raw=b"\x00\xff",
    text="caf\u00e9 \u2603",
    color=Color.GREEN,
    ident=uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF),
    at_ms=datetime.datetime(2026, 11, 26, 12, 0, 0, 123000, tzinfo=UTC),
    at_us=datetime.datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=UTC),
    day=datetime.date(2026, 11, 26),
    flags=(True, False),
    smalls=(1, -1),
    bigs=(LONG_MIN, LONG_MAX),
    singles=(0.5,),
    doubles=(math.pi,),
    raws=(b"", b"x"),
    texts=("a", "\U0001f600"),
    maybe_flag=False,
    maybe_small=None,
    maybe_big=3,
    maybe_single=None,
    maybe_double=0.0,
    maybe_raw=b"",
    maybe_text=None,
    maybe_ident=uuid.UUID(int=1),
    maybe_at_ms=None,
    maybe_at_us=datetime.datetime(1900, 1, 1, tzinfo=UTC),
    maybe_day=None,
    maybe_texts=("z",),
    maybe_bigs=None,
)


def _with(**changes: Any) -> Everything:
    return dataclasses.replace(BASE, **changes)


# Values of other types than a field's, or at its edges: drawn into any field.


class UUIDChild(uuid.UUID):
    __slots__ = ()


class LoudUUID(uuid.UUID):
    __slots__ = ()

    def __str__(self) -> str:
        return "loud-" + super().__str__()


class DateTimeChild(datetime.datetime):
    pass


class DateChild(datetime.date):
    pass


class IntChild(int):
    pass


class TextChild(str):
    __slots__ = ()


class NoOffset(datetime.tzinfo):
    """An aware-looking datetime whose offset is unknown (it subtracts as naive)."""

    def utcoffset(self, dt: datetime.datetime | None) -> None:
        return None

    def dst(self, dt: datetime.datetime | None) -> None:
        return None

    def tzname(self, dt: datetime.datetime | None) -> None:
        return None

    def __repr__(self) -> str:  # a stable test id (pytest-xdist compares them across workers)
        return "NoOffset()"


class Falsy:
    def __bool__(self) -> bool:
        return False


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")

    def __bool__(self) -> bool:
        raise RuntimeError("no truth")


ZONES: list[datetime.tzinfo | None] = [
    None,
    UTC,
    datetime.timezone(datetime.timedelta(hours=5)),
    datetime.timezone(datetime.timedelta(hours=-9, minutes=-30)),
    datetime.timezone(datetime.timedelta(0), "UTC"),  # UTC, but not the singleton
    zoneinfo.ZoneInfo("UTC"),
    zoneinfo.ZoneInfo("Europe/Paris"),
    NoOffset(),
]
ANY_TIMES = st.datetimes(timezones=st.sampled_from(ZONES))


def _child(value: datetime.datetime) -> DateTimeChild:
    return DateTimeChild(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        value.tzinfo,
        fold=value.fold,
    )


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    LONGS,
    st.integers(-(2**65), 2**65),
    st.sampled_from([LONG_MIN - 1, LONG_MAX + 1, 2**64, 10**400]),
    st.builds(IntChild, LONGS),
    DOUBLES,
    st.sampled_from([1e39, -1e39, 3.4028234663852886e38, 1e-46, math.inf, -math.nan]),
    TEXTS,
    SURROGATE_TEXTS,
    st.builds(TextChild, TEXTS),
    RAWS,
    RAWS.map(bytearray),
    RAWS.map(lambda raw: memoryview(raw)),
    st.just(memoryview(b"abcdef")[::2]),  # not contiguous
    st.sampled_from(Color),
    st.sampled_from([c.value for c in Color] + ["PURPLE", ""]),
    st.sampled_from(OtherColor),
    st.uuids(),
    st.uuids().map(lambda u: UUIDChild(int=u.int)),
    st.uuids().map(lambda u: LoudUUID(int=u.int)),
    st.uuids().map(str),
    ANY_TIMES,
    ANY_TIMES.map(_child),
    DATES,
    DATES.map(lambda d: DateChild(d.year, d.month, d.day)),
    st.builds(Falsy),
    st.builds(Unprintable),
    st.builds(object),
)
EXOTIC = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.lists(SCALARS, max_size=3).map(tuple),
    st.frozensets(st.integers(-5, 5), max_size=3),
    st.dictionaries(TEXTS, st.integers(), max_size=2),
)


# === 1. every Avro event of the reference and golden packages ===============================


@pytest.mark.parametrize(("package", "cls"), AVRO, ids=IDS)
def test_native_functions_exist_exactly_where_the_python_ones_do(
    package: str, cls: type[Any]
) -> None:
    schema = json.loads(cls.SCHEMA)
    python_read = avro_events.event_reader(schema, cls, HEADER_SIZE, native=False)
    native_read = avro_events.event_reader(schema, cls, HEADER_SIZE, native=True)
    python_write = avro_events.event_writer(schema, cls, HEADER, native=False)
    native_write = avro_events.event_writer(schema, cls, HEADER, native=True)
    assert (native_read is None) == (python_read is None)
    assert (native_write is None) == (python_write is None)
    # The default picks the compiled codec where it is built.
    default_read = avro_events.event_reader(schema, cls, HEADER_SIZE)
    default_write = avro_events.event_writer(schema, cls, HEADER)
    assert type(default_read) is type(native_read) or native_read is None
    assert type(default_write) is type(native_write) or native_write is None


COVERED = [
    (name, cls)
    for name, cls in AVRO
    if avro_events.event_reader(json.loads(cls.SCHEMA), cls, HEADER_SIZE, native=True)
    or avro_events.event_writer(json.loads(cls.SCHEMA), cls, HEADER, native=True)
]


def test_the_reference_user_events_are_covered() -> None:
    assert {cls.EVENT_NAME for name, cls in COVERED if name == "services/user"} >= {
        "UserCreated",
        "UserUpdated",
    }


@pytest.mark.parametrize(
    ("package", "cls"), COVERED, ids=[f"{n}:{c.EVENT_NAME}" for n, c in COVERED]
)
@PER_CLASS
@given(data=st.data())
def test_native_and_python_agree_on_the_package_events(
    package: str, cls: type[Any], data: st.DataObject
) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    codecs = _codecs(json.loads(cls.SCHEMA), cls)
    encoded = codecs.python_write(event)
    assert codecs.native_write(event) == encoded
    python, native = codecs.python_read(encoded), codecs.native_read(encoded)
    assert avro_events.same_event(python, event)
    assert avro_events.same_event(native, event)
    assert avro_events.same_event(native, python)
    for wrong in (encoded + b"\x00", encoded[:-1]):
        _both_refuse(codecs, wrong)


# === 2. fuzzing the readers ==================================================================

FUZZED = {"UserUpdated": user_updated, "Everything": everything}
EVENTS: dict[str, st.SearchStrategy[Any]] = {
    "UserUpdated": PACKAGES["services/user"].instances().event(UserUpdated),
    "Everything": EVERYTHINGS,
}


@pytest.mark.parametrize("name", sorted(FUZZED))
@FUZZ
@given(data=st.binary(max_size=96), framed=st.booleans())
def test_readers_agree_on_random_bytes(name: str, data: bytes, framed: bool) -> None:
    _readers_agree(FUZZED[name](), HEADER + data if framed else data)


@st.composite
def _mutated(draw: st.DrawFn, encoded: bytes) -> bytes:
    """``encoded`` with a few bytes flipped, cut, inserted or appended."""
    data = bytearray(encoded)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "set", "cut", "append", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "set" and data:
            data[at] = draw(st.sampled_from([0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x81]))
        elif how == "cut":
            del data[at:]
        elif how == "append":
            data += draw(st.binary(min_size=1, max_size=8))
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=10))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 4))]
    return bytes(data)


@pytest.mark.parametrize("name", sorted(FUZZED))
@FUZZ
@given(data=st.data())
def test_readers_agree_on_damaged_encodings(name: str, data: st.DataObject) -> None:
    codecs = FUZZED[name]()
    event = data.draw(EVENTS[name])
    encoded = codecs.python_write(event)
    _readers_agree(codecs, encoded)
    _readers_agree(codecs, data.draw(_mutated(encoded)))


def test_readers_refuse_data_shorter_than_the_header() -> None:
    for name in FUZZED:
        codecs = FUZZED[name]()
        for data in (b"", HEADER[:3], HEADER):
            _both_refuse(codecs, data)


# === 3. the purpose-built class: round trips and edges ======================================


def test_the_table_covers_every_field_kind() -> None:
    codecs = everything()
    assert type(codecs.native_read).__module__ == "accord.runtime._speedups"
    assert type(codecs.native_write).__module__ == "accord.runtime._speedups"
    assert type(codecs.python_read).__name__ == "function"
    _writes_the_same(codecs, BASE)


@FUZZ
@given(event=EVERYTHINGS)
def test_everything_round_trips_the_same_both_ways(event: Everything) -> None:
    codecs = everything()
    encoded = codecs.python_write(event)
    assert codecs.native_write(event) == encoded  # NaNs included: bytes compared
    python, native = codecs.python_read(encoded), codecs.native_read(encoded)
    assert _same(python, event)
    assert _same(native, event)
    assert _same(native, python)
    # A NaN decodes to a NaN; its bits are the same on both sides as the bytes are.
    assert codecs.native_write(native) == codecs.python_write(python)
    _both_refuse(codecs, encoded + b"\x00")


@settings(FUZZ, max_examples=200)
@given(field=st.sampled_from(FIELDS), value=EXOTIC)
def test_writers_agree_on_any_value_in_any_field(field: str, value: Any) -> None:
    codecs = everything()
    outcome = _writers_agree(codecs, _with(**{field: value}))
    if not outcome.raised:
        _readers_agree(codecs, outcome.value)


# longs


@pytest.mark.parametrize(
    "value", [LONG_MIN, LONG_MIN + 1, LONG_MAX, LONG_MAX - 1, 0, -1, 63, 64, -64, -65]
)
@pytest.mark.parametrize("field", ["small", "big", "maybe_big", "maybe_small"])
def test_longs_at_the_edges(field: str, value: int) -> None:
    codecs = everything()
    encoded = _writes_the_same(codecs, _with(**{field: value}))
    assert getattr(codecs.native_read(encoded), field) == value


@pytest.mark.parametrize("value", [LONG_MIN - 1, LONG_MAX + 1, 2**64, -(2**64), 10**40])
@pytest.mark.parametrize("field", ["small", "big", "maybe_big"])
def test_longs_out_of_range_raise(field: str, value: int) -> None:
    _both_raise(everything(), _with(**{field: value}))
    _both_raise(everything(), _with(bigs=(1, value)))


@pytest.mark.parametrize("value", [True, False, IntChild(5), IntChild(LONG_MIN)])
def test_bools_and_int_subclasses_as_longs(value: int) -> None:
    codecs = everything()
    _writes_the_same(codecs, _with(big=value, maybe_big=value, bigs=(value, value)))


@pytest.mark.parametrize("value", [1.0, 2.5, "1", b"1", None, Color.RED])
def test_non_ints_as_longs_raise(value: Any) -> None:
    _both_raise(everything(), _with(big=value))
    _both_raise(everything(), _with(bigs=(value,)))


class Index:
    """An int in all but name: ``__index__`` only (no comparisons)."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value


def test_index_objects_as_longs_raise_as_in_python() -> None:
    codecs = everything()
    with pytest.raises(TypeError):
        codecs.python_write(_with(big=Index(5)))
    _writers_agree(codecs, _with(big=Index(5)))


# floats


@pytest.mark.parametrize(
    "value",
    [math.inf, -math.inf, math.nan, -math.nan, 0.0, -0.0, 5e-324, 1.401298464324817e-45, 7, True],
)
def test_special_floats(value: float) -> None:
    codecs = everything()
    event = _with(
        single=value,
        double=value,
        singles=(value,),
        doubles=(value, 1.0),
        maybe_single=value,
        maybe_double=value,
    )
    encoded = codecs.python_write(event)
    assert codecs.native_write(event) == encoded
    assert codecs.native_write(codecs.native_read(encoded)) == encoded
    assert _same(codecs.native_read(encoded), codecs.python_read(encoded))


@pytest.mark.parametrize("value", [1e39, -1e39, 10**400, "1.0", None])
def test_floats_that_do_not_fit_raise(value: Any) -> None:
    _both_raise(everything(), _with(single=value))
    _both_raise(everything(), _with(singles=(value,)))


@pytest.mark.parametrize("value", [10**400, "1.0", None, b""])
def test_doubles_that_do_not_fit_raise(value: Any) -> None:
    _both_raise(everything(), _with(double=value))


# strings and bytes


@pytest.mark.parametrize("text", ["", "\u00e9t\u00e9", "\u2603\U0001f600", "\x00", "a" * 300])
def test_non_ascii_strings(text: str) -> None:
    codecs = everything()
    encoded = _writes_the_same(codecs, _with(text=text, texts=(text,), maybe_text=text))
    assert codecs.native_read(encoded).text == text


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\udc80\ud83d"])
@pytest.mark.parametrize("field", ["text", "maybe_text"])
def test_lone_surrogates_raise(field: str, text: str) -> None:
    _both_raise(everything(), _with(**{field: text}))
    _both_raise(everything(), _with(texts=("ok", text)))


def test_strings_that_are_not_utf8_are_refused() -> None:
    codecs = everything()
    encoded = codecs.python_write(_with(text="ab"))
    at = encoded.index(_sized(b"ab"))
    for bad in (b"\xff\xfe", b"\xed\xa0", b"\xc3("):
        _both_refuse(codecs, encoded[:at] + _sized(bad) + encoded[at + 3 :])


def test_str_subclasses_write_their_text() -> None:
    # The native writer leaves a str subclass (its own encode() may differ) to the general path.
    _writers_agree(everything(), _with(text=TextChild("abc"), texts=(TextChild("d"),)))


class EncodesOtherwise(str):
    __slots__ = ()

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        return b"other"


def test_str_subclasses_overriding_encode() -> None:
    _writers_agree(everything(), _with(text=EncodesOtherwise("abc")))


@pytest.mark.parametrize(
    "value", [bytearray(b"\x00ab"), memoryview(b"\x00ab"), memoryview(bytearray(b"xyz"))[1:]]
)
def test_bytes_likes_for_bytes(value: Any) -> None:
    codecs = everything()
    encoded = _writes_the_same(codecs, _with(raw=value, raws=(value,), maybe_raw=value))
    assert codecs.native_read(encoded).raw == bytes(value)


@pytest.mark.parametrize("value", ["ab", 5, [1, 2], None, memoryview(b"abcdef")[::2]])
def test_non_bytes_for_bytes_raise(value: Any) -> None:
    _both_raise(everything(), _with(raw=value))


@pytest.mark.parametrize("value", [array.array("i", [1, 2]), memoryview(array.array("i", [1, 2]))])
def test_wide_buffers_for_bytes(value: Any) -> None:
    _writers_agree(everything(), _with(raw=value))


# enums


def test_enum_members_of_another_class_with_the_same_value() -> None:
    codecs = everything()
    assert codecs.python_write(_with(color=OtherColor.RED)) == codecs.python_write(
        _with(color=Color.RED)
    )
    _writers_agree(codecs, _with(color=OtherColor.RED))


@pytest.mark.parametrize("value", ["RED", "GREEN", OtherColor.PURPLE, None, 0, UserStatus.ACTIVE])
def test_enum_values_that_are_not_members_raise(value: Any) -> None:
    _both_raise(everything(), _with(color=value))


def test_enum_indexes_out_of_range_are_refused() -> None:
    codecs = everything()
    encoded = codecs.python_write(_with(color=Color.BLUE))
    other = codecs.python_write(_with(color=Color.RED))
    at = next(i for i, (a, b) in enumerate(zip(encoded, other, strict=True)) if a != b)
    assert encoded[at] == 4  # index 2
    for index in (3, -1, 2**40):
        _both_refuse(codecs, encoded[:at] + _long(index) + encoded[at + 1 :])


def test_nullable_enums() -> None:
    """[null, enum] fields: the Python writer leaves them to the general path (a named type in
    a union), the native writer takes them; what it writes is fastavro's encoding."""
    schema = MAYBE_COLOR_SCHEMA
    python_read = avro_events.event_reader(schema, MaybeColor, HEADER_SIZE, native=False)
    native_read = avro_events.event_reader(schema, MaybeColor, HEADER_SIZE, native=True)
    native_write = avro_events.event_writer(schema, MaybeColor, HEADER, native=True)
    assert python_read is not None
    assert native_read is not None
    assert native_write is not None
    parsed = fastavro.parse_schema(schema)
    for first in [None, *Color]:
        for last in [None, *Color]:
            event = MaybeColor(first, last)
            encoded = native_write(event)
            datum = {"first": first and first.value, "last": last and last.value}
            out = io.BytesIO()
            fastavro.schemaless_writer(out, parsed, datum)
            assert encoded == HEADER + out.getvalue()
            assert avro_events.same_event(python_read(encoded), event)
            assert avro_events.same_event(native_read(encoded), event)
    with pytest.raises(AttributeError):
        native_write(MaybeColor("RED", None))  # type: ignore[arg-type]
    for wrong in (b"\x04\x00\x01", b"\x02\x06\x01", b"\x02\x00\x00\x06"):
        with pytest.raises(Exception):  # noqa: B017,PT011
            python_read(HEADER + wrong)
        with pytest.raises(Exception):  # noqa: B017,PT011
            native_read(HEADER + wrong)


# unions

MAYBES = [f for f in FIELDS if f.startswith("maybe_")]
assert FIELDS[-len(MAYBES) :] == MAYBES  # the unions close the record


@pytest.mark.parametrize("field", MAYBES)
def test_union_indexes_other_than_the_two_branches_are_refused(field: str) -> None:
    codecs = everything()
    encoded = codecs.python_write(_with(**dict.fromkeys(MAYBES)))
    at = len(encoded) - len(MAYBES) + MAYBES.index(field)  # all null: one byte each
    assert encoded[at] in (0, 2)
    for index in (2, -1, 2**33):
        _both_refuse(codecs, encoded[:at] + _long(index) + encoded[at + 1 :])
    # The other branch, with no value after it.
    _both_refuse(codecs, encoded[:at] + bytes([2 - encoded[at]]))


# arrays


def test_lists_and_tuples_write_the_same() -> None:
    codecs = everything()
    as_tuples = codecs.python_write(BASE)
    as_lists = _with(
        **{f: list(getattr(BASE, f)) for f in FIELDS if isinstance(getattr(BASE, f), tuple)}
    )
    assert _writes_the_same(codecs, as_lists) == as_tuples
    assert _writes_the_same(codecs, _with(bigs=[], texts=(), maybe_texts=[]))
    assert codecs.native_read(as_tuples).texts == BASE.texts  # read as a tuple


@pytest.mark.parametrize("value", [None, 5, [None], ["a", 1], object()])
def test_arrays_of_the_wrong_items_raise(value: Any) -> None:
    _both_raise(everything(), _with(texts=value))


def test_iterators_as_arrays_raise_as_in_python() -> None:
    codecs = everything()
    with pytest.raises(TypeError):
        codecs.python_write(_with(texts=iter(("a", "b"))))
    _writers_agree(codecs, _with(texts=iter(("a", "b"))))


# timestamps and dates


@dataclasses.dataclass(frozen=True, slots=True)
class Times:
    at_ms: datetime.datetime
    at_us: datetime.datetime
    day: datetime.date
    maybe_at_ms: datetime.datetime | None
    maybe_at_us: datetime.datetime | None
    maybe_day: datetime.date | None


TIMES_SCHEMA = _record(
    "Times",
    [
        ("at_ms", MILLIS),
        ("at_us", MICROS),
        ("day", DATE),
        ("maybe_at_ms", [MILLIS, "null"]),
        ("maybe_at_us", ["null", MICROS]),
        ("maybe_day", ["null", DATE]),
    ],
)


def times() -> Codecs:
    return _codecs(TIMES_SCHEMA, Times)


def _times_body(ms: int, us: int, days: int) -> bytes:
    return (
        HEADER
        + _long(ms)
        + _long(us)
        + _long(days)
        + b"\x00"
        + _long(ms)
        + b"\x02"
        + _long(us)
        + b"\x02"
        + _long(days)
    )


def _floor_units(value: datetime.datetime, unit: datetime.timedelta) -> int:
    epoch = avro_values.EPOCH if value.tzinfo is not None else avro_values.EPOCH_NAIVE
    return (value - epoch) // unit


MS, US = datetime.timedelta(milliseconds=1), datetime.timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("value", "millis", "micros"),
    [
        (datetime.datetime(1970, 1, 1, tzinfo=UTC), 0, 0),
        (datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), -1, -1),
        (datetime.datetime(1969, 12, 31, 23, 59, 59, 999001), -1, -999),
        (datetime.datetime(1969, 12, 31, 23, 59, 59, 998999, tzinfo=UTC), -2, -1001),
        (datetime.datetime(1970, 1, 1, 0, 0, 0, 999), 0, 999),
        (datetime.datetime.min.replace(tzinfo=UTC), MIN_MS, MIN_MS * 1000),
        (datetime.datetime(1, 1, 1, 0, 0, 0, 999), MIN_MS, MIN_MS * 1000 + 999),
        (datetime.datetime.max, MAX_MS, MAX_US),
        (datetime.datetime.max.replace(tzinfo=UTC), MAX_MS, MAX_US),
    ],
)
def test_timestamps_are_floored(value: datetime.datetime, millis: int, micros: int) -> None:
    assert _floor_units(value, MS) == millis
    assert _floor_units(value, US) == micros
    days = value.toordinal() - EPOCH_ORDINAL
    event = Times(value, value, value.date(), value, value, value.date())
    encoded = _writes_the_same(times(), event)
    assert encoded == _times_body(millis, micros, days)
    decoded = times().native_read(encoded)
    assert decoded.at_us == value.replace(tzinfo=UTC)
    assert decoded.at_ms == avro_values.EPOCH + datetime.timedelta(milliseconds=millis)
    assert decoded.at_ms.tzinfo is not None


TIME_EDGES = [
    datetime.datetime(2026, 3, 29, 2, 30),  # a gap in Paris
    datetime.datetime(2026, 10, 25, 2, 30, fold=1),  # a fold in Paris
    datetime.datetime(1, 1, 1, 0, 0),
    datetime.datetime(1, 1, 1, 23, 59, 59, 999999),
    datetime.datetime(9999, 12, 31, 0, 0),
    datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
    datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
    datetime.datetime(1833, 11, 24, 17, 31, 44, 1),  # about -2**32 seconds
    datetime.datetime(2106, 2, 7, 6, 28, 15, 999999),  # about 2**32 seconds
]


@pytest.mark.parametrize("zone", ZONES, ids=repr)
@pytest.mark.parametrize("value", TIME_EDGES, ids=str)
@pytest.mark.parametrize("child", [False, True], ids=["datetime", "subclass"])
def test_timestamps_in_any_zone(
    value: datetime.datetime, zone: datetime.tzinfo | None, child: bool
) -> None:
    """Naive (UTC), aware in UTC, aware elsewhere, a datetime subclass: the same bytes."""
    value = value.replace(tzinfo=zone)
    if child:
        value = _child(value)
    event = Times(value, value, value, value, value, value)
    if isinstance(zone, NoOffset):
        _both_raise(times(), event)  # an offset-less aware datetime cannot be subtracted
        return
    encoded = _writes_the_same(times(), event, read_back=False)
    millis, micros = _floor_units(value, MS), _floor_units(value, US)
    assert encoded == _times_body(millis, micros, value.toordinal() - EPOCH_ORDINAL)
    if MIN_US <= micros <= MAX_US:
        decoded = times().native_read(encoded)
        # (== between zones is False at a gap or fold: compare with the instant written.)
        assert decoded.at_us == avro_values.EPOCH + datetime.timedelta(microseconds=micros)
        assert type(decoded.at_us) is datetime.datetime
        assert decoded.day == value.date()


@FUZZ
@given(
    value=ANY_TIMES | ANY_TIMES.map(_child),
    days=DATES | DATES.map(lambda d: DateChild(d.year, d.month, d.day)),
)
def test_timestamp_and_date_writers_agree(value: datetime.datetime, days: datetime.date) -> None:
    codecs = times()
    outcome = _writers_agree(codecs, Times(value, value, days, value, None, days))
    if not outcome.raised:
        _readers_agree(codecs, outcome.value)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date.min,
        datetime.date.max,
        datetime.date(1969, 12, 31),
        datetime.date(1970, 1, 1),
        DateChild(2000, 2, 29),
        datetime.datetime(2026, 11, 26, 23, 59, 59),
        datetime.datetime(
            2026, 11, 26, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
        ),
        datetime.datetime(1, 1, 1, tzinfo=UTC),
        _child(datetime.datetime(9999, 12, 31, 23, 59)),
    ],
    ids=repr,
)
def test_dates_and_datetimes_for_a_date(value: datetime.date) -> None:
    codecs = everything()
    encoded = _writes_the_same(codecs, _with(day=value, maybe_day=value), read_back=False)
    decoded = codecs.native_read(encoded)
    assert type(decoded.day) is datetime.date
    assert decoded.day.toordinal() == value.toordinal()


@pytest.mark.parametrize("value", [None, "2026-11-26", 20000, datetime.time(1, 2)], ids=repr)
def test_non_dates_raise(value: Any) -> None:
    _both_raise(everything(), _with(day=value))
    _both_raise(everything(), _with(at_ms=value))
    _both_raise(everything(), _with(at_us=value))


BOUNDS = [
    MIN_MS,
    MIN_MS - 1,
    MAX_MS,
    MAX_MS + 1,
    MIN_US,
    MIN_US - 1,
    MAX_US,
    MAX_US + 1,
    MIN_DAY,
    MIN_DAY - 1,
    MAX_DAY,
    MAX_DAY + 1,
    2**32 * 1000,
    2**32 * 1000 - 1,
    -(2**32) * 1000,
    -(2**32) * 1000 + 1,
    LONG_MIN,
    LONG_MAX,
    0,
    -1,
]
ANY_LONG = st.sampled_from(BOUNDS) | st.integers(LONG_MIN, LONG_MAX)
IN_RANGE = st.one_of(
    st.integers(MIN_MS - 2, MAX_MS + 2),
    st.integers(-(2**32) * 1000 - 2, 2**32 * 1000 + 2),
    st.integers(MIN_DAY - 2, MAX_DAY + 2),
    st.integers(-(2**20), 2**20),
)


@FUZZ
@given(ms=ANY_LONG | IN_RANGE, us=ANY_LONG | IN_RANGE, days=ANY_LONG | IN_RANGE)
def test_timestamp_and_date_readers_agree(ms: int, us: int, days: int) -> None:
    data = _times_body(ms, us, days)
    expected = _readers_agree(times(), data)
    in_range = MIN_MS <= ms <= MAX_MS and MIN_US <= us <= MAX_US and MIN_DAY <= days <= MAX_DAY
    assert expected.raised != in_range
    if in_range:
        decoded = times().native_read(data)  # no fallback expected: a plain long
        assert decoded.at_ms == avro_values.EPOCH + datetime.timedelta(milliseconds=ms)
        assert decoded.at_us == avro_values.EPOCH + datetime.timedelta(microseconds=us)
        assert decoded.day == datetime.date.fromordinal(days + EPOCH_ORDINAL)


# UUIDs


@dataclasses.dataclass(frozen=True, slots=True)
class Ident:
    ident: uuid.UUID
    maybe_ident: uuid.UUID | None
    last: uuid.UUID | None


IDENT_SCHEMA = _record(
    "Ident",
    [("ident", UUID_TYPE), ("maybe_ident", ["null", UUID_TYPE]), ("last", [UUID_TYPE, "null"])],
)


def idents() -> Codecs:
    return _codecs(IDENT_SCHEMA, Ident)


def _ident_body(raw: bytes) -> bytes:
    return HEADER + _sized(raw) + b"\x02" + _sized(raw) + b"\x00" + _sized(raw)


def _holds_uuid_text(event: Any) -> bool:
    """A field annotated ``uuid.UUID`` (or ``| None``) holding a str."""
    hints = typing.get_type_hints(type(event))
    return any(
        type(getattr(event, f.name)) is str
        and uuid.UUID in (typing.get_args(hints[f.name]) or (hints[f.name],))
        for f in dataclasses.fields(event)
    )


SAMPLE = uuid.UUID("0123abcd-4567-89ef-fedc-ba9876543210")
UUID_TEXTS = [
    str(SAMPLE),
    str(SAMPLE).upper(),
    SAMPLE.hex,
    SAMPLE.hex.upper(),
    f"{{{SAMPLE}}}",
    f"{{{SAMPLE.hex}}}",
    SAMPLE.urn,
    "uuid:" + str(SAMPLE),
    "URN:UUID:" + str(SAMPLE),
    "-".join(SAMPLE.hex),  # dashes anywhere
    "--" + SAMPLE.hex + "--",
    " " + SAMPLE.hex[1:],  # what int() strips
    SAMPLE.hex[:31] + "\n",
    "+" + SAMPLE.hex[1:],
    "0x" + SAMPLE.hex[2:],
    SAMPLE.hex[:10] + "_" + SAMPLE.hex[11:],
    "\u0663" * 32,  # Arabic-Indic digits: int() takes them
    "\uff11" * 32,  # fullwidth digits
    SAMPLE.hex[:31],
    SAMPLE.hex + "0",
    "g" * 32,
    "",
    "-" * 36,
    "not a uuid",
    "\u00e9" * 16,
]


def _canonical_enough(text: str) -> bool:
    """32 hex digits and dashes: what the C code reads itself (the rest goes to a converter)."""
    digits = text.replace("-", "")
    return len(digits) == 32 and all(c in string.hexdigits for c in digits)


@pytest.mark.parametrize("text", [pytest.param(t, id=repr(t)) for t in UUID_TEXTS])
def test_uuid_texts_read_as_the_python_reader_reads_them(text: str) -> None:
    codecs = idents()
    data = _ident_body(text.encode())
    expected = _readers_agree(codecs, data)
    if not expected.raised:
        decoded = codecs.native_read(data)  # the C code hands unusual text to uuid_from_text
        assert avro_events.same_event(decoded, expected.value)
        assert type(decoded.ident) is uuid.UUID
        assert decoded.ident.is_safe == uuid.SafeUUID.unknown
        assert str(decoded.ident) == str(uuid.UUID(int=decoded.ident.int))


def test_a_user_updated_with_its_id_in_braces_reads_to_a_uuid() -> None:
    codecs = user_updated()
    event = _user_updated_event()
    encoded = codecs.python_write(event)
    text = str(event.event_id).encode()
    braced = encoded.replace(_sized(text), _sized(b"{%s}" % text), 1)
    assert avro_events.same_event(codecs.python_read(braced), event)
    _readers_agree(codecs, braced)


def _user_updated_event() -> UserUpdated:
    return UserUpdated(
        event_id=uuid.UUID(int=1),
        occurred_at=datetime.datetime(2026, 11, 26, 12, 0, 0, 250000, tzinfo=UTC),
        user_id=uuid.UUID(int=2),
        version=70,
        email="ada@example.com",
        full_name="Ada Lovelace \u00e9",
        status=UserStatus.ACTIVE,
        country=None,
        changed_fields=("email", "full_name"),
    )


def test_canonical_uuid_texts_read_to_the_uuid() -> None:
    decoded = idents().native_read(_ident_body(str(SAMPLE).encode()))
    assert decoded == Ident(SAMPLE, SAMPLE, SAMPLE)
    assert type(decoded.ident) is uuid.UUID


@pytest.mark.parametrize("raw", [b"\xff" * 36, b"\xc3", str(SAMPLE).encode()[:-1] + b"\x80"])
def test_uuid_texts_that_are_not_utf8_are_refused(raw: bytes) -> None:
    _both_refuse(idents(), _ident_body(raw))


UUID_ALPHABET = "0123456789abcdefABCDEF-{}:urnid _+x\u0663\uff11g\u00e9"


@st.composite
def _uuid_texts(draw: st.DrawFn) -> str:
    base = draw(
        st.sampled_from(UUID_TEXTS)
        | st.uuids().map(str)
        | st.uuids().map(lambda u: u.hex)
        | st.text(st.sampled_from(UUID_ALPHABET), max_size=46)
    )
    chars = list(base)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(chars)))
        if draw(st.booleans()) and at < len(chars):
            del chars[at]
        else:
            chars.insert(at, draw(st.sampled_from(UUID_ALPHABET)))
    return "".join(chars)


@FUZZ
@given(text=_uuid_texts())
def test_uuid_text_readers_agree(text: str) -> None:
    _readers_agree(idents(), _ident_body(text.encode()))


@pytest.mark.parametrize(
    "value",
    [
        SAMPLE,
        uuid.UUID(int=0),
        uuid.UUID(int=2**128 - 1),
        UUIDChild(int=SAMPLE.int),
        LoudUUID(int=SAMPLE.int),  # written as its str(), as the Python writer does
        str(SAMPLE),
        "anything",
        uuid.UUID(str(SAMPLE), is_safe=uuid.SafeUUID.safe),
    ],
    ids=repr,
)
def test_uuid_writers_agree(value: Any) -> None:
    codecs = idents()
    event = Ident(value, value, value)
    encoded = codecs.python_write(event)
    assert codecs.native_write(event) == encoded
    assert encoded == _ident_body(str(value).encode())
    _readers_agree(codecs, encoded)


def test_malformed_uuid_objects() -> None:
    """Without an int both raise; with an int out of 128 bits they agree (both raise here:
    the compiled uuid_text, used by both, refuses it)."""
    hollow = object.__new__(uuid.UUID)
    _both_raise(idents(), Ident(hollow, None, None))
    too_big = object.__new__(uuid.UUID)
    object.__setattr__(too_big, "int", 2**128)
    _writers_agree(idents(), Ident(too_big, None, None))
    negative = object.__new__(uuid.UUID)
    object.__setattr__(negative, "int", -1)
    _writers_agree(idents(), Ident(negative, None, None))


# === 4. arrays in blocks =====================================================================


@dataclasses.dataclass(frozen=True, slots=True)
class Arrays:
    flags: tuple[bool, ...]
    longs: tuple[int, ...]
    singles: tuple[float, ...]
    doubles: tuple[float, ...]
    raws: tuple[bytes, ...]
    texts: tuple[str, ...]


ARRAY_ITEMS = {
    "flags": "boolean",
    "longs": "long",
    "singles": "float",
    "doubles": "double",
    "raws": "bytes",
    "texts": "string",
}
ARRAYS_SCHEMA = _record("Arrays", [(n, _array(t)) for n, t in ARRAY_ITEMS.items()])
ITEM_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "flags": st.booleans(),
    "longs": LONGS,
    "singles": st.floats(width=32, allow_nan=False),
    "doubles": st.floats(allow_nan=False),
    "raws": RAWS,
    "texts": TEXTS,
}


def arrays() -> Codecs:
    return _codecs(ARRAYS_SCHEMA, Arrays)


def _item(field: str, value: Any) -> bytes:
    if field == "flags":
        return b"\x01" if value else b"\x00"
    if field == "longs":
        return _long(value)
    if field == "singles":
        return struct.pack("<f", value)
    if field == "doubles":
        return struct.pack("<d", value)
    return _sized(value.encode() if field == "texts" else value)


@st.composite
def _blocks(draw: st.DrawFn, field: str) -> tuple[tuple[Any, ...], bytes]:
    """Items, and their encoding in blocks of random sizes, some with a negative count and
    their size in bytes."""
    items = draw(st.lists(ITEM_VALUES[field], max_size=8))
    encoded, at = b"", 0
    while at < len(items):
        size = draw(st.integers(1, len(items) - at))
        block = b"".join(_item(field, v) for v in items[at : at + size])
        if draw(st.booleans()):
            encoded += _long(-size) + _long(len(block)) + block
        else:
            encoded += _long(size) + block
        at += size
    return tuple(items), encoded + b"\x00"


@FUZZ
@given(data=st.data())
def test_arrays_in_blocks(data: st.DataObject) -> None:
    codecs = arrays()
    values, body = {}, HEADER
    for field in ARRAY_ITEMS:
        values[field], encoded = data.draw(_blocks(field))
        body += encoded
    expected = Arrays(**values)
    assert avro_events.same_event(codecs.python_read(body), expected)
    assert avro_events.same_event(codecs.native_read(body), expected)
    # Written back in one block each.
    assert codecs.native_write(expected) == codecs.python_write(expected)


def _arrays_body(field: str, encoded: bytes) -> bytes:
    return HEADER + b"".join(encoded if f == field else b"\x00" for f in ARRAY_ITEMS)


HUGE = [2**24 + 1, 2**31, 2**40, 2**62, LONG_MAX, -(2**31), -(2**40), -(2**62), LONG_MIN + 1]


@pytest.mark.parametrize("count", HUGE)
@pytest.mark.parametrize("field", list(ARRAY_ITEMS))
def test_arrays_declaring_more_items_than_their_bytes_hold_are_refused(
    field: str, count: int
) -> None:
    size = _long(8) if count < 0 else b""
    for tail in (b"", b"\x00", b"\x02\x02\x02\x02\x02\x02\x02\x02"):
        _both_refuse(arrays(), _arrays_body(field, _long(count) + size + tail))


@pytest.mark.parametrize("field", list(ARRAY_ITEMS))
def test_a_block_count_of_the_smallest_long_is_refused(field: str) -> None:
    data = _arrays_body(field, _long(LONG_MIN) + _long(0) + b"\x00")
    codecs = arrays()
    with pytest.raises(Exception):  # noqa: B017,PT011
        codecs.python_read(data)
    _readers_agree(codecs, data)


@pytest.mark.parametrize("size", [4, 2**31, 2**62, LONG_MAX, -1, -(2**62), LONG_MIN])
def test_sizes_past_the_end_or_negative_are_refused(size: int) -> None:
    for field in ("raws", "texts"):
        _both_refuse(arrays(), _arrays_body(field, _long(1) + _long(size) + b"abc\x00"))
    _both_refuse(idents(), HEADER + _long(size) + b"01")


def _nulls_reader(*, native: bool) -> Reader:
    read = avro_events.event_reader(NULLS_SCHEMA, Nulls, HEADER_SIZE, native=native)
    assert read is not None
    return read


def test_arrays_of_nulls() -> None:
    """No bytes per item: a few blocks, read by both. (The Python writer is None for an array
    of nulls: its loop body is empty, the code does not compile; the native one writes the
    count, as fastavro does.)"""
    body = HEADER + _long(3) + _long(-2) + _long(0) + _long(1) + _long(0) + _long(-5)
    for native in (False, True):
        assert avro_events.same_event(_nulls_reader(native=native)(body), Nulls((None,) * 6, -5))
    assert avro_events.event_writer(NULLS_SCHEMA, Nulls, HEADER, native=False) is None
    write = avro_events.event_writer(NULLS_SCHEMA, Nulls, HEADER, native=True)
    assert write is not None
    parsed = fastavro.parse_schema(NULLS_SCHEMA)
    for items in [(), (None, None), (None,) * 70]:
        out = io.BytesIO()
        fastavro.schemaless_writer(out, parsed, {"nulls": list(items), "tail": 7})
        assert write(Nulls(items, 7)) == HEADER + out.getvalue()


@pytest.mark.parametrize("count", [2**24 + 1, 2**40, LONG_MAX, -(2**40), -(2**62)])
def test_huge_arrays_of_nulls_are_refused_by_the_native_reader(count: int) -> None:
    """The Python reader would append that many Nones (not run); the native one refuses a
    block of over 2**24 nulls."""
    size = _long(0) if count < 0 else b""
    with pytest.raises(ValueError, match="ends early"):
        _nulls_reader(native=True)(HEADER + _long(count) + size + b"\x00" + b"\x02")


def test_a_null_block_count_of_the_smallest_long_is_refused_by_the_native_reader() -> None:
    data = HEADER + _long(LONG_MIN) + _long(0) + b"\x00" + b"\x02"
    outcome = _run(_nulls_reader(native=True), data)
    assert outcome.raised, f"read {outcome.value}"


# === 5. uuid_text ============================================================================

NOT_UUIDS = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    TEXTS,
    st.binary(max_size=4),
    st.builds(TextChild, TEXTS),
    st.sampled_from(Color),
)


@FUZZ
@given(
    value=st.uuids()
    | st.uuids().map(lambda u: UUIDChild(int=u.int))
    | st.uuids().map(lambda u: LoudUUID(int=u.int))
    | st.sampled_from([uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), SAMPLE])
    | NOT_UUIDS
)
def test_uuid_text_is_str(value: Any) -> None:
    text = avro_values.uuid_text(value)
    assert text == str(value)
    assert type(text) is str
    assert avro_values._uuid_text_remembered(value) == str(value)
    assert avro_values._uuid_text_remembered(value) == str(value)  # remembered


def test_uuid_text_is_the_compiled_one() -> None:
    assert speedups._speedups is not None
    assert avro_values.uuid_text is speedups._speedups.uuid_text
    loud = LoudUUID(int=5)
    assert avro_values.uuid_text(loud) == str(loud) != str(uuid.UUID(int=5))
    thing = object()
    assert avro_values.uuid_text(thing) == str(thing)


def test_uuid_text_of_a_malformed_uuid_raises_or_is_str() -> None:
    for number in (2**128, -1, 2**200):
        value = object.__new__(uuid.UUID)
        object.__setattr__(value, "int", number)
        outcome = _run(avro_values.uuid_text, value)
        assert outcome.raised or outcome.value == str(value)
    with pytest.raises(AttributeError):
        avro_values.uuid_text(object.__new__(uuid.UUID))


# === 6. ACCORD_NO_SPEEDUPS ===================================================================

NO_SPEEDUPS = textwrap.dedent(
    """
    import datetime, json, uuid
    from accord.runtime import avro_events, avro_values, speedups
    from accord.runtime.serde import Serde
    from services.user.contracts import UserStatus, UserUpdated

    assert speedups.AVAILABLE is False and speedups._speedups is None
    assert avro_values.uuid_text is avro_values._uuid_text_remembered
    schema = json.loads(UserUpdated.SCHEMA)
    assert avro_events.event_reader(schema, UserUpdated, 5, native=True) is None
    assert avro_events.event_writer(schema, UserUpdated, b"", native=True) is None
    assert type(avro_events.event_reader(schema, UserUpdated, 5)).__name__ == "function"
    event = UserUpdated(
        event_id=uuid.UUID(int=1),
        occurred_at=datetime.datetime(2026, 11, 26, 12, 0, 0, 250000, tzinfo=datetime.UTC),
        user_id=uuid.UUID(int=2),
        version=70,
        email="ada@example.com",
        full_name="Ada Lovelace \\u00e9",
        status=UserStatus.ACTIVE,
        country=None,
        changed_fields=("email", "full_name"),
    )
    serde = Serde("mock://no-speedups", auto_register=True)
    data = serde.encode(event)
    decoded, _ = serde.decode(data, (UserUpdated,))
    assert avro_events.same_event(decoded, event), decoded
    assert serde.decode(data, (UserUpdated,))[0] == event
    print(data[5:].hex())
    """
)


def test_accord_no_speedups_leaves_the_compiled_codec_unused() -> None:
    env = {**os.environ, "ACCORD_NO_SPEEDUPS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", NO_SPEEDUPS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The same body as the compiled writer gives here.
    body = user_updated().native_write(_user_updated_event())[HEADER_SIZE:]
    assert body.hex() == result.stdout.strip()
