"""Building the :class:`~accord.contracts.model.Contracts` model from files.

Every problem found is collected (not only the first), located (file, line, column, JSON
pointer) and explained; any problem makes :func:`load` raise an :class:`InputError` that
carries them all.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

import msgspec

from accord.contracts import avro, jsonschema
from accord.contracts import pointer as jp
from accord.contracts.manifest import MANIFEST_NAME, RawManifest, read
from accord.contracts.model import (
    CodegenTarget,
    Contracts,
    Event,
    Level,
    Schema,
    SchemaFormat,
    Service,
    SubjectStrategy,
)
from accord.contracts.suggest import did_you_mean
from accord.diagnostics import Diagnostic, Location, Severity
from accord.errors import ManifestError, SchemaError


def display_path(path: Path) -> str:
    """How a path is shown: relative to the working directory when below it."""
    # What os.path.relpath gives, without its work per call (lint shows thousands of paths).
    text = os.fspath(path)
    norm = os.path.normpath(text)
    if not os.path.isabs(text):
        if not norm.startswith(".."):
            return norm
    elif not norm.startswith("//"):  # POSIX keeps a leading "//": relpath's own case
        cwd = os.getcwd()
        if norm == cwd:
            return "."
        below = cwd if cwd.endswith(os.sep) else cwd + os.sep
        return norm[len(below) :] if norm.startswith(below) else str(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


#: Schema formats by file suffix (what :meth:`SchemaFormat.for_path` answers, without a Path).
_FORMATS = {".avsc": SchemaFormat.AVRO, ".json": SchemaFormat.JSON}


class RealPaths:
    """``Path.resolve()`` for many files, resolving each folder once.

    ``Path.resolve()`` examines every component of every path; the schemas of a repository
    share a few folders. The result is the same: the folder's real path joined with the file
    name, itself resolved when the file is a symbolic link. Make one per run: a folder renamed
    between runs is resolved again.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path | str, link: bool | None = None) -> Path:
        """The real path; ``link``: whether ``path`` names a symbolic link, if known."""
        text = os.fspath(path)
        folder, name = os.path.split(text)
        if name in ("", ".", ".."):
            return Path(os.path.realpath(text))
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder or os.curdir)
        # A Path whose folder is already real is its own answer (Path normalises its text).
        same = real == folder and isinstance(path, Path)
        full = text if same else os.path.join(real, name)
        if link if link is not None else os.path.islink(full):
            return Path(os.path.realpath(full))
        return path if same and isinstance(path, Path) else Path(full)


def find_manifest(start: Path | None = None) -> Path:
    """``accord.yaml`` in ``start`` (default: the working directory) or its nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / MANIFEST_NAME
        if candidate.is_file():
            return candidate
    return here / MANIFEST_NAME


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return result


# msgspec reads JSON as json.loads does (integers of any size, correctly rounded floats, the
# last of duplicate keys) and refuses what json.loads accepts beyond the standard (NaN,
# Infinity, numbers out of float range, lone surrogates): those texts take json.loads.
_DECODE = msgspec.json.Decoder().decode
_ENCODE = msgspec.json.Encoder().encode


def _may_differ(raw: bytes, data: Any) -> bool:
    """Whether the fast parse of ``raw`` (UTF-8 JSON) may hide a duplicate key.

    A duplicate key loses a member, so the parsed tree holds fewer ``:`` (member separators
    plus colons inside strings) than the text, unless an escaped colon (``\\u003a``) adds one
    back; texts with such an escape take the slow path.
    """
    if b"\\" in raw and b"\\u003" in raw:  # a lone byte is found much faster: look for it first
        return True
    try:
        return _ENCODE(data).count(b":") != raw.count(b":")
    except (msgspec.EncodeError, OverflowError, ValueError):
        return True


def parse_json(text: str, file: str | None) -> tuple[Any, list[Diagnostic]]:
    """JSON with duplicate keys refused; problems carry the line and column.

    Parses with msgspec, and only when that fails, or its result may differ from the standard
    parser's (see :func:`_may_differ`), again with ``json`` refusing duplicate keys: the result
    and the problems are always those of ``json.loads``.
    """
    return _parse_json(text, None, file)


def _parse_json(text: str, raw: bytes | None, file: str | None) -> tuple[Any, list[Diagnostic]]:
    """:func:`parse_json`; ``raw``: the text's UTF-8 bytes when the caller has them."""
    try:
        if raw is None:
            raw = text.encode()
        data = _DECODE(raw)
    except (msgspec.DecodeError, UnicodeEncodeError, RecursionError):
        pass  # NaN, Infinity, deep nesting, lone surrogates, invalid JSON: json decides
    else:
        if not _may_differ(raw, data):
            return data, []
    return _parse_json_strictly(text, file)


