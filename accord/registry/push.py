"""``accord registry push``: register every subject of the manifest in a registry.

Subjects go in dependency order (a JSON Schema whose ``$ref`` names another event's schema
file is registered after it, with a schema reference). For each subject: if the registry
already has the schema, nothing changes; otherwise the subject's level is set to the
manifest's, the registry's own ``/compatibility`` endpoint judges the schema, and only a
compatible schema is registered. ``dry_run`` makes no change and returns the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from accord.contracts.model import Contracts, Event, SchemaFormat
from accord.errors import InputError
from accord.registry.client import RegistryClient, schema_body


class Action(StrEnum):
    UNCHANGED = "unchanged"  # the registry has this schema under the subject
    CREATE = "create"  # a new subject, version 1
    ADD = "add"  # a new, compatible version
    INCOMPATIBLE = "incompatible"  # refused by the registry's compatibility check
    PENDING = "pending"  # dry run: judged once the schemas it references are registered
    SKIPPED = "skipped"  # a schema it references was not registered

    @property
    def failed(self) -> bool:
        return self in (Action.INCOMPATIBLE, Action.SKIPPED)


@dataclass(frozen=True)
class Reference:
    """A ``$ref`` of one event's schema to another event's schema file."""

    name: str
    event: str


@dataclass(frozen=True)
class Step:
    """What push did (or, on a dry run, would do) for one subject."""

    event: str
    subject: str
    action: Action
    level: str
    registry_level: str | None = None  # the subject's own level before the push, if any
    version: int | None = None
    schema_id: int | None = None
    messages: tuple[str, ...] = ()
    references: tuple[Reference, ...] = field(default=())

    @property
    def sets_level(self) -> bool:
        return self.registry_level != self.level

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "subject": self.subject,
            "action": self.action.value,
            "level": self.level,
            "registry_level": self.registry_level,
            "sets_level": self.sets_level,
            "version": self.version,
            "id": self.schema_id,
            "messages": list(self.messages),
            "references": [{"name": r.name, "event": r.event} for r in self.references],
        }


@dataclass(frozen=True)
class PushReport:
    registry: str
    dry_run: bool
    steps: tuple[Step, ...]

    @property
    def ok(self) -> bool:
        return not any(s.action.failed for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "steps": [s.to_dict() for s in self.steps],
        }


Progress = Callable[[int, int, Step], None]


def push(
    contracts: Contracts,
    client: RegistryClient,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> PushReport:
    """Register the manifest's subjects (or plan it, with ``dry_run``)."""
    ordered = dependency_order(contracts)
    done: dict[str, Step] = {}
    for index, (event, refs) in enumerate(ordered, start=1):
        step = _push_one(contracts, client, event, refs, done, dry_run=dry_run)
        done[event.name] = step
        if progress is not None:
            progress(index, len(ordered), step)
    return PushReport(client.url, dry_run, tuple(done[e.name] for e, _ in ordered))


def _push_one(
    contracts: Contracts,
    client: RegistryClient,
    event: Event,
    refs: tuple[Reference, ...],
    done: Mapping[str, Step],
    *,
    dry_run: bool,
) -> Step:
    level = event.compatibility.value
    base = Step(event.name, event.subject, Action.UNCHANGED, level, references=refs)
    deps = [done[r.event] for r in refs]
    if any(d.action.failed for d in deps):
        return _with(base, Action.SKIPPED, messages=("a schema it references was not registered",))
    if any(d.action in (Action.CREATE, Action.ADD, Action.PENDING) and dry_run for d in deps):
        return _with(base, Action.PENDING, registry_level=client.level(event.subject))
    body = schema_body(
        event.schema.text,
        event.schema.format.value,
        [
            {"name": r.name, "subject": done[r.event].subject, "version": done[r.event].version}
            for r in refs
        ],
    )
    own = client.level(event.subject)
    base = _with(base, Action.UNCHANGED, registry_level=own)
    found = client.lookup(event.subject, body)
    if found is not None:
        if own != level and not dry_run:
            client.set_level(event.subject, level)
        return _with(
            base, Action.UNCHANGED, version=found.get("version"), schema_id=found.get("id")
        )
    if own != level and not dry_run:
        client.set_level(event.subject, level)  # the manifest's level judges the new version
    existing = client.versions(event.subject)
    compatible, messages = client.check(event.subject, body)
    if not compatible:
        return _with(base, Action.INCOMPATIBLE, messages=tuple(messages))
    action = Action.ADD if existing else Action.CREATE
    if dry_run:
        return _with(base, action, version=(max(existing) + 1) if existing else 1)
    registered = client.register(event.subject, body)
    version = registered.get("version")
    if version is None:  # Confluent answers {"id": N} only
        version = (client.lookup(event.subject, body) or {}).get("version")
    return _with(base, action, version=version, schema_id=registered.get("id"))


def _with(step: Step, action: Action, **changes: Any) -> Step:
    values = {**step.__dict__, "action": action, **changes}
    return Step(**values)


def dependency_order(contracts: Contracts) -> list[tuple[Event, tuple[Reference, ...]]]:
    """Every event with the references of its schema, dependencies before dependents."""
    refs = {name: _file_refs(contracts, event) for name, event in contracts.events.items()}
    out: list[tuple[Event, tuple[Reference, ...]]] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join((*chain, name))
            raise InputError.at(
                f"schemas reference each other in a cycle: {cycle}",
                file=contracts.manifest_file,
                fix="a registry stores references in order; break the cycle",
            )
        state[name] = "visiting"
        for ref in refs[name]:
            visit(ref.event, (*chain, name))
        state[name] = "done"
        out.append((contracts.events[name], refs[name]))

    for name in sorted(contracts.events):
        visit(name, ())
    return out


def _file_refs(contracts: Contracts, event: Event) -> tuple[Reference, ...]:
    """JSON Schema ``$ref``s naming another event's schema file (by relative path)."""
    schema = event.schema
    if schema.format is not SchemaFormat.JSON or schema.path is None:
        return ()
    by_path = {e.schema.path: e.name for e in contracts.events.values() if e.schema.path}
    found: dict[str, Reference] = {}
    for target in _external_refs(schema.data):
        path = (schema.path.parent / unquote(target)).resolve()
        other = by_path.get(path)
        if other is not None and other != event.name:
            found.setdefault(target, Reference(target, other))
    return tuple(found[k] for k in sorted(found))


def _external_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                target = value.split("#", 1)[0]
                if target and "://" not in target:
                    yield target
            elif key not in ("enum", "const", "examples", "default"):
                yield from _external_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _external_refs(item)
