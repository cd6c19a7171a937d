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
from dataclasses import dataclass, field

from accord.contracts import pointer as jp

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class _Unparseable(Exception):
    pass


@dataclass
class SourceMap:
    """Pointer -> (line, column), both 1-based, for one JSON text."""

    text: str
    _positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    _value_positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)
    _scanned: bool = False

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        try:
            end = self._value(_WS.match(self.text, 0).end(), "")  # type: ignore[union-attr]
            del end
        except (_Unparseable, IndexError, RecursionError):
            # Invalid JSON is reported by the parser with its own line; keep what we found.
            pass

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        self._scan()
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _record(self, pointer: str, key_offset: int, value_offset: int) -> None:
        self._positions[pointer] = self.offset_to_position(key_offset)
        self._value_positions[pointer] = self.offset_to_position(value_offset)

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def _value(self, i: int, pointer: str, key_offset: int | None = None) -> int:
        self._record(pointer, key_offset if key_offset is not None else i, i)
        ch = self.text[i]
        if ch == "{":
            i = self._skip(i + 1)
            if self.text[i] == "}":
                return i + 1
            while True:
                m = _STRING.match(self.text, i)
                if m is None:
                    raise _Unparseable
                key = json.loads(m.group(0))
                key_start = i
                i = self._skip(m.end())
                if self.text[i] != ":":
                    raise _Unparseable
                i = self._skip(i + 1)
                i = self._value(i, jp.join(pointer, key), key_start)
                i = self._skip(i)
                if self.text[i] == ",":
                    i = self._skip(i + 1)
                    continue
                if self.text[i] == "}":
                    return i + 1
                raise _Unparseable
        if ch == "[":
            i = self._skip(i + 1)
            if self.text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = self._value(i, jp.join(pointer, index))
                index += 1
                i = self._skip(i)
                if self.text[i] == ",":
                    i = self._skip(i + 1)
                    continue
                if self.text[i] == "]":
                    return i + 1
                raise _Unparseable
        m = _STRING.match(self.text, i) if ch == '"' else _SCALAR.match(self.text, i)
        if m is None:
            raise _Unparseable
        return m.end()

    def position(self, pointer: str) -> tuple[int, int]:
        """(line, column) of the node at ``pointer``, or of its nearest existing ancestor."""
        self._scan()
        p = pointer
        while True:
            if p in self._positions:
                return self._positions[p]
            if p == "":
                return (1, 1)
            p = jp.parent(p)

    def value_position(self, pointer: str) -> tuple[int, int]:
        """Like :meth:`position` but of the value (after ``"key":``) rather than the key."""
        self._scan()
        p = pointer
        while True:
            if p in self._value_positions:
                return self._value_positions[p]
            if p == "":
                return (1, 1)
            p = jp.parent(p)

    def pointers(self) -> list[str]:
        """Every pointer found, in document order."""
        self._scan()
        return list(self._positions)

    def has(self, pointer: str) -> bool:
        self._scan()
        return pointer in self._positions
