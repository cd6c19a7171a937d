"""Naming styles (``PascalCase``, ``snake_case``...) and splitting names into words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

STYLES: dict[str, str] = {
    "PascalCase": r"[A-Z][a-zA-Z0-9]*",
    "camelCase": r"[a-z][a-zA-Z0-9]*",
    "snake_case": r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*",
    "SCREAMING_SNAKE_CASE": r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*",
    "kebab-case": r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*",
    # Dotted lower-case segments, each snake or kebab: Kafka topics, Avro namespaces.
    "dot.case": r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)*",
}

#: The default style of each kind of name (``lint: naming:`` in accord.yaml overrides them).
DEFAULT_STYLES: dict[str, str] = {
    "record": "PascalCase",
    "enum": "PascalCase",
    "field": "snake_case",
    "symbol": "SCREAMING_SNAKE_CASE",
    "namespace": "dot.case",
    "property": "snake_case",
    "title": "PascalCase",
    "event": "PascalCase",
    "service": "snake_case",
    "topic": "dot.case",
}

_EXAMPLES = {
    "PascalCase": "OrderPlaced",
    "camelCase": "orderId",
    "snake_case": "order_id",
    "SCREAMING_SNAKE_CASE": "OUT_OF_STOCK",
    "kebab-case": "order-service",
    "dot.case": "com.acme.order",
}
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@dataclass(frozen=True)
class Style:
    """A naming style: one of :data:`STYLES` by name, or a custom regular expression."""

    name: str
    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, value: str) -> Style:
        """A style name, or a regular expression starting with ``^``; ValueError otherwise."""
        if value in STYLES:
            return cls(value, re.compile(STYLES[value]))
        if value.startswith("^"):
            try:
                return cls(value, re.compile(value))
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        raise ValueError(f"unknown naming style {value!r}")

    def matches(self, name: str) -> bool:
        return self.pattern.fullmatch(name) is not None

    def describe(self) -> str:
        example = _EXAMPLES.get(self.name)
        return f"{self.name} (e.g. {example})" if example else f"the pattern {self.name}"


@lru_cache(maxsize=4096)
def words(name: str) -> tuple[str, ...]:
    """Lower-cased words of a name in any style (``unitPrice``, ``unit_price`` -> unit, price).

    Cached: the same field names recur across the schemas of one repository."""
    return tuple(w.lower() for w in _WORDS.findall(name))
