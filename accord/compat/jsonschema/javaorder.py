"""The iteration order of Java's ``HashMap`` / ``HashSet`` over strings.

Confluent's diff walks property names through hash sets, so the order in which it reports
differences is the hash order of the names. Reproducing it keeps accord's change lists (and
the registry's verbose messages built from them) in the order Confluent prints.
"""

from __future__ import annotations

from collections.abc import Iterable


def string_hash(text: str) -> int:
    """Java's ``String.hashCode`` (over UTF-16 code units, 32-bit overflow)."""
    h = 0
    data = text.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h


def _spread(h: int) -> int:
    return h ^ (h >> 16)


def _table_for_puts(count: int) -> int:
    """Table size of a default ``HashMap`` after ``count`` successive puts."""
    size = 16
    while count > size * 0.75:
        size *= 2
    return size


def _table_for_copy(count: int) -> int:
    """Table size of ``new HashSet<>(collection of count)``."""
    wanted = max(int(count / 0.75) + 1, 16)
    size = 1
    while size < wanted:
        size *= 2
    return size


def hash_order(keys: Iterable[str], table: int) -> list[str]:
    """``keys`` (distinct, in insertion order) as a table of ``table`` buckets iterates them."""
    items = list(dict.fromkeys(keys))
    position = {k: i for i, k in enumerate(items)}
    return sorted(items, key=lambda k: (_spread(string_hash(k)) & (table - 1), position[k]))


def map_order(keys: Iterable[str]) -> list[str]:
    """Key order of a ``HashMap`` filled by successive puts (an everit property map)."""
    items = list(dict.fromkeys(keys))
    return hash_order(items, _table_for_puts(len(items)))


def union_order(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Order of ``s = new HashSet<>(first); s.addAll(second)``."""
    base = map_order(first)
    table = _table_for_copy(len(base))
    items = list(base)
    seen = set(items)
    for k in map_order(second):
        if k not in seen:
            seen.add(k)
            items.append(k)
            if len(items) > table * 0.75:
                table *= 2
    return hash_order(items, table)
