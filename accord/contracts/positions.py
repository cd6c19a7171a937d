"""Where each JSON node sits in its source text.

``json.loads`` is fast but forgets positions; diagnostics need ``file:line:col`` for a JSON
pointer. :class:`SourceMap` re-scans the text once, on demand (clean files never pay for it),
and records for every pointer the position of the member's key (for object members) or of the
value (for array items and the root). Lookups of a pointer that does not exist (a node that
*should* be there) fall back to the nearest existing ancestor.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from accord.contracts import pointer as jp

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class _Unparseable(Exception):
    pass


# Skips one JSON value (returns the value and the offset after it), in C.
_SKIP = json.JSONDecoder().raw_decode


@dataclass
class SourceMap:
    """Pointer -> (line, column), both 1-based, for one JSON text."""

    text: str
    # Pointer -> (offset of the member's key or of the value, offset of the value).
    _offsets: dict[str, tuple[int, int]] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)
    _scanned: bool = False

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        try:
            end = self._value(self._skip(0), "")
            del end
        except (_Unparseable, IndexError, RecursionError):
            # Invalid JSON is reported by the parser with its own line; keep what we found.
            pass

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def _value(self, i: int, pointer: str, key_offset: int | None = None) -> int:
        # Offsets only: the few positions asked for are worked out by position().
        self._offsets[pointer] = (i if key_offset is None else key_offset, i)
        text = self.text
        ch = text[i]
        if ch == "{":
            i = self._skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                m = _STRING.match(text, i)
                if m is None:
                    raise _Unparseable
                raw = m.group(0)
                key = raw[1:-1] if "\\" not in raw else json.loads(raw)
                if "~" in key or "/" in key:
                    key = jp.escape(key)
                key_start = i
                i = self._skip(m.end())
                if text[i] != ":":
                    raise _Unparseable
                i = self._skip(i + 1)
                i = self._value(i, f"{pointer}/{key}", key_start)
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
                    continue
                if text[i] == "}":
                    return i + 1
                raise _Unparseable
        if ch == "[":
            i = self._skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = self._value(i, f"{pointer}/{index}")
                index += 1
                i = self._skip(i)
                if text[i] == ",":
                    i = self._skip(i + 1)
                    continue
                if text[i] == "]":
                    return i + 1
                raise _Unparseable
        m = _STRING.match(text, i) if ch == '"' else _SCALAR.match(text, i)
        if m is None:
            raise _Unparseable
        return m.end()

    def _nearest(self, pointer: str) -> tuple[int, int] | None:
        """The offsets of the node at ``pointer`` or of its nearest existing ancestor."""
        if not self._scanned:
            # A few lookups in a file (a finding or two) walk down their own path only.
            try:
                return self._descend(pointer)
            except (_Unparseable, IndexError, ValueError, RecursionError):
                pass  # what the text holds up to where it breaks: the full scan knows
        self._scan()
        p = pointer
        while True:
            if p in self._offsets:
                return self._offsets[p]
            if p == "":
                return None
            p = jp.parent(p)

    def _descend(self, pointer: str) -> tuple[int, int] | None:
        """:meth:`_nearest` without scanning the whole text: at each level, the members or
        items before the one on the path are skipped by the C scanner of ``json``."""
        text = self.text
        skip_value = _SKIP
        ws = self._skip
        i = ws(0)
        found = (i, i)
        if i >= len(text):
            return None
        tokens = [jp.unescape(t) for t in pointer.split("/")[1:]] if pointer else []
        for token in tokens:
            ch = text[i]
            if ch == "{":
                i = ws(i + 1)
                at = None
                while text[i] != "}":
                    m = _STRING.match(text, i)
                    if m is None:
                        raise _Unparseable
                    raw = m.group(0)
                    key = raw[1:-1] if "\\" not in raw else json.loads(raw)
                    key_start = i
                    i = ws(m.end())
                    if text[i] != ":":
                        raise _Unparseable
                    i = ws(i + 1)
                    if key == token:
                        at = (key_start, i)  # the last of duplicate keys wins, as in parsing
                    end = skip_value(text, i)[1]
                    i = ws(end)
                    if text[i] == ",":
                        i = ws(i + 1)
                    elif text[i] != "}":
                        raise _Unparseable
                if at is None:
                    return found
                found = at
                i = at[1]
            elif ch == "[":
                if not token.isdigit() or (token != "0" and token.startswith("0")):
                    return found
                i = ws(i + 1)
                for _ in range(int(token)):
                    if text[i] == "]":
                        return found
                    i = ws(skip_value(text, i)[1])
                    if text[i] == ",":
                        i = ws(i + 1)
                    elif text[i] != "]":
                        raise _Unparseable
                if text[i] == "]":
                    return found
                found = (i, i)
            else:
                return found  # a scalar has nothing below it
        return found

    def position(self, pointer: str) -> tuple[int, int]:
        """(line, column) of the node at ``pointer``, or of its nearest existing ancestor."""
        found = self._nearest(pointer)
        return (1, 1) if found is None else self.offset_to_position(found[0])

    def value_position(self, pointer: str) -> tuple[int, int]:
        """Like :meth:`position` but of the value (after ``"key":``) rather than the key."""
        found = self._nearest(pointer)
        return (1, 1) if found is None else self.offset_to_position(found[1])

    def pointers(self) -> list[str]:
        """Every pointer found, in document order."""
        self._scan()
        return list(self._offsets)

    def has(self, pointer: str) -> bool:
        self._scan()
        return pointer in self._offsets


def nearest(positions: Mapping[str, tuple[int, int]], pointer: str) -> tuple[int, int]:
    """(line, column) of ``pointer`` in a pointer -> position map, or of its nearest ancestor
    that has one (a node that should be there but is not points at its parent)."""
    p = pointer
    while p not in positions and p:
        p = jp.parent(p)
    return positions.get(p, (1, 1))
