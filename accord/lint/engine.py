"""Run the selected rules over the contracts: elements in, sorted diagnostics out.

The engine loads the input (the manifest and its schemas, or standalone schema files), reads
the configuration, walks every document once, calls each selected rule on each element of its
kind, then applies ``ignore`` paths and in-schema suppressions. Positions are resolved only for
the findings that are reported.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from accord.contracts import Contracts, Schema, find_manifest, try_load, try_read_schema
from accord.contracts.loader import RealPaths, display_path
from accord.contracts.sources import Snapshot
from accord.diagnostics import Diagnostic, sort_diagnostics
from accord.errors import ManifestError, SchemaError, UsageError
from accord.lint.config import LintConfig, read_config, with_cli
from accord.lint.elements import (
    Context,
    Element,
    EventElement,
    Finding,
    Payload,
    ServiceElement,
    Suppression,
    TopicElement,
)
from accord.lint.history import previous_versions
from accord.lint.naming import forget
from accord.lint.registry import Rule, all_rules
from accord.lint.walk import Grouped, manifest_elements, schema_elements
from accord.report import Report

SCHEMA_SUFFIXES = (".avsc", ".json")
#: Schema documents are read, walked and checked in chunks of this many: each phase runs
#: over a chunk with its code and data warm, and a checked chunk can be freed at once.
CHUNK = 32
_MANIFEST_KINDS = (EventElement, ServiceElement, TopicElement)


@dataclass(frozen=True)
class LintResult:
    """One lint run: sorted findings, the files examined, the rules that ran."""

    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    rules: Mapping[str, Rule] = field(default_factory=lambda: MappingProxyType({}))
    history: str | None = None  # where previous versions came from, if any

    @property
    def failed(self) -> bool:
        return self.report().failed

    def report(self) -> Report:
        """The shared report the renderers take (SARIF carries every rule that ran)."""
        return Report.of(
            "lint",
            list(self.diagnostics),
            rules={rid: r.doc() for rid, r in self.rules.items()},
            files=list(self.files),
        )


@dataclass
class _Run:
    """The state of one run: rules by element kind, findings, suppressions."""

    config: LintConfig
    rules: dict[str, Rule]
    by_kind: dict[type[Element], list[Rule]] = field(default_factory=dict)
    # The same without the rules about history: for documents with no previous version, where
    # they have nothing to compare with (and find nothing).
    by_kind_now: dict[type[Element], list[Rule]] = field(default_factory=dict)
    findings: list[tuple[Rule, Finding]] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    # Schema elements walked but not checked yet, apart by whether their document has
    # history; :meth:`flush` checks them (a chunk of documents at a time).
    pending: dict[bool, Grouped] = field(default_factory=lambda: {False: {}, True: {}})

    def __post_init__(self) -> None:
        for rid in self.config.rules:
            rule = self.rules[rid]
            self.by_kind.setdefault(rule.on, []).append(rule)
            if not rule.history:
                self.by_kind_now.setdefault(rule.on, []).append(rule)

    @cached_property
    def wanted(self) -> frozenset[type[Element]]:
        kinds = set(self.by_kind)
        if kinds & {EventElement, TopicElement}:
            kinds.add(Payload)  # the manifest rules read the payload's key field
        return frozenset(kinds)

    def check(self, grouped: Grouped, history: bool = True) -> None:
        by_kind = self.by_kind if history else self.by_kind_now
        append = self.findings.append
        for kind, elements in grouped.items():
            for rule in by_kind.get(kind, ()):
                # A plain loop, not map(): CPython 3.11+ calls a Python function from Python
                # code without entering the interpreter again, at half the cost per call.
                check = rule.check
                for element in elements:
                    found = check(element)
                    if found is None:
                        continue
                    if isinstance(found, Finding):
                        append((rule, found))
                    else:
                        for f in found:
                            append((rule, f))

    def schema(self, schema: Schema, ctx: Context, event: str | None) -> Payload | None:
        """Walk one schema; its elements wait for :meth:`flush`."""
        grouped, payload, suppressions = schema_elements(schema, ctx, event, self.wanted)
        if payload is not None and Payload in self.by_kind:
            grouped[Payload] = [payload]
        previous = ctx.previous(event)
        pending = self.pending[previous is not None and bool(previous.versions)]
        for kind, elements in grouped.items():
            if kind in pending:
                pending[kind].extend(elements)
            else:
                pending[kind] = elements
        self.suppressions.extend(suppressions)
        return payload

    def flush(self) -> None:
        """Run the rules on the elements walked so far, rule by rule."""
        for history, grouped in self.pending.items():
            self.check(grouped, history)
            grouped.clear()

    def suppressed(self, rule: Rule, finding: Finding) -> bool:
        hit = False
        for s in self.suppressions:
            if s.rule == rule.id and s.doc is finding.document and s.covers(finding.pointer):
                s.used = hit = True
        return hit

    def diagnostics(self, only: set[Path] | None) -> list[Diagnostic]:
        self.flush()
        config = self.config
        by_path = bool(config.ignore or config.ignore_only)
        out: list[Diagnostic] = []
        for rule, f in self.findings:
            path = f.document.path if (by_path or only is not None) else None
            if only is not None and path not in only:
                continue
            if by_path and config.skips(rule.id, path):
                continue
            if self.suppressions and self.suppressed(rule, f):
                continue
            out.append(_diagnostic(rule, f))
        selected = set(config.rules)
        for s in self.suppressions:
            s.active = s.rule in selected
        for rule in self.by_kind.get(Suppression, ()):
            for s in self.suppressions:
                if only is not None and s.doc.path not in only:
                    continue
                found = rule.check(s)
                if isinstance(found, Finding):
                    out.append(_diagnostic(rule, found))
                elif found is not None:
                    out.extend(_diagnostic(rule, f) for f in found)
        return sort_diagnostics(out)


def _lint_chunk(state: _Run, ctx: Context, chunk: list[Schema]) -> None:
    """Walk and check standalone schemas; the chunk is emptied, so the schemas can be freed."""
    for schema in chunk:
        state.schema(schema, ctx, None)
    chunk.clear()
    state.flush()


def _diagnostic(rule: Rule, f: Finding) -> Diagnostic:
    return Diagnostic(rule.id, rule.severity, f.message, f.document.locate(f.pointer), fix=f.fix)


def schema_files(paths: Iterable[Path]) -> list[Path]:
    """The schema files PATH arguments name (folders are searched for *.avsc and *.json)."""
    out: list[Path] = []
    for path in paths:
        if os.path.isdir(path):
            found = (
                p
                for p in path.rglob("*")
                if p.suffix in SCHEMA_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.is_file()
            )
            out.extend(sorted(found))
        else:
            out.append(path)
    return out


def lint(
    manifest: Path | str | None = None,
    paths: Sequence[Path | str] = (),
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    against: Snapshot | str | None = None,
) -> LintResult:
    """Lint the contracts of ``manifest`` (default: found from the working directory).

    ``paths`` limit the report to those files (folders: every schema below them); schema files
    the manifest does not name are linted on their own, without the manifest rules. ``select``
    and ``ignore`` are ``--select`` / ``--ignore`` (rule IDs or categories). ``against`` is the
    previous state of the contracts for the rules about history: a :class:`Snapshot`, an
    ``--against`` spec (``git:REF``, a folder, ``registry[:URL]``), ``"auto"`` (the git
    history when inside a git work tree) or None (skip the history part).

    Raises :class:`InputError` (exit 2) for an invalid manifest, schema or configuration.
    """
    with cycle_collector_paused():
        requested = [p if isinstance(p, Path) else Path(p) for p in paths]
        manifest_path = _manifest_path(manifest, requested)
        contracts: Contracts | None = None
        if manifest_path is not None:
            contracts, problems = try_load(manifest_path, fastavro_backstop=False)
            if contracts is None:
                n = len(problems)
                raise ManifestError(
                    f"{n} problem{'s' if n != 1 else ''} in the contracts", problems=problems
                )
        config, problems = read_config(contracts)
        if problems:
            raise ManifestError("invalid `lint` configuration in accord.yaml", problems=problems)
        config = with_cli(config, select, ignore)
        return run(contracts, config, requested, previous_versions(against, contracts))


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for one lint run (as it was before, afterwards).

    A run allocates hundreds of thousands of small objects (parsed schemas, elements, lazy
    pointers) that form no reference cycles, and the collector would traverse them again and
    again while they live; reference counting frees them all the same.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _manifest_path(manifest: Path | str | None, requested: list[Path]) -> Path | None:
    if manifest is not None:
        return Path(manifest)
    found = find_manifest()
    if found.is_file():
        return found
    if requested:
        return None  # standalone schema files: no manifest needed
    raise ManifestError.at(
        f"no manifest at {display_path(found)}",
        file=display_path(found),
        code="manifest-unreadable",
        fix="run accord from the folder holding accord.yaml, pass --manifest PATH,"
        " or name schema files to lint them on their own",
    )


def run(
    contracts: Contracts | None,
    config: LintConfig,
    paths: Sequence[Path] = (),
    against: Snapshot | None = None,
) -> LintResult:
    """Lint loaded ``contracts`` and/or schema files with a resolved configuration."""
    forget()  # nothing remembered from an earlier run is reused
    rules = all_rules()
    state = _Run(config, rules)
    ctx = Context(config.options, contracts, against)
    files: list[str] = []
    only: set[Path] | None = None
    known: dict[Path, str] = {}
    if contracts is not None:
        payloads: dict[str, Payload] = {}
        for n, name in enumerate(sorted(contracts.events), 1):
            schema = contracts.events[name].schema
            if schema.path is not None and schema.path in known:
                continue  # one schema file named by two events is linted once
            if schema.path is not None:
                known[schema.path] = name
            payload = state.schema(schema, ctx, name)
            if payload is not None:
                payloads[name] = payload
            files.append(schema.file or name)
            if n % CHUNK == 0:
                state.flush()
        state.flush()
        if set(state.by_kind) & set(_MANIFEST_KINDS):
            state.check(manifest_elements(contracts, ctx, payloads, state.wanted))
        files.append(contracts.manifest_file)
    if paths:
        real_paths = RealPaths()
        manifest_file = real_paths(contracts.manifest_file) if contracts else None
        only = set()
        standalone: list[str] = []
        problems: list[Diagnostic] = []
        chunk: list[Schema] = []  # read, not yet walked and checked
        for path in schema_files(paths):
            if contracts is not None:  # files the manifest names are linted with it already
                resolved = real_paths(path)
                only.add(resolved)
                if resolved in known or resolved == manifest_file:
                    continue
            if os.path.splitext(path)[1] not in SCHEMA_SUFFIXES:  # Path.suffix, cheaper
                raise UsageError.at(
                    f"{display_path(path)} is not a schema file",
                    file=display_path(path),
                    code="lint-not-a-schema",
                    fix="name Avro schemas *.avsc and JSON Schemas *.json",
                )
            read, found = try_read_schema(path, real_paths=real_paths, fastavro_backstop=False)
            problems.extend(found)
            if read is None:
                continue
            if read.path is not None:
                only.add(read.path)
            standalone.append(read.file or "<input>")
            if not problems:  # else nothing is reported but the problems: stop linting
                chunk.append(read)
                if len(chunk) == CHUNK:
                    _lint_chunk(state, ctx, chunk)
        _lint_chunk(state, ctx, chunk)
        if problems:
            n = len(problems)
            raise SchemaError(
                f"{n} problem{'s' if n != 1 else ''} in the schemas", problems=problems
            )
        files = [f for f in files if real_paths(f) in only]
        files.extend(standalone)
    return LintResult(
        diagnostics=tuple(state.diagnostics(only)),
        files=tuple(sorted(set(files))),
        rules=MappingProxyType({rid: rules[rid] for rid in config.rules}),
        history=against.description if against is not None else None,
    )
