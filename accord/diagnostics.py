"""One record for everything accord reports about files: lint findings, compatibility
verdicts in the gate, and input errors.

A :class:`Diagnostic` says *what* (``rule_id``, ``message``), *where* (a :class:`Location`:
file, line, column and JSON pointer), *how bad* (:class:`Severity`) and *what to do* (``fix``).
Renderers in :mod:`accord.report` turn lists of them into text, JSON, SARIF, GitHub annotations
and JUnit; they are always sorted with :meth:`Diagnostic.sort_key` first, so output is stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Severity(StrEnum):
    """How much a diagnostic matters; ``ERROR`` fails a check (exit 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file. Lines and columns are 1-based; ``pointer`` is an RFC 6901 JSON
    pointer into the document ("" is the whole document)."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    end_line: int | None = None
    end_column: int | None = None

    def render(self) -> str:
        """``file:line:col`` with the parts that are known (``file`` alone, ``<input>``...)."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }
        if self.end_line is not None:
            data["end_line"] = self.end_line
            data["end_column"] = self.end_column
        return data


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding.

    ``rule_id`` is a stable identifier (a lint rule ID such as ``AVRO_FIELD_MISSING_DOC``, a
    compatibility change kind such as ``FIELD_ADDED_WITHOUT_DEFAULT``, or an input error code).
    ``related`` optionally points into the other side of a comparison (the ``--against`` schema).
    ``data`` carries machine-readable extras (a witness datum, the level, versions compared).
    """

    rule_id: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    fix: str | None = None
    related: Location | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        loc = self.location
        return (
            loc.file or "",
            loc.line if loc.line is not None else 0,
            loc.column if loc.column is not None else 0,
            loc.pointer,
            self.rule_id,
            self.message,
        )

    def render_line(self) -> str:
        """``file:line:col: message`` (plus `` [ID]``), the form editors and CI logs parse."""
        return f"{self.location.render()}: {self.message} [{self.rule_id}]" + (
            f"\n  fix: {self.fix}" if self.fix else ""
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_dict(),
            "fix": self.fix,
        }
        if self.related is not None:
            data["related"] = self.related.to_dict()
        if self.data:
            data["data"] = dict(self.data)
        return data


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Stable output order: by file, position, pointer, rule, message; duplicates dropped."""
    seen: set[tuple[str, int, int, str, str, str]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        k = d.sort_key()
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out
