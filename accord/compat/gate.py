"""The deploy gate behind ``accord check``: every event of the manifest against its previous
versions, at the event's level, as :class:`~accord.diagnostics.Diagnostic` records.

- an event the other snapshot does not know is new, and passes;
- an event with previous versions is checked with :func:`accord.compat.check_versions` at
  its level (the registry's configured level when the snapshot has one); the same change
  found against several versions is reported once, naming every version it breaks;
- an event the manifest no longer declares fails when a service consumed it (in the other
  snapshot), and is noted otherwise;
- a changed registry subject (topic or record name) is a warning: the registry would start a
  new history.

Previous versions are numbered v1..vN, oldest first, and the working tree is v(N+1), so a
message reads "consumers on v4 (working tree) cannot read events written with v3 (git:HEAD)".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.compat.change import Change, CompatibilityResult, Policy
from accord.compat.check import check_versions
from accord.compat.rules import rule_docs
from accord.contracts.model import Contracts, Event, Level, Schema
from accord.contracts.sources import PreviousEvent, Snapshot
from accord.diagnostics import Diagnostic, Severity
from accord.errors import SchemaError
from accord.report import Report


@dataclass(frozen=True)
class EventVerdict:
    """What the gate decided for one event."""

    name: str
    status: str  # "new" | "compatible" | "incompatible" | "removed"
    level: Level | None = None
    versions: int = 0


@dataclass(frozen=True)
class GateResult:
    """The diagnostics of one gate run, with a verdict per event."""

    against: str
    diagnostics: tuple[Diagnostic, ...]
    verdicts: tuple[EventVerdict, ...]
    files: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def report(self) -> Report:
        kinds = {d.rule_id for d in self.diagnostics}
        return Report.of(
            "check", list(self.diagnostics), rules=rule_docs(kinds), files=list(self.files)
        )


@dataclass
class _Collector:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    verdicts: list[EventVerdict] = field(default_factory=list)


def run(contracts: Contracts, snapshot: Snapshot, *, policy: str | Policy = "strict") -> GateResult:
    """Check every event of ``contracts`` against ``snapshot``."""
    out = _Collector()
    for name in sorted(contracts.events):
        event = contracts.events[name]
        previous = snapshot.events.get(name)
        if previous is None or not previous.versions:
            out.verdicts.append(EventVerdict(name, "new", event.compatibility))
            continue
        _subject(contracts, event, previous, out)
        _event(event, previous, snapshot.description, policy, out)
    for name in sorted(set(snapshot.events) - set(contracts.events)):
        _removed(contracts, snapshot, snapshot.events[name], out)
    files = sorted({e.schema.file for e in contracts.events.values() if e.schema.file})
    return GateResult(
        against=snapshot.description,
        diagnostics=tuple(out.diagnostics),
        verdicts=tuple(out.verdicts),
        files=(contracts.manifest_file, *files),
        notes=snapshot.notes,
    )


def labels(previous: PreviousEvent, against: str) -> list[str]:
    """``v1 (git:abc1234)`` ... ``vN (git:HEAD)``, then ``vN+1 (working tree)``."""
    count = len(previous.versions)
    out = []
    for i, schema in enumerate(previous.versions):
        origin = against if i == count - 1 else _origin(schema, against)
        out.append(f"v{i + 1} ({origin})")
    out.append(f"v{count + 1} (working tree)")
    return out


def _origin(schema: Schema, against: str) -> str:
    # History versions are named "git:REF@commit:path": keep "git:commit".
    file = schema.file or ""
    if file.startswith("git:") and "@" in file:
        commit = file.split("@", 1)[1].split(":", 1)[0]
        return f"git:{commit}"
    return against


def _event(
    event: Event,
    previous: PreviousEvent,
    against: str,
    policy: str | Policy,
    out: _Collector,
) -> None:
    level = previous.level or event.compatibility
    names = labels(previous, against)
    try:
        result = check_versions(
            list(previous.versions), event.schema, level, policy=policy, labels=names
        )
    except SchemaError as exc:
        # A previous version accord cannot read: say so at the event, do not guess.
        out.diagnostics.extend(exc.problems)
        out.verdicts.append(EventVerdict(event.name, "incompatible", level))
        return
    status = "compatible" if result.compatible else "incompatible"
    out.verdicts.append(EventVerdict(event.name, status, level, result.versions_checked))
    for group in _grouped(result):
        out.diagnostics.append(_diagnostic(event, previous, level, names, group))


def _grouped(result: CompatibilityResult) -> list[list[Change]]:
    """Breaking changes, the same change against several versions kept together."""
    groups: dict[tuple[str, str, str, str], list[Change]] = {}
    for c in result.breaking:
        key = (c.kind, c.direction.value if c.direction else "", c.path, c.old_path)
        groups.setdefault(key, []).append(c)
    return list(groups.values())


def _diagnostic(
    event: Event,
    previous: PreviousEvent,
    level: Level,
    names: list[str],
    group: list[Change],
) -> Diagnostic:
    change = group[0]  # the latest version first (check_versions orders them so)
    version = change.version if change.version is not None else len(previous.versions) - 1
    old_schema = previous.versions[version]
    message = f"{event.name}: {change.message}"
    others = [names[c.version] for c in group[1:] if c.version is not None]
    if others:
        message += f" (also against {', '.join(others)})"
    data: dict[str, Any] = {
        "event": event.name,
        "subject": event.subject,
        "level": level.value,
        "direction": change.direction.value if change.direction else None,
        "versions": [names[c.version] for c in group if c.version is not None],
        "reference_type": change.reference_type,
        "reference_location": change.location,
    }
    witness = change.witness
    if witness is not None:
        data["witness"] = witness.to_json()
        data["witness_reason"] = witness.reason
    return Diagnostic(
        rule_id=change.kind,
        severity=Severity.ERROR,
        message=message,
        location=event.schema.locate(change.path),
        fix=change.fix,
        related=old_schema.locate(change.old_path),
        data=data,
    )


def _subject(contracts: Contracts, event: Event, previous: PreviousEvent, out: _Collector) -> None:
    if previous.subject == event.subject:
        return
    out.diagnostics.append(
        Diagnostic(
            rule_id="EVENT_SUBJECT_CHANGED",
            severity=Severity.WARNING,
            message=f"{event.name}: the registry subject changed from {previous.subject!r} to"
            f" {event.subject!r}; the registry starts a new history, and consumers of the old"
            " subject see no new events",
            location=contracts.locate(f"/events/{event.name}"),
            fix="keep the topic and the record name, or publish a new event type",
            data={"event": event.name, "old": previous.subject, "new": event.subject},
        )
    )


def _removed(
    contracts: Contracts, snapshot: Snapshot, previous: PreviousEvent, out: _Collector
) -> None:
    consumers = list(previous.consumers)
    where = contracts.locate("/events")
    related = previous.latest.locate("") if previous.versions else None
    if consumers:
        who = ", ".join(f"`{c}`" for c in consumers)
        severity, message = (
            Severity.ERROR,
            f"event `{previous.name}` was removed, but {who} consumed it in"
            f" {snapshot.description}: they would wait for events that never come",
        )
    else:
        severity, message = (
            Severity.INFO,
            f"event `{previous.name}` was removed (no service consumed it in"
            f" {snapshot.description})",
        )
    out.diagnostics.append(
        Diagnostic(
            rule_id="EVENT_REMOVED",
            severity=severity,
            message=message,
            location=where,
            fix="remove it from every service's `consumes` and deploy them first"
            if consumers
            else None,
            related=related,
            data={"event": previous.name, "consumers": consumers},
        )
    )
    out.verdicts.append(EventVerdict(previous.name, "removed"))


def summary(verdicts: Iterable[EventVerdict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    return dict(sorted(counts.items()))
