"""Run the selected rules over the contracts: elements in, sorted diagnostics out.

The engine loads the input (the manifest and its schemas, or standalone schema files), reads
the configuration, walks every document once, calls each selected rule on each element of its
kind, then applies ``ignore`` paths and in-schema suppressions. Positions are resolved only for
the findings that are reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from accord.contracts import Contracts, Schema, find_manifest, try_load, try_read_schema
from accord.contracts.loader import display_path
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
from accord.lint.registry import Rule, all_rules
from accord.lint.walk import Grouped, manifest_elements, schema_elements
from accord.report import Report

SCHEMA_SUFFIXES = (".avsc", ".json")
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
    findings: list[tuple[Rule, Finding]] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)

    def __post_init__(self) -> None:
        for rid in self.config.rules:
            rule = self.rules[rid]
            self.by_kind.setdefault(rule.on, []).append(rule)

    @cached_property
    def wanted(self) -> frozenset[type[Element]]:
        kinds = set(self.by_kind)
        if kinds & {EventElement, TopicElement}:
            kinds.add(Payload)  # the manifest rules read the payload's key field
        return frozenset(kinds)

    def check(self, grouped: Grouped) -> None:
        for kind, elements in grouped.items():
            for rule in self.by_kind.get(kind, ()):
                check = rule.check
                for element in elements:
                    found = check(element)
                    if found is None:
                        continue
                    if isinstance(found, Finding):
                        self.findings.append((rule, found))
                    else:
                        self.findings.extend((rule, f) for f in found)

    def schema(self, schema: Schema, ctx: Context, event: str | None) -> Payload | None:
        grouped, payload, suppressions = schema_elements(schema, ctx, event, self.wanted)
        if payload is not None and Payload in self.by_kind:
            grouped[Payload] = [payload]
        self.check(grouped)
        self.suppressions.extend(suppressions)
        return payload

    def suppressed(self, rule: Rule, finding: Finding) -> bool:
        hit = False
        for s in self.suppressions:
            if s.rule == rule.id and s.doc is finding.document and s.covers(finding.pointer):
                s.used = hit = True
        return hit

    def diagnostics(self, only: set[Path] | None) -> list[Diagnostic]:
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


def _diagnostic(rule: Rule, f: Finding) -> Diagnostic:
    return Diagnostic(rule.id, rule.severity, f.message, f.document.locate(f.pointer), fix=f.fix)


def schema_files(paths: Iterable[Path]) -> list[Path]:
    """The schema files PATH arguments name (folders are searched for *.avsc and *.json)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
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
    requested = [Path(p) for p in paths]
    manifest_path = _manifest_path(manifest, requested)
    contracts: Contracts | None = None
    if manifest_path is not None:
        contracts, problems = try_load(manifest_path)
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
    rules = all_rules()
    state = _Run(config, rules)
    ctx = Context(config.options, contracts, against)
    files: list[str] = []
    only: set[Path] | None = None
    known: dict[Path, str] = {}
    if contracts is not None:
        payloads: dict[str, Payload] = {}
        for name in sorted(contracts.events):
            schema = contracts.events[name].schema
            if schema.path is not None and schema.path in known:
                continue  # one schema file named by two events is linted once
            if schema.path is not None:
                known[schema.path] = name
            payload = state.schema(schema, ctx, name)
            if payload is not None:
                payloads[name] = payload
            files.append(schema.file or name)
        if set(state.by_kind) & set(_MANIFEST_KINDS):
            state.check(manifest_elements(contracts, ctx, payloads, state.wanted))
        files.append(contracts.manifest_file)
    if paths:
        manifest_file = Path(contracts.manifest_file).resolve() if contracts else None
        only = set()
        standalone: list[Schema] = []
        problems: list[Diagnostic] = []
        for path in schema_files(paths):
            if contracts is not None:  # files the manifest names are linted with it already
                resolved = path.resolve()
                only.add(resolved)
                if resolved in known or resolved == manifest_file:
                    continue
            if path.suffix not in SCHEMA_SUFFIXES:
                raise UsageError.at(
                    f"{display_path(path)} is not a schema file",
                    file=display_path(path),
                    code="lint-not-a-schema",
                    fix="name Avro schemas *.avsc and JSON Schemas *.json",
                )
            read, found = try_read_schema(path)
            problems.extend(found)
            if read is not None:
                standalone.append(read)
                if read.path is not None:
                    only.add(read.path)
        if problems:
            n = len(problems)
            raise SchemaError(
                f"{n} problem{'s' if n != 1 else ''} in the schemas", problems=problems
            )
        for schema in standalone:
            state.schema(schema, ctx, None)
        files = [f for f in files if Path(f).resolve() in only]
        files.extend(s.file or "<input>" for s in standalone)
    return LintResult(
        diagnostics=tuple(state.diagnostics(only)),
        files=tuple(sorted(set(files))),
        rules=MappingProxyType({rid: rules[rid] for rid in config.rules}),
        history=against.description if against is not None else None,
    )
