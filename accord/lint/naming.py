"""Naming styles (``PascalCase``, ``snake_case``...) and splitting names into words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

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


#: Caches that live for one lint run (see :func:`per_run`).
_RUN_CACHES: list[Any] = []


def per_run(fn: F) -> F:
    """``functools.cache`` for one lint run: :func:`forget` (called by the engine at the start
    of each run) empties it. Names recur across the schemas of one repository."""
    cached = cache(fn)
    _RUN_CACHES.append(cached)
    return cast(F, cached)


def forget() -> None:
    """Empty the caches of :func:`per_run` functions: nothing is reused from an earlier run."""
    for cached in _RUN_CACHES:
        cached.cache_clear()


@dataclass(frozen=True)
class Style:
    """A naming style: one of :data:`STYLES` by name, or a custom regular expression."""

    name: str
    pattern: re.Pattern[str]
    #: ``matches(name)``: whether a name follows the style; ``problem(kind, name)``: the
    #: message when it does not, else None. Both remember their answers per Style, and Styles
    #: are made per lint run (with its configuration).
    matches: Callable[[str], bool] = field(init=False, repr=False, compare=False)
    problem: Callable[[str, str], str | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fullmatch = self.pattern.fullmatch

        def problem(kind: str, name: str) -> str | None:
            if fullmatch(name) is not None:
                return None
            return f"{kind} {name!r} is not {self.describe()}"

        object.__setattr__(self, "matches", cache(lambda name: fullmatch(name) is not None))
        object.__setattr__(self, "problem", cache(problem))

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

    def describe(self) -> str:
        example = _EXAMPLES.get(self.name)
        return f"{self.name} (e.g. {example})" if example else f"the pattern {self.name}"


@per_run
def words(name: str) -> tuple[str, ...]:
    """Lower-cased words of a name in any style (``unitPrice``, ``unit_price`` -> unit, price)."""
    return tuple(w.lower() for w in _WORDS.findall(name))
