"""The registry's view of the compatibility engine (:mod:`accord.compat`).

:func:`judge` asks ``accord.compat.check_versions`` whether a new schema may follow the
previous ones at a level, and turns each breaking :class:`~accord.compat.change.Change` into
one message a person can act on: which version it breaks, where, what, and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.compat import check_versions
from accord.contracts.model import Level
from accord.errors import AccordError
from accord.registry.errors import invalid_schema


@dataclass(frozen=True)
class Verdict:
    """Whether the new schema is compatible, and one message per breaking change."""

    compatible: bool
    messages: tuple[str, ...] = ()


def judge(
    previous: Sequence[Any],
    new: Any,
    level: Level,
    *,
    schema_type: str,
    versions: Sequence[int],
    policy: str = "strict",
    references: Mapping[str, Any] | None = None,
) -> Verdict:
    """Check ``new`` against ``previous`` (self-contained documents, oldest first, numbered
    by ``versions``) at ``level``; non-transitive levels use only the last. ``schema_type``
    is "AVRO" or "JSON" (never guessed: ``{"type": "string"}`` is both)."""
    if level is Level.NONE or not previous:
        return Verdict(True)
    labels = [f"version {v}" for v in versions] + ["the new schema"]
    try:
        result = check_versions(
            list(previous),
            new,
            level,
            policy=policy,
            references=dict(references) if references else None,
            schema_type=schema_type,
            labels=labels,
        )
    except AccordError as exc:  # the engine refused a document the validators accepted
        raise invalid_schema(exc.message) from None
    messages = tuple(_message(change) for change in result.changes if change.breaking)
    return Verdict(bool(result.compatible), messages)


def _message(change: Any) -> str:
    where = change.path or "/"
    text = f"{change.message} [{change.kind} at {where}]"
    fix = getattr(change, "fix", None)
    return f"{text}; fix: {fix}" if fix else text
