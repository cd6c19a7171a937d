"""The rule registry: a rule is data (ID, categories, default, severity, docs) + one function.

A rule is declared in one place, with one decorator::

    @rule("AVRO_FIELD_MISSING_DOC", on=AvroField, categories=("docs",))
    def avro_field_missing_doc(field: AvroField) -> Found:
        '''Avro fields have a ``doc``.

        ## What it does
        ...
        '''

``on`` names the element kind the function sees (one record field, one enum, one event...);
the traversal that finds those elements is written once, in :mod:`accord.lint.walk`. The
docstring's first line is the summary and its ``##`` sections are the rule's documentation
(checked at import: every rule documents the same sections, in the same order).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from accord.diagnostics import Severity
from accord.lint.elements import Element, Finding
from accord.report import RuleDoc

#: The documentation sections every rule has, in this order (ruff's layout).
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix")

#: The thematic categories; a rule has one of them, plus what it examines (avro, jsonschema,
#: manifest).
THEMES = ("naming", "docs", "evolution", "envelope", "topology", "suppression")
SUBJECTS = ("avro", "jsonschema", "manifest")
CATEGORIES = THEMES + SUBJECTS

_ID = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)

#: What a rule function returns: nothing, one finding, or several.
Found = Finding | Iterable[Finding] | None
E = TypeVar("E", bound=Element)


@dataclass(frozen=True)
class Rule:
    """One lint rule: its identity, where it applies, how bad it is, and its docs."""

    id: str
    on: type[Element]
    check: Callable[[Any], Found]
    categories: tuple[str, ...]
    default: bool
    severity: Severity
    summary: str
    sections: Mapping[str, str]
    history: bool = False  # needs the previous versions (--against)

    @property
    def markdown(self) -> str:
        """The full documentation as Markdown (what SARIF viewers and `accord rules ID` show)."""
        parts = [f"# {self.id}", "", self.summary, ""]
        for title in SECTIONS:
            parts += [f"## {title}", "", self.sections[title], ""]
        return "\n".join(parts).rstrip() + "\n"

    def doc(self) -> RuleDoc:
        return RuleDoc(
            id=self.id,
            summary=self.summary,
            help_markdown=self.markdown,
            default_severity=self.severity,
            categories=self.categories,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "summary": self.summary,
            "categories": list(self.categories),
            "default": self.default,
            "severity": self.severity.value,
            "applies_to": self.on.KIND,
            "needs_history": self.history,
            "docs": {title: self.sections[title] for title in SECTIONS},
        }


_RULES: dict[str, Rule] = {}


def parse_docstring(rule_id: str, text: str | None) -> tuple[str, dict[str, str]]:
    """(summary, {section title: body}) of a rule's docstring; ValueError if incomplete."""
    doc = inspect.cleandoc(text or "")
    heads = list(_HEADING.finditer(doc))
    summary = " ".join(doc[: heads[0].start()].split()) if heads else ""
    sections = {
        m.group(1).strip(): doc[
            m.end() : (heads[i + 1].start() if i + 1 < len(heads) else None)
        ].strip()
        for i, m in enumerate(heads)
    }
    titles = tuple(sections)
    if not summary or titles != SECTIONS or not all(sections.values()):
        raise ValueError(
            f"rule {rule_id}: the docstring needs a summary line and the sections"
            f" {', '.join(SECTIONS)} in that order (found {', '.join(titles) or 'none'})"
        )
    return summary, sections


def rule(
    rule_id: str,
    *,
    on: type[E],
    categories: tuple[str, ...],
    default: bool = True,
    severity: Severity = Severity.ERROR,
    history: bool = False,
) -> Callable[[Callable[[E], Found]], Callable[[E], Found]]:
    """Register the decorated function as rule ``rule_id`` over elements of kind ``on``."""

    def register(fn: Callable[[E], Found]) -> Callable[[E], Found]:
        if not _ID.match(rule_id):
            raise ValueError(f"rule ID {rule_id!r} must be UPPER_SNAKE_CASE")
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id} is declared twice")
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown or not any(c in THEMES for c in categories):
            raise ValueError(f"rule {rule_id}: categories must include one of {THEMES}")
        summary, sections = parse_docstring(rule_id, fn.__doc__)
        _RULES[rule_id] = Rule(
            id=rule_id,
            on=on,
            check=fn,
            categories=tuple(categories),
            default=default,
            severity=severity,
            summary=summary,
            sections=MappingProxyType(sections),
            history=history,
        )
        return fn

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule by ID, sorted by ID (importing the rule modules on first use)."""
    import accord.lint.rules  # noqa: F401  (registers the built-in rules)

    return {rid: _RULES[rid] for rid in sorted(_RULES)}


def categories() -> list[str]:
    return list(CATEGORIES)
