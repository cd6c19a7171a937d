"""Avro logical values <-> the primitives they are encoded as (used by generated code).

Generated ``to_dict()`` writes logical values as their Avro primitives (a UUID as its string,
a timestamp as epoch milliseconds, a decimal as two's-complement bytes...), so the serde can
hand fastavro a schema without logical types and skip its per-value conversions; the bytes
are the same as fastavro's logical writers produce, and fastavro accepts these primitives for
the logical schema too (confluent's serializers work unchanged). The ``*_in`` functions accept
both forms: the primitive, or the object fastavro's logical readers (and confluent's
deserializers) return.

Conversions follow fastavro's rules, including its errors: a decimal with more digits than
the precision, or more places than the scale, is refused instead of rounded. The ``*_from_*``
functions take the primitive only (generated ``from_primitives``, the serde's hot path).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from accord.runtime.speedups import _speedups

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
MILLISECOND = datetime.timedelta(milliseconds=1)
MICROSECOND = datetime.timedelta(microseconds=1)
_timedelta = datetime.timedelta
# Scaling must never round: the digits of a decoded decimal are all kept.
EXACT = _EXACT = decimal.Context(prec=decimal.MAX_PREC)
_POWERS = [10**n for n in range(40)]


_new = object.__new__
_UNKNOWN = uuid.SafeUUID.unknown
_UUID = uuid.UUID
# The setters of UUID's two slots: called directly, they skip object.__setattr__'s lookup.
_set_uuid_int = vars(uuid.UUID)["int"].__set__
_set_uuid_safe = vars(uuid.UUID)["is_safe"].__set__


def uuid_in(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid_from_text(value)


def uuid_from_text(value: str) -> uuid.UUID:
    digits = value.replace("-", "")
    if len(digits) != 32:
        return uuid.UUID(value)  # braces, urn: prefix, or an error worth its message
    # What uuid.UUID(value) does for the canonical form, without its argument handling
    # (three times faster; a hot path of decoding).
    result = _new(_UUID)
    _set_uuid_int(result, int(digits, 16))
    _set_uuid_safe(result, _UNKNOWN)
    return result


# The last two values uuid_text converted, each with its text. Publishing an event writes its
# id and its key twice each (in the Avro body, then in a header and the message key), and at
# over half a microsecond a conversion those were a quarter of the publishing path's Python
# time. The entries hold their values, so ``is`` cannot match another object at a reused
# address; the tuple is replaced whole, so a thread never sees half of an update.
_NOTHING = object()  # no value converted yet (None is a value: "None")
_recent_texts: tuple[Any, str, Any, str] = (_NOTHING, "", _NOTHING, "")


def _uuid_text_remembered(value: object) -> str:
    global _recent_texts
    recent = _recent_texts
    if value is recent[0]:
        return recent[1]
    if value is recent[2]:
        return recent[3]
    text = str(value)
    _recent_texts = (value, text, recent[0], recent[1])
    return text


# ``str(value)``: made in C for a uuid.UUID when accord's compiled codec is built (a tenth of
# str()'s time), else free for one of the last two values converted.
uuid_text: Callable[[object], str] = (
    _uuid_text_remembered if _speedups is None else _speedups.uuid_text
)


def decimal_out(value: decimal.Decimal, precision: int, scale: int) -> bytes:
    # _unscaled written out: this runs for every decimal the serde writes.
    try:
        scaled = value.scaleb(scale, _EXACT)
        unscaled = int(scaled)
    except (ValueError, OverflowError, decimal.InvalidOperation):
        unscaled = _unscaled(value, precision, scale)  # raises the explained error
    else:
        limit = _POWERS[precision] if precision < len(_POWERS) else 10**precision
        if scaled != unscaled or not -limit < unscaled < limit:
            unscaled = _unscaled(value, precision, scale)  # raises the explained error
    return unscaled.to_bytes((unscaled.bit_length() + 8) // 8, "big", signed=True)


def decimal_fixed_out(value: decimal.Decimal, size: int, precision: int, scale: int) -> bytes:
    return _unscaled(value, precision, scale).to_bytes(size, "big", signed=True)


def _unscaled(value: decimal.Decimal, precision: int, scale: int) -> int:
    try:
        scaled = value.scaleb(scale, _EXACT)
        unscaled = int(scaled)
    except (ValueError, OverflowError, decimal.InvalidOperation):
        raise ValueError(f"{value} is not a finite decimal") from None
    if scaled != unscaled:
        raise ValueError(f"{value} has more decimal places than the scale {scale}")
    limit = _POWERS[precision] if precision < len(_POWERS) else 10**precision
    if not -limit < unscaled < limit:
        raise ValueError(f"{value} has more digits than the precision {precision}")
    return unscaled


def decimal_in(value: Any, scale: int) -> decimal.Decimal:
    return value if isinstance(value, decimal.Decimal) else decimal_from_bytes(value, scale)


def decimal_from_bytes(value: bytes, scale: int) -> decimal.Decimal:
    return decimal.Decimal(int.from_bytes(value, "big", signed=True)).scaleb(-scale, _EXACT)


def date_out(value: datetime.date) -> int:
    return value.toordinal() - EPOCH_ORDINAL


def date_in(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else date_from_days(value)


def date_from_days(value: int) -> datetime.date:
    return datetime.date.fromordinal(value + EPOCH_ORDINAL)


def time_millis_out(value: datetime.time) -> int:
    seconds = (value.hour * 60 + value.minute) * 60 + value.second
    return seconds * 1000 + value.microsecond // 1000


def time_micros_out(value: datetime.time) -> int:
    seconds = (value.hour * 60 + value.minute) * 60 + value.second
    return seconds * 1_000_000 + value.microsecond


def time_millis_in(value: Any) -> datetime.time:
    return value if isinstance(value, datetime.time) else time_from_millis(value)


def time_micros_in(value: Any) -> datetime.time:
    return value if isinstance(value, datetime.time) else time_from_micros(value)


def time_from_millis(value: int) -> datetime.time:
    return time_from_micros(value * 1000)


def time_from_micros(value: int) -> datetime.time:
    seconds, micro = divmod(value, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return datetime.time(hour, minute, second, micro)


def timestamp_millis_out(value: datetime.datetime) -> int:
    # Naive datetimes count as UTC, as fastavro counts them.
    return (value - (EPOCH if value.tzinfo is not None else EPOCH_NAIVE)) // MILLISECOND


def timestamp_micros_out(value: datetime.datetime) -> int:
    return (value - (EPOCH if value.tzinfo is not None else EPOCH_NAIVE)) // MICROSECOND


def timestamp_millis_in(value: Any) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else timestamp_from_millis(value)


def timestamp_micros_in(value: Any) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else timestamp_from_micros(value)


# Within 2**32 seconds of the epoch (1833 to 2106) the double value / 1000 is within half a
# microsecond of the timestamp, so fromtimestamp, which rounds to the nearest microsecond, gives
# it exactly, in half the time of adding a timedelta. Further out, only the timedelta is exact.
FLOAT_EXACT_MS = 2**32 * 1000
_fromtimestamp = datetime.datetime.fromtimestamp
UTC = datetime.UTC


def timestamp_from_millis(value: int) -> datetime.datetime:
    if -FLOAT_EXACT_MS < value < FLOAT_EXACT_MS:
        return _fromtimestamp(value / 1000, UTC)
    return EPOCH + _timedelta(0, 0, 0, value)  # positional: (days, seconds, micros, millis)


def timestamp_from_micros(value: int) -> datetime.datetime:
    return EPOCH + _timedelta(0, 0, value)


def local_timestamp_millis_out(value: datetime.datetime) -> int:
    return (value.replace(tzinfo=None) - EPOCH_NAIVE) // MILLISECOND


def local_timestamp_micros_out(value: datetime.datetime) -> int:
    return (value.replace(tzinfo=None) - EPOCH_NAIVE) // MICROSECOND


def local_timestamp_millis_in(value: Any) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else local_timestamp_from_millis(value)


def local_timestamp_micros_in(value: Any) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else local_timestamp_from_micros(value)


def local_timestamp_from_millis(value: int) -> datetime.datetime:
    return EPOCH_NAIVE + _timedelta(0, 0, 0, value)


def local_timestamp_from_micros(value: int) -> datetime.datetime:
    return EPOCH_NAIVE + _timedelta(0, 0, value)
