"""accord.runtime.avro_values against fastavro's own logical writers and readers: the same
bytes, the same values, the same refusals."""

from __future__ import annotations

import datetime
import decimal
import io
import uuid
from typing import Any

import fastavro
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.runtime import avro_values as av

DECIMAL = {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 3}


def _logical(kind: str, name: str) -> dict[str, str]:
    return {"type": kind, "logicalType": name}


LOGICAL = {
    "date": (_logical("int", "date"), av.date_out, av.date_in),
    "time-millis": (_logical("int", "time-millis"), av.time_millis_out, av.time_millis_in),
    "time-micros": (_logical("long", "time-micros"), av.time_micros_out, av.time_micros_in),
    "timestamp-millis": (
        _logical("long", "timestamp-millis"),
        av.timestamp_millis_out,
        av.timestamp_millis_in,
    ),
    "timestamp-micros": (
        _logical("long", "timestamp-micros"),
        av.timestamp_micros_out,
        av.timestamp_micros_in,
    ),
}


def _fastavro_bytes(schema: dict[str, Any], value: Any) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema), value)
    return out.getvalue()


def _fastavro_read(schema: dict[str, Any], data: bytes) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(data), fastavro.parse_schema(schema), None)


@given(st.decimals(min_value=-(10**9) + 1, max_value=10**9 - 1, places=3, allow_nan=False))
def test_decimals_encode_as_fastavro_does_and_come_back(value: decimal.Decimal) -> None:
    primitive = av.decimal_out(value, 12, 3)
    physical = {"type": "bytes"}
    assert _fastavro_bytes(physical, primitive) == _fastavro_bytes(DECIMAL, value)
    assert av.decimal_in(primitive, 3) == value
    assert av.decimal_in(value, 3) is value  # objects pass through


@pytest.mark.parametrize(
    ("value", "message"),
    [("1.2345", "decimal places"), ("1000000000", "digits"), ("NaN", "finite"), ("-Inf", "finite")],
)
def test_decimals_that_do_not_fit_are_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        av.decimal_out(decimal.Decimal(value), 12, 3)


def test_fixed_decimals_sign_extend_to_the_size() -> None:
    assert av.decimal_fixed_out(decimal.Decimal("-0.01"), 4, 9, 2) == b"\xff\xff\xff\xff"
    assert av.decimal_in(b"\xff\xff\xff\xff", 2) == decimal.Decimal("-0.01")


@given(st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2200, 1, 1)))
def test_dates_times_and_timestamps_match_fastavro(moment: datetime.datetime) -> None:
    aware = moment.replace(tzinfo=datetime.UTC)
    values = {
        "date": moment.date(),
        "time-millis": moment.time().replace(microsecond=moment.microsecond // 1000 * 1000),
        "time-micros": moment.time(),
        "timestamp-millis": aware.replace(microsecond=moment.microsecond // 1000 * 1000),
        "timestamp-micros": aware,
    }
    for name, (schema, out, back) in LOGICAL.items():
        value = values[name]
        primitive = out(value)
        physical = {"type": schema["type"]}
        assert _fastavro_bytes(physical, primitive) == _fastavro_bytes(schema, value), name
        assert back(primitive) == value == _fastavro_read(schema, _fastavro_bytes(schema, value))
        assert back(value) is value


_BOUND = av.FLOAT_EXACT_MS
_MILLIS = st.one_of(
    st.integers(-62_135_596_800_000, 253_402_300_799_999),  # years 1 to 9999
    st.integers(-_BOUND - 5_000, -_BOUND + 5_000),
    st.integers(_BOUND - 5_000, _BOUND + 5_000),
    st.integers(-(10**12), 10**13),
)


@given(_MILLIS)
def test_timestamps_from_millis_are_exact_on_either_side_of_the_float_bound(ms: int) -> None:
    exact = av.EPOCH + datetime.timedelta(milliseconds=ms)
    got = av.timestamp_from_millis(ms)
    assert (got, got.tzinfo, got.fold) == (exact, datetime.UTC, 0)


def test_timestamps_from_millis_near_the_bound_where_a_double_is_coarsest() -> None:
    # Just inside 2**32 seconds a double's step is 2**-20 s (0.95 us): the widest it gets
    # where fromtimestamp is used. Every millisecond of the last ten seconds comes out exact.
    for ms in range(_BOUND - 10_000, _BOUND + 10):
        for value in (ms, -ms):
            assert av.timestamp_from_millis(value) == av.EPOCH + datetime.timedelta(
                milliseconds=value
            )


def test_naive_timestamps_count_as_utc_like_fastavro() -> None:
    naive = datetime.datetime(2024, 1, 2, 3, 4, 5, 6000)
    schema = LOGICAL["timestamp-millis"][0]
    assert _fastavro_bytes({"type": "long"}, av.timestamp_millis_out(naive)) == _fastavro_bytes(
        schema, naive
    )
    local = datetime.datetime(2024, 1, 2, 3, 4, 5, 6000)
    assert av.local_timestamp_millis_in(av.local_timestamp_millis_out(local)) == local
    assert av.local_timestamp_micros_in(av.local_timestamp_micros_out(local)) == local


@given(st.uuids())
def test_uuids_from_text(value: uuid.UUID) -> None:
    parsed = av.uuid_in(str(value))
    assert parsed == value
    assert hash(parsed) == hash(value)
    assert str(parsed) == str(value)
    assert av.uuid_in(f"urn:uuid:{value}") == value
    assert av.uuid_in(value) is value


@given(
    st.lists(st.sampled_from(range(4)), max_size=30),
    st.lists(st.uuids(), min_size=4, max_size=4),
)
def test_uuid_text_is_the_text_of_the_value_given_whatever_came_before(
    order: list[int], values: list[uuid.UUID]
) -> None:
    # Equal UUIDs that are distinct objects must not share a memo entry by accident either.
    values[1] = uuid.UUID(int=values[0].int)
    for i in order:
        assert av.uuid_text(values[i]) == str(values[i])


def test_uuid_text_takes_the_last_two_values_from_its_memo() -> None:
    class Counted(uuid.UUID):
        calls = 0

        def __str__(self) -> str:
            Counted.calls += 1
            return super().__str__()

    one, two = Counted(int=1), Counted(int=2)
    for value in (one, two, one, two, one):  # the pure-Python uuid_text (the compiled one has
        # no memo: it formats a UUID in a tenth of str()'s time, and a subclass with str())
        assert av._uuid_text_remembered(value) == uuid.UUID.__str__(value)
    assert Counted.calls == 2


def test_uuid_text_of_none_is_none_in_a_fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    nothing = av._NOTHING  # the memo as the module starts it: no value converted yet
    monkeypatch.setattr(av, "_recent_texts", (nothing, "", nothing, ""))
    assert av._uuid_text_remembered(None) == "None"


def test_malformed_uuids_are_refused() -> None:
    for bad in ("nope", "g" * 32, "1234"):
        with pytest.raises(ValueError, match=r"hexadecimal|invalid literal"):
            av.uuid_in(bad)
