"""Small predicates the rules share."""

from __future__ import annotations

from typing import Any

from accord.lint.naming import per_run, words

TEMPORAL_WORDS = frozenset(["at", "time", "timestamp", "ts", "date", "datetime"])
AVRO_TIME_TYPES = frozenset(
    [
        "timestamp-millis",
        "timestamp-micros",
        "timestamp-nanos",
        "local-timestamp-millis",
        "local-timestamp-micros",
        "local-timestamp-nanos",
        "date",
        "time-millis",
        "time-micros",
    ]
)
INSTANT_TYPES = frozenset(["timestamp-millis", "timestamp-micros", "timestamp-nanos"])


def has_text(value: Any) -> bool:
    """A non-blank string (a doc of only spaces documents nothing)."""
    return isinstance(value, str) and value != "" and not value.isspace()


@per_run
def looks_temporal(name: str) -> bool:
    """``occurred_at``, ``createdAt``, ``expiry_date``, ``timestamp``..."""
    parts = words(name)
    return bool(parts) and parts[-1] in TEMPORAL_WORDS and parts != ("at",)


@per_run
def looks_like_money(name: str, money_words: frozenset[str]) -> bool:
    return not money_words.isdisjoint(words(name))


def non_null_branches(avro_type: Any) -> list[Any]:
    branches = avro_type if isinstance(avro_type, list) else [avro_type]
    return [b for b in branches if b != "null"]


def avro_type_name(t: Any) -> tuple[str | None, str | None]:
    """(type, logicalType) of a non-union Avro type; (None, None) for named references."""
    if isinstance(t, str):
        return (t, None)
    if isinstance(t, dict):
        inner = t.get("type")
        if isinstance(inner, (dict, list)):
            return avro_type_name(inner)
        logical = t.get("logicalType")
        return (
            inner if isinstance(inner, str) else None,
            logical if isinstance(logical, str) else None,
        )
    return (None, None)