_LONG_FIX = "write numbers of at most 4,300 digits (a longer one is no schema's business)"


def _parse_json_strictly(text: str, file: str | None) -> tuple[Any, list[Diagnostic]]:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates), []
    except json.JSONDecodeError as exc:
        loc = Location(file=file, line=exc.lineno, column=exc.colno)
        return None, [Diagnostic("json-invalid", Severity.ERROR, f"invalid JSON: {exc.msg}", loc)]
    except _DuplicateKey as exc:
        from accord.contracts.positions import SourceMap

        smap = SourceMap(text)
        # The source map keeps the last occurrence of the key: that is the one reported.
        candidates = [p for p in smap.pointers() if p.rsplit("/", 1)[-1] == jp.escape(exc.key)]
        ptr = candidates[-1] if candidates else ""
        line, col = smap.position(ptr)
        loc = Location(file=file, line=line, column=col, pointer=ptr)
        return None, [
            Diagnostic(
                "json-duplicate-key",
                Severity.ERROR,
                f"duplicate key {exc.key!r}: JSON readers disagree on which value wins",
                loc,
                fix="remove one of the two entries",
            )
        ]
    except RecursionError:
        loc = Location(file=file, line=1, column=1)
        return None, [Diagnostic("json-invalid", Severity.ERROR, "JSON is nested too deeply", loc)]
    except ValueError as exc:  # an integer longer than Python reads (4,300 digits)
        loc = Location(file=file, line=1, column=1)
        return None, [
            Diagnostic("json-invalid", Severity.ERROR, f"invalid JSON: {exc}", loc, fix=_LONG_FIX)
        ]


def schema_from_data(
    data: Any,
    fmt: SchemaFormat,
    *,
    text: str | None = None,
    file: str | None = None,
    path: Path | None = None,
    fastavro_backstop: bool = True,
) -> tuple[Schema | None, list[Diagnostic]]:
    """Validate parsed schema JSON and wrap it in a :class:`Schema` (or return problems).

    ``fastavro_backstop``: after accord's own validation, also parse an Avro schema with
    fastavro (see below). Lint turns it off: it hands schemas to no Avro library, and the
    commands that do (``accord generate``, the registry) keep it on.
    """
    if text is None:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    name = avro.top_level_name(data) if fmt is SchemaFormat.AVRO else jsonschema.record_name(data)
    schema = Schema(format=fmt, text=text, data=data, name=name, file=file, path=path)
    found: list[Any] = []
    if fmt is SchemaFormat.AVRO:
        found, defined = avro.validate_and_index(data)
        if not found:
            # validate() refuses what fastavro is known to refuse, each problem at its place
            # (tests/unit/contracts/test_validate_vs_fastavro.py); fastavro's own parse stays
            # as a backstop for whatever that test has not met, where fastavro reads it next.
            backstop = avro.fastavro_problem(data) if fastavro_backstop else None
            if backstop:
                found.append(backstop)
            else:
                schema.prime_avro_definitions(defined)
    else:
        found = list(jsonschema.validate(data, text))
    if not found:
        return schema, []
    return None, [
        Diagnostic(p.code, Severity.ERROR, p.message, schema.locate(p.pointer), fix=p.fix)
        for p in found
    ]


def read_schema(path: Path, *, file: str | None = None, fmt: SchemaFormat | None = None) -> Schema:
    """Read and validate one schema file; :class:`SchemaError` with every problem otherwise."""
    schema, problems = try_read_schema(path, file=file, fmt=fmt)
    if schema is None:
        raise SchemaError(f"{file or display_path(path)}: invalid schema", problems=problems)
    return schema


