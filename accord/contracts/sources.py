"""Where the *previous* contracts come from: the ``--against`` seam of ``accord check``.

A :class:`Source` turns a spec string into a :class:`Snapshot`: for every event it knows,
the versions of its schema (oldest first) and who consumed it. The gate never learns whether
a snapshot came from a git ref, a directory or a schema registry.

Spec strings (:func:`parse_against`):

- ``git:REF``           the manifest and schemas at a git ref; with ``history`` (or for events
                        whose level is transitive) every distinct version of each schema file
                        in REF's history, following renames
- ``DIR``               another checkout / folder holding an accord.yaml (or the manifest file)
- ``registry``          the manifest's ``registry:`` URL; ``registry:URL`` an explicit one
- no spec               :func:`default_against`: the merge base of HEAD with the default
                        branch (``origin/HEAD``, ``origin/main``, ``main``...), else ``HEAD``
"""

from __future__ import annotations

import json
import posixpath
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from accord.contracts.gitrepo import Repo
from accord.contracts.loader import display_path, parse_json, schema_from_data, try_load
from accord.contracts.manifest import MANIFEST_NAME
from accord.contracts.model import Contracts, Level, Schema, SchemaFormat
from accord.diagnostics import Diagnostic
from accord.errors import SourceError, UsageError


@dataclass(frozen=True)
class PreviousEvent:
    """One event as the other source knows it."""

    name: str
    subject: str
    versions: tuple[Schema, ...]  # oldest first; the last is the latest
    consumers: tuple[str, ...] = ()
    level: Level | None = None  # the level the source has configured (registry), if any

    @property
    def latest(self) -> Schema:
        return self.versions[-1]


@dataclass(frozen=True)
class Snapshot:
    """The previous state of the contracts, from one source."""

    description: str  # for messages: "git:HEAD~1", "directory ../old", "registry http://..."
    events: Mapping[str, PreviousEvent] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()  # things the reader of a report should know (shallow history)


class Source(Protocol):
    """Anything that can produce a :class:`Snapshot` to compare the working tree against."""

    @property
    def description(self) -> str: ...

    def snapshot(self, current: Contracts) -> Snapshot:
        """The previous contracts; ``current`` maps subjects back to event names."""
        ...


# --- spec parsing -----------------------------------------------------------------------------


def parse_against(
    spec: str | None,
    contracts: Contracts | None = None,
    *,
    history: bool = False,
    cwd: Path | None = None,
) -> Source:
    """The :class:`Source` a ``--against`` value names.

    ``history=True`` asks a git source for every distinct version of every schema (not only
    for transitive levels), e.g. for lint rules about a field's first version.
    """
    here = (cwd or Path.cwd()).resolve()
    if spec is None or not spec.strip():
        return default_against(here, history=history)
    spec = spec.strip()
    if spec.startswith("git:"):
        ref = spec[4:]
        if not ref:
            raise UsageError("--against git: needs a ref, e.g. git:HEAD~1 or git:origin/main")
        return GitSource(ref, start=here, history=history)
    if spec == "registry" or spec.startswith("registry:"):
        url = spec[len("registry:") :] if spec.startswith("registry:") else None
        return _registry(url or (contracts.registry if contracts else None))
    path = Path(spec) if Path(spec).is_absolute() else here / spec
    if path.is_dir() or path.is_file():
        return DirectorySource(path)
    repo = Repo.find(here)
    hint = "use git:REF, registry[:URL] or an existing directory"
    if repo is not None and repo.resolve(spec):
        hint = f"did you mean --against git:{spec}?"
    raise UsageError(f"--against {spec!r} is not a directory, git:REF or registry", hint=hint)


def _registry(url: str | None) -> Source:
    if not url:
        raise UsageError(
            "--against registry: no registry URL",
            hint="set `registry:` in accord.yaml or pass --against registry:http://host:8081",
        )
    try:
        from accord.registry.source import RegistrySource  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise SourceError(
            "the registry source is not available in this build",
            hint="compare against git (--against git:main) or a directory instead",
        ) from None
    source: Source = RegistrySource(url)
    return source


