"""What every renderer receives: the diagnostics of one run and the docs of their rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from accord.diagnostics import Diagnostic, Severity, sort_diagnostics


@dataclass(frozen=True)
class RuleDoc:
    """Metadata of a rule or change kind, shown by SARIF viewers and ``accord rules``."""

    id: str
    summary: str  # one sentence: what the rule checks
    help_markdown: str = ""  # the full doc (what / why / example / fix)
    default_severity: Severity = Severity.ERROR
    categories: tuple[str, ...] = ()
    help_uri: str | None = None

    @property
    def name(self) -> str:
        """PascalCase name derived from the ID (SARIF ``rule.name``)."""
        return "".join(part.capitalize() for part in self.id.split("_"))


@dataclass(frozen=True)
class Report:
    """One run of a checking command: its findings, the rules behind them, the files seen."""

    tool: str  # e.g. "lint", "check"
    diagnostics: tuple[Diagnostic, ...]
    rules: Mapping[str, RuleDoc] = field(default_factory=lambda: MappingProxyType({}))
    files: tuple[str, ...] = ()  # every file examined (JUnit lists passing ones too)

    @classmethod
    def of(
        cls,
        tool: str,
        diagnostics: list[Diagnostic],
        *,
        rules: Mapping[str, RuleDoc] | None = None,
        files: list[str] | None = None,
    ) -> Report:
        return cls(
            tool=tool,
            diagnostics=tuple(sort_diagnostics(list(diagnostics))),
            rules=MappingProxyType(dict(rules or {})),
            files=tuple(sorted(set(files or []))),
        )

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def failed(self) -> bool:
        """True when at least one finding is an error (exit code 1)."""
        return self.count(Severity.ERROR) > 0

    def summary(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in Severity}