def try_read_schema(
    path: Path,
    *,
    file: str | None = None,
    fmt: SchemaFormat | None = None,
    real_paths: RealPaths | None = None,
    fastavro_backstop: bool = True,
) -> tuple[Schema | None, list[Diagnostic]]:
    """Like :func:`read_schema` but returns ``(schema or None, problems)``.

    ``real_paths`` resolves the schema's absolute path; pass one per run when reading many.
    ``fastavro_backstop``: as :func:`schema_from_data`.
    """
    shown = file or display_path(path)

    def fail(
        msg: str, fix: str | None = None, code: str = "schema-unreadable"
    ) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(code, Severity.ERROR, msg, Location(file=shown), fix=fix)]

    fmt = fmt or _FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        return fail(
            f"cannot tell the schema format of {path.name!r}",
            "name Avro schemas *.avsc and JSON Schemas *.json",
            "schema-unknown-format",
        )
    try:
        text, raw, link = _read_text(path)
    except FileNotFoundError:
        return fail(
            f"schema file {shown} does not exist",
            "check the path (it is relative to accord.yaml)",
            "schema-missing",
        )
    except IsADirectoryError:
        return fail(f"{shown} is a directory, not a schema file")
    except UnicodeDecodeError as exc:
        return fail(f"schema file is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return fail(f"cannot read schema file: {exc.strerror}")
    if not text or text.isspace():
        return fail("schema file is empty", code="json-invalid")
    data, problems = _parse_json(text, raw, shown)
    if problems:
        return None, problems
    real = (real_paths or RealPaths())(path, link)
    return schema_from_data(
        data, fmt, text=text, file=shown, path=real, fastavro_backstop=fastavro_backstop
    )


# Opening with O_NOFOLLOW tells, for free, whether the path names a symbolic link.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_ERRNOS = (errno.ELOOP, errno.EMLINK)  # Linux / BSD answer to O_NOFOLLOW on a link


def _read_bytes(path: Path) -> tuple[bytes, bool | None]:
    """The file's bytes, through the os calls alone (no file objects: lint reads thousands),
    and whether ``path`` names a symbolic link (None when the platform cannot tell)."""
    flags = os.O_RDONLY | os.O_CLOEXEC
    link: bool | None = False if _NOFOLLOW else None
    try:
        fd = os.open(path, flags | _NOFOLLOW)
    except OSError as exc:
        if not _NOFOLLOW or exc.errno not in _LINK_ERRNOS:
            raise
        fd = os.open(path, flags)
        link = True
    try:
        size = os.fstat(fd).st_size
        raw = os.read(fd, size + 1)  # one call for a regular file
        if len(raw) <= size:
            return raw, link
        chunks = [raw]  # it grew, or its size says nothing (a pipe, /proc)
        while more := os.read(fd, 1 << 16):
            chunks.append(more)
        return b"".join(chunks), link
    finally:
        os.close(fd)


def _read_text(path: Path) -> tuple[str, bytes | None, bool | None]:
    """The file's text as ``path.read_text(encoding="utf-8")`` gives it (universal newlines),
    its UTF-8 bytes when they spell exactly that text (no newline was translated), and
    whether the path names a symbolic link (None: unknown)."""
    raw, link = _read_bytes(path)
    text = raw.decode("utf-8")
    if b"\r" in raw:
        return text.replace("\r\n", "\n").replace("\r", "\n"), None, link
    return text, raw, link


def load(manifest: Path | str | None = None) -> Contracts:
    """Load ``accord.yaml`` and every schema it names into one checked :class:`Contracts`.

    ``manifest`` is the manifest file or its folder (default: found from the working directory
    upwards). Raises :class:`ManifestError` / :class:`SchemaError` listing every problem.
    """
    contracts, problems = try_load(manifest)
    if contracts is None or problems:
        manifest_problems = [p for p in problems if p.location.file == _manifest_display(manifest)]
        cls = ManifestError if manifest_problems or contracts is None else SchemaError
        n = len(problems)
        raise cls(f"{n} problem{'s' if n != 1 else ''} in the contracts", problems=problems)
    return contracts


def _manifest_path(manifest: Path | str | None) -> Path:
    if manifest is None:
        return find_manifest()
    path = Path(manifest)
    return path / MANIFEST_NAME if path.is_dir() else path


def _manifest_display(manifest: Path | str | None) -> str:
    return display_path(_manifest_path(manifest))


def try_load(
    manifest: Path | str | None = None, *, fastavro_backstop: bool = True
) -> tuple[Contracts | None, list[Diagnostic]]:
    """Like :func:`load` but returns ``(contracts or None, problems)`` instead of raising.
    ``fastavro_backstop``: as :func:`schema_from_data`."""
    path = _manifest_path(manifest)
    raw, problems = read(path, display_path(path))
    if raw is None or problems:
        return None, problems
    return _build(raw, path.parent.resolve(), fastavro_backstop)


def _build(
    raw: RawManifest, root: Path, fastavro_backstop: bool = True
) -> tuple[Contracts | None, list[Diagnostic]]:
    data = raw.data
    problems: list[Diagnostic] = []
    default_level = Level(data.get("compatibility", "BACKWARD"))
    strategy = SubjectStrategy(data.get("subject_strategy", "topic_record"))

    events: dict[str, Event] = {}
    subjects: dict[str, str] = {}
    real_paths = RealPaths()
    for name, spec in data.get("events", {}).items():
        eptr = jp.join("/events", name)
        path = real_paths(root / spec["schema"])
        shown = display_path(path)
        fmt = _FORMATS.get(os.path.splitext(path)[1].lower())
        if fmt is None:
            problems.append(
                raw.problem(
                    jp.join(eptr, "schema"),
                    f"event {name!r}: cannot tell the schema format of {spec['schema']!r}",
                    "name Avro schemas *.avsc and JSON Schemas *.json",
                    "schema-unknown-format",
                )
            )
            continue
        if not path.is_file():
            problems.append(
                raw.problem(
                    jp.join(eptr, "schema"),
                    f"event {name!r}: schema file {spec['schema']!r} does not exist",
                    f"create it, or fix the path (relative to {raw.file})",
                    "schema-missing",
                )
            )
            continue
        schema, schema_problems = try_read_schema(
            path, file=shown, fmt=fmt, real_paths=real_paths, fastavro_backstop=fastavro_backstop
        )
        problems.extend(schema_problems)
        if schema is None:
            continue
        key = spec.get("key")
        if key is not None:
            key_problem = _check_key(schema, key)
            if key_problem:
                problems.append(
                    raw.problem(
                        jp.join(eptr, "key"),
                        f"event {name!r}: {key_problem[0]}",
                        key_problem[1],
                        "manifest-key",
                    )
                )
        subject = strategy.subject(spec["topic"], schema.name or name)
        if subject in subjects:
            problems.append(
                raw.problem(
                    eptr,
                    f"event {name!r} has the same registry subject {subject!r}"
                    f" as event {subjects[subject]!r}",
                    "give each event its own record name (Avro name / JSON Schema title) or topic",
                    "manifest-subject-clash",
                )
            )
        subjects[subject] = name
        events[name] = Event(
            name=name,
            schema=schema,
            topic=spec["topic"],
            key=key,
            compatibility=Level(spec.get("compatibility", default_level)),
            subject=subject,
            owner=spec.get("owner"),
            doc=spec.get("doc"),
            location=raw.locate(eptr),
        )

    services: dict[str, Service] = {}
    declared = list(data.get("events", {}))
    for sname, spec in (data.get("services") or {}).items():
        sptr = jp.join("/services", sname)
        for role in ("produces", "consumes"):
            seen: set[str] = set()
            for i, ev in enumerate(spec.get(role, [])):
                if ev not in declared:
                    problems.append(
                        raw.problem(
                            jp.join(sptr, role, i),
                            f"service {sname!r} {role} unknown event {ev!r}",
                            did_you_mean(ev, declared) or "declare the event under `events:` first",
                            "manifest-unknown-event",
                        )
                    )
                elif ev in seen:
                    problems.append(
                        raw.problem(
                            jp.join(sptr, role, i),
                            f"service {sname!r} lists {ev!r} twice under {role}",
                            "remove the repeat",
                            "manifest-duplicate",
                        )
                    )
                seen.add(ev)
        services[sname] = Service(
            name=sname,
            produces=tuple(spec.get("produces", [])),
            consumes=tuple(spec.get("consumes", [])),
            owner=spec.get("owner"),
            doc=spec.get("doc"),
            location=raw.locate(sptr),
        )

    codegen = {
        lang: CodegenTarget(
            language=lang,
            out=opts["out"],
            options=MappingProxyType({k: v for k, v in opts.items() if k != "out"}),
        )
        for lang, opts in (data.get("codegen") or {}).items()
    }
    if problems:
        return None, problems
    return (
        Contracts(
            root=root,
            manifest_file=raw.file,
            version=int(data["version"]),
            compatibility=default_level,
            subject_strategy=strategy,
            events=MappingProxyType(events),
            services=MappingProxyType(services),
            registry=data.get("registry"),
            codegen=MappingProxyType(codegen),
            lint=MappingProxyType(data.get("lint") or {}),
            raw=MappingProxyType(data),
            positions=MappingProxyType(raw.positions),
        ),
        [],
    )


def _check_key(schema: Schema, key: str) -> tuple[str, str] | None:
    """Why ``key`` cannot be the message key of ``schema`` (message, fix), or None."""
    if schema.format is SchemaFormat.AVRO:
        data = schema.data
        if not (isinstance(data, dict) and data.get("type") in ("record", "error")):
            return (
                f"key {key!r} needs a record schema",
                "make the schema a record with that field",
            )
        names = [f.get("name") for f in data.get("fields", []) if isinstance(f, dict)]
        if key not in names:
            return (
                f"key field {key!r} is not a field of {schema.name}",
                did_you_mean(key, [n for n in names if isinstance(n, str)])
                or "add the field or fix `key`",
            )
        return None
    props = schema.data.get("properties") if isinstance(schema.data, dict) else None
    if not isinstance(props, dict) or key not in props:
        candidates = list(props) if isinstance(props, dict) else []
        return (
            f"key field {key!r} is not a top-level property of the schema",
            did_you_mean(key, candidates) or "add the property or fix `key`",
        )
    return None