def default_against(start: Path, *, history: bool = False) -> GitSource:
    """The merge base of HEAD with the default branch, or HEAD (see the module doc)."""
    repo = Repo.find(start)
    if repo is None:
        raise UsageError(
            "no --against given, and this is not a git repository",
            hint="pass --against DIR (another checkout) or run inside the git repository",
        )
    branch = repo.default_branch()
    head = repo.resolve("HEAD")
    if branch is not None and head is not None:
        base = repo.merge_base("HEAD", branch)
        if base is not None and base != head:
            why = f"no --against given: comparing with the merge base of HEAD and {branch}"
            return GitSource(base, start=start, history=history, label=base[:12], why=why)
    why = "no --against given: comparing the working tree with HEAD"
    return GitSource("HEAD", start=start, history=history, why=why)


# --- directory --------------------------------------------------------------------------------


def _load_other(manifest: Path, description: str) -> Contracts:
    contracts, problems = try_load(manifest)
    if contracts is None or problems:
        raise SourceError(
            f"{description}: the contracts there cannot be read ({_first(problems)})",
            hint="fix them there, or compare against another source",
        )
    return contracts


def _first(problems: list[Diagnostic]) -> str:
    if not problems:
        return "no manifest"
    first = problems[0].render_line().splitlines()[0]
    more = len(problems) - 1
    return first + (f"; and {more} more" if more else "")


def _events(contracts: Contracts, versions: Mapping[str, tuple[Schema, ...]]) -> dict[str, Any]:
    return {
        name: PreviousEvent(
            name=name,
            subject=event.subject,
            versions=versions.get(name) or (event.schema,),
            consumers=tuple(contracts.consumers_of(name)),
        )
        for name, event in sorted(contracts.events.items())
    }


@dataclass(frozen=True)
class DirectorySource:
    """Another checkout or folder with an ``accord.yaml`` (one version per event)."""

    path: Path

    @property
    def description(self) -> str:
        return f"directory {display_path(self.path)}"

    def snapshot(self, current: Contracts) -> Snapshot:
        manifest = self.path / MANIFEST_NAME if self.path.is_dir() else self.path
        if not manifest.is_file():
            raise SourceError(
                f"--against {display_path(self.path)}: no {MANIFEST_NAME} there",
                hint="point at the folder (or file) holding the other accord.yaml",
            )
        other = _load_other(manifest, self.description)
        return Snapshot(self.description, MappingProxyType(_events(other, {})))


# --- git --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GitSource:
    """The contracts at a git ref, with each schema's history when asked for."""

    ref: str
    start: Path = field(default_factory=Path.cwd)
    history: bool = False
    label: str | None = None
    why: str | None = None  # how the ref was chosen (the default), for the report

    @property
    def description(self) -> str:
        return f"git:{self.label or self.ref}"

    def snapshot(self, current: Contracts) -> Snapshot:
        repo = Repo.find(current.root) or Repo.find(self.start)
        if repo is None:
            raise SourceError(
                f"--against {self.description}: {display_path(current.root)} is not in a git"
                " repository",
                hint="compare against a directory instead: --against ../other-checkout",
            )
        notes: list[str] = [self.why] if self.why else []
        commit = repo.resolve(self.ref)
        if commit is None and repo.shallow and repo.deepen():
            notes.append("the clone was shallow; accord fetched its full history")
            commit = repo.resolve(self.ref)
        if commit is None:
            raise SourceError(_unknown_ref(self.ref, repo), hint=_ref_hint(repo))
        manifest_rel = _relative(current.root / Path(current.manifest_file).name, repo.top)
        text = repo.show(commit, manifest_rel)
        if text is None:
            notes.append(f"{self.description} has no {manifest_rel}: every event is new")
            return Snapshot(self.description, MappingProxyType({}), tuple(notes))
        with tempfile.TemporaryDirectory(prefix="accord-against-") as tmp:
            other = self._materialise(repo, commit, manifest_rel, text, Path(tmp))
            versions = self._histories(repo, commit, manifest_rel, other, current, notes)
        return Snapshot(self.description, MappingProxyType(_events(other, versions)), tuple(notes))

    def _materialise(
        self, repo: Repo, commit: str, manifest_rel: str, text: bytes, tmp: Path
    ) -> Contracts:
        """The contracts at ``commit``, loaded from a temporary copy of the files they name."""
        base = Path(manifest_rel).parent
        manifest = tmp / manifest_rel
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_bytes(text)
        for rel in _schema_paths(text):
            target = (manifest.parent / rel).resolve()
            if not target.is_relative_to(tmp.resolve()):
                continue  # a path outside the repository cannot come from the ref
            blob = repo.show(commit, _tree_path(base, rel))
            if blob is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
        other = _load_other(manifest, f"--against {self.description}")
        return _relabel(other, manifest_rel, self.description)

    def _histories(
        self,
        repo: Repo,
        commit: str,
        manifest_rel: str,
        other: Contracts,
        current: Contracts,
        notes: list[str],
    ) -> dict[str, tuple[Schema, ...]]:
        wanted = [
            name
            for name, event in other.events.items()
            if self.history or current.events.get(name, event).compatibility.transitive
        ]
        if not wanted:
            return {}
        if repo.shallow:
            if repo.deepen():
                notes.append("the clone was shallow; accord fetched its full history")
            else:
                notes.append(
                    "the clone is shallow: transitive checks compare against the versions it"
                    " holds only (fetch the history: git fetch --unshallow)"
                )
        base = Path(manifest_rel).parent
        out: dict[str, tuple[Schema, ...]] = {}
        for name in sorted(wanted):
            latest = other.events[name].schema
            rel = _tree_path(base, _schema_rel(other, name))
            out[name] = _versions(repo, commit, rel, latest, self.description)
        return out


def _versions(repo: Repo, commit: str, rel: str, latest: Schema, label: str) -> tuple[Schema, ...]:
    """Distinct versions of one schema file up to ``commit``, oldest first, ending with the
    version at ``commit``; versions that are not valid schemas are skipped."""
    steps = repo.history(commit, rel)
    blobs = repo.blobs([f"{c}:{p}" for c, p in steps])
    seen: dict[str, Schema] = {}
    order: list[str] = []  # fingerprints by last appearance, oldest first
    for (c, p), blob in reversed(list(zip(steps, blobs, strict=True))):
        if blob is None:
            continue
        schema = _parse_blob(blob, latest.format, f"{label}@{c[:10]}:{p}")
        if schema is None:
            continue
        key = _key(schema)
        if key in seen:
            order.remove(key)
        else:
            seen[key] = schema
        order.append(key)
    latest_key = _key(latest)
    if latest_key in seen:
        order.remove(latest_key)
    seen[latest_key] = latest
    order.append(latest_key)
    return tuple(seen[k] for k in order)


def _key(schema: Schema) -> str:
    return json.dumps(schema.data, sort_keys=True, separators=(",", ":"))


def _parse_blob(blob: bytes, fmt: SchemaFormat, shown: str) -> Schema | None:
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    data, problems = parse_json(text, shown)
    if problems:
        return None
    schema, problems = schema_from_data(data, fmt, text=text, file=shown)
    return schema


def _schema_paths(manifest_text: bytes) -> list[str]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(manifest_text.decode("utf-8", "replace"))
    except YAMLError:
        return []
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, dict):
        return []
    paths = [spec.get("schema") for spec in events.values() if isinstance(spec, dict)]
    return sorted({p for p in paths if isinstance(p, str)})


def _schema_rel(contracts: Contracts, name: str) -> str:
    spec = contracts.raw.get("events", {}).get(name, {})
    return str(spec.get("schema", ""))


def _tree_path(base: Path, rel: str) -> str:
    """A path inside the git tree (git does not resolve ``..`` in ``REF:path``)."""
    return posixpath.normpath((base / rel).as_posix())


def _relative(path: Path, top: Path) -> str:
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        return path.name


def _relabel(other: Contracts, manifest_rel: str, label: str) -> Contracts:
    """Point every file of ``other`` at ``label:path`` instead of the temporary copy."""
    base = Path(manifest_rel).parent
    events = {}
    for name, event in other.events.items():
        rel = _schema_rel(other, name)
        shown = f"{label}:{_tree_path(base, rel)}" if rel else event.schema.file
        events[name] = replace(event, schema=replace(event.schema, file=shown, path=None))
    return replace(other, events=MappingProxyType(events), manifest_file=f"{label}:{manifest_rel}")


def _unknown_ref(ref: str, repo: Repo) -> str:
    if repo.shallow:
        return f"git ref {ref!r} is not in this shallow clone"
    return f"unknown git ref {ref!r}"


def _ref_hint(repo: Repo) -> str:
    if repo.shallow:
        return (
            "fetch more history (git fetch --unshallow; in GitHub Actions set fetch-depth: 0"
            " on actions/checkout)"
        )
    return "check the ref (a branch, tag, commit or HEAD~N)"
