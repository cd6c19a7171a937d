"""The registry's rules (Confluent's semantics), with no HTTP and no SQL.

- Registering the schema a subject already has (same canonical form; normalised form with
  ``normalize``) returns that version, without a compatibility check.
- The same schema under another subject reuses the schema's id.
- A new version must be compatible, at the subject's level, with the latest version or
  (``_TRANSITIVE``) every version that is not soft-deleted; otherwise 409 with the reasons.
- References resolve to stored (subject, version) pairs, dependencies first; a referenced
  version cannot be deleted while a schema in use refers to it.
- READONLY forbids writes; IMPORT accepts only registrations that bring their id (and
  optionally version), skips the compatibility check, and lets migrations keep their ids.

Every refusal is a :class:`~accord.registry.errors.RegistryFault` with Confluent's code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from accord.contracts.model import Level
from accord.registry import errors, schemas, settings
from accord.registry.compat import Verdict, judge
from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.idcache import IdCache
from accord.registry.model import (
    GLOBAL,
    Mode,
    NewSchema,
    Reference,
    SchemaType,
    StoredSchema,
    SubjectVersion,
    Usage,
)
from accord.registry.schemas import Dependency, Resolved
from accord.registry.store import Store, Tx

MAX_VERSION = 2**31 - 1
MAX_ID = 2**31 - 1  # Confluent's ids are Java ints
MAX_REFERENCE_DEPTH = 32


@dataclass(frozen=True)
class SchemaRequest:
    """A schema as a client sends it (register, lookup, compatibility)."""

    schema: str
    schema_type: str | None = None
    references: Sequence[Reference] = ()
    metadata: Mapping[str, Any] | None = None
    rule_set: Mapping[str, Any] | None = None
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class Registered:
    """The answer to a registration: the subject version (new or existing)."""

    subject_version: SubjectVersion
    created: bool = field(default=False)


DEFAULT_ID_CACHE_TTL = 5.0


class Registry:
    """Confluent Schema Registry semantics over a :class:`~accord.registry.store.Store`."""

    def __init__(self, store: Store, *, id_cache_ttl: float | None = None) -> None:
        """``id_cache_ttl``: seconds a schema read by id is remembered (default: 5 for stores
        behind a network hop, such as PostgreSQL; 0, no cache, for local files)."""
        self.store = store
        if id_cache_ttl is None:
            id_cache_ttl = 0.0 if store.quick_reads else DEFAULT_ID_CACHE_TTL
        self.ids = IdCache(id_cache_ttl)

    # --- subjects and versions ------------------------------------------------------------

    def subjects(
        self, *, prefix: str = "", deleted: bool = False, deleted_only: bool = False
    ) -> list[str]:
        with self.store.read() as tx:
            rows = tx.subjects()
        if deleted_only:
            return [s for s, live in rows if not live and s.startswith(prefix)]
        return [s for s, live in rows if (live or deleted) and s.startswith(prefix)]

    def versions(
        self, subject: str, *, deleted: bool = False, deleted_only: bool = False
    ) -> list[int]:
        with self.store.read() as tx:
            history = tx.versions(subject)
        if not history or not (deleted or deleted_only or _live(history)):
            raise errors.subject_not_found(subject)
        if deleted_only:
            return [v.version for v in history if v.deleted]
        return [v.version for v in history if deleted or not v.deleted]

    def version(self, subject: str, spec: str, *, deleted: bool = False) -> SubjectVersion:
        with self.store.read() as tx:
            return _pick(subject, tx.versions(subject), spec, deleted=deleted)

    def latest_with_metadata(
        self, subject: str, properties: Mapping[str, str], *, deleted: bool = False
    ) -> SubjectVersion:
        with self.store.read() as tx:
            history = tx.versions(subject)
        visible = history if deleted else _live(history)
        if not visible:
            raise errors.subject_not_found(subject)
        for candidate in reversed(visible):
            props = (candidate.schema.metadata or {}).get("properties") or {}
            if all(props.get(k) == v for k, v in properties.items()):
                return candidate
        raise errors.schema_not_found()

    def referenced_by(self, subject: str, spec: str) -> list[int]:
        with self.store.read() as tx:
            target = _pick(subject, tx.versions(subject), spec, deleted=True)
            return [sid for sid, live in tx.referrers(subject, target.version) if live]

    # --- register, lookup, compatibility --------------------------------------------------

    def register(
        self, subject: str, request: SchemaRequest, *, normalize: bool = False
    ) -> Registered:
        _check_subject(subject)
        kind = schemas.schema_type(request.schema_type)
        with self.store.write(subject) as tx:
            mode = self._mode(tx, subject)
            _check_writable(subject, mode)
            if mode is Mode.IMPORT and request.id is None:
                raise errors.not_permitted(
                    f"Subject '{subject}' is in IMPORT mode: registrations must carry the"
                    ' schema\'s "id" (and may carry its "version"); set the mode to READWRITE'
                    " to register new schemas"
                )
            if mode is not Mode.IMPORT and request.id is not None:
                raise errors.not_permitted(
                    'A schema "id" can only be given in IMPORT mode; PUT /mode/SUBJECT'
                    ' {"mode": "IMPORT"} first, or leave the id out'
                )
            config = settings.effective(self._config(tx, subject))
            normalize = normalize or config.normalize
            new, resolved = self._prepare(tx, kind, request, normalize=normalize)
            if mode is Mode.IMPORT:
                return self._import(tx, subject, request, new, tx.versions(subject))
            existing = _find(tx, subject, new, normalize=normalize)
            if existing is not None:
                return Registered(existing)
            verdict = self._judge(tx, resolved, self._targets(tx, subject, config), config)
            if not verdict.compatible:
                raise _incompatible(subject, config.level.value, verdict)
            schema_id = tx.add_schema(new)
            version = tx.max_version(subject) + 1
            tx.add_version(subject, version, schema_id)
            stored = StoredSchema.of(new, schema_id)
        return Registered(SubjectVersion(subject, version, False, stored), created=True)

    def lookup(
        self,
        subject: str,
        request: SchemaRequest,
        *,
        normalize: bool = False,
        deleted: bool = False,
    ) -> SubjectVersion:
        kind = schemas.schema_type(request.schema_type)
        with self.store.read() as tx:
            history = tx.versions(subject)
            if not (history if deleted else _live(history)):
                raise errors.subject_not_found(subject)
            normalize = normalize or settings.effective(self._config(tx, subject)).normalize
            new, _resolved = self._prepare(tx, kind, request, normalize=normalize)
            found = _find(tx, subject, new, normalize=normalize, deleted=deleted)
        if found is None:
            raise errors.schema_not_found()
        return found

    def check(
        self,
        subject: str,
        request: SchemaRequest,
        *,
        spec: str | None = None,
        normalize: bool = False,
    ) -> Verdict:
        """``POST /compatibility/subjects/{subject}/versions[/{spec}]``: without ``spec``,
        against the versions the subject's level names; with it, against that version."""
        kind = schemas.schema_type(request.schema_type)
        with self.store.read() as tx:
            history = tx.versions(subject)
            live = _live(history)
            if spec is None:
                config = settings.effective(self._config(tx, subject))
                targets = live if config.level.transitive else live[-1:]
            elif _is_latest(spec) and not live:
                return Verdict(True)
            else:
                config = settings.effective(self._config(tx, subject))
                targets = [_pick(subject, history, spec, deleted=False, missing_version=True)]
            _new, resolved = self._prepare(
                tx, kind, request, normalize=normalize or config.normalize
            )
            return self._judge(tx, resolved, targets, config)

    # --- deletes --------------------------------------------------------------------------

    def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        with self.store.write(subject) as tx:
            _check_writable(subject, self._mode(tx, subject))
            history = tx.versions(subject)
            if not history:
                raise errors.subject_not_found(subject)
            live = _live(history)
            if permanent:
                if live:
                    raise RegistryFault(
                        ErrorCode.SUBJECT_NOT_SOFT_DELETED,
                        f"Subject '{subject}' was not deleted first before being permanently"
                        " deleted; DELETE it without permanent=true first",
                    )
                for v in history:
                    _check_unreferenced(tx, v, live_only=False)
                numbers = [v.version for v in history]
                tx.remove_versions(subject, numbers)
                self.ids.clear()
                tx.delete_config(subject)
                tx.delete_mode(subject)
                return numbers
            if not live:
                raise RegistryFault(
                    ErrorCode.SUBJECT_SOFT_DELETED,
                    f"Subject '{subject}' was soft deleted. Set permanent=true to delete"
                    " permanently",
                )
            for v in live:
                _check_unreferenced(tx, v, live_only=True)
            numbers = [v.version for v in live]
            tx.mark_deleted(subject, numbers)
            return numbers

    def delete_version(self, subject: str, spec: str, *, permanent: bool = False) -> int:
        with self.store.write(subject) as tx:
            _check_writable(subject, self._mode(tx, subject))
            history = tx.versions(subject)
            # A number names a version even when soft-deleted (to say so); latest is live.
            target = _pick(subject, history, spec, deleted=permanent or not _is_latest(spec))
            if not permanent and target.deleted:
                raise RegistryFault(
                    ErrorCode.VERSION_SOFT_DELETED,
                    f"Subject '{subject}' Version {target.version} was soft deleted. Set"
                    " permanent=true to delete permanently",
                )
            if permanent:
                if not target.deleted:
                    raise RegistryFault(
                        ErrorCode.VERSION_NOT_SOFT_DELETED,
                        f"Subject '{subject}' Version {target.version} was not deleted first"
                        " before being permanently deleted; DELETE it without permanent=true"
                        " first",
                    )
                _check_unreferenced(tx, target, live_only=False)
                tx.remove_versions(subject, [target.version])
                self.ids.clear()
            else:
                _check_unreferenced(tx, target, live_only=True)
                tx.mark_deleted(subject, [target.version])
            return target.version

    # --- schemas by id --------------------------------------------------------------------

    def schema(self, schema_id: int) -> StoredSchema:
        cached = self.ids.get(schema_id)
        if cached is not None:
            return cached
        if not 1 <= schema_id <= MAX_ID:
            raise errors.schema_not_found(schema_id)
        with self.store.read() as tx:
            found = tx.schema(schema_id)
        if found is None:
            raise errors.schema_not_found(schema_id)
        self.ids.put(found)
        return found

    def schema_by_guid(self, guid: str) -> StoredSchema:
        with self.store.read() as tx:
            found = tx.schema_by_guid(guid)
        if found is None:
            raise errors.schema_not_found(guid)
        return found

    def usages(
        self, schema_id: int, *, subject: str | None = None, deleted: bool = False
    ) -> list[Usage]:
        if not 1 <= schema_id <= MAX_ID:
            raise errors.schema_not_found(schema_id)
        with self.store.read() as tx:
            found = tx.usages(schema_id)
        if not found:
            raise errors.schema_not_found(schema_id)
        return [
            u
            for u in found
            if (deleted or not u.deleted) and (subject is None or u.subject == subject)
        ]

    def schemas(
        self, *, prefix: str = "", deleted: bool = False, latest_only: bool = False
    ) -> list[SubjectVersion]:
        with self.store.read() as tx:
            rows = [
                v
                for v in tx.all_versions()
                if v.subject.startswith(prefix) and (deleted or not v.deleted)
            ]
        if latest_only:
            latest: dict[str, SubjectVersion] = {}
            for v in rows:
                latest[v.subject] = v
            rows = list(latest.values())
        return rows

    # --- config and mode ------------------------------------------------------------------

    def get_config(
        self, subject: str = GLOBAL, *, default_to_global: bool = False
    ) -> dict[str, Any]:
        with self.store.read() as tx:
            global_config = tx.config(GLOBAL)
            own = None if subject == GLOBAL else tx.config(subject)
        if subject != GLOBAL and own is None and not default_to_global:
            raise RegistryFault(
                ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                f"Subject '{subject}' does not have subject-level compatibility configured",
            )
        return settings.merged(global_config, own)

    def set_config(self, subject: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if subject != GLOBAL:
            _check_subject(subject)
        update = settings.config_update(body)
        with self.store.write(None) as tx:
            tx.set_config(subject, {**(tx.config(subject) or {}), **update})
        return settings.echo(update)

    def delete_config(self, subject: str = GLOBAL) -> dict[str, Any]:
        with self.store.write(None) as tx:
            old = tx.config(subject)
            if subject != GLOBAL and old is None:
                raise RegistryFault(
                    ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                    f"Subject '{subject}' does not have subject-level compatibility configured",
                )
            tx.delete_config(subject)
        return settings.merged(None, old) if subject == GLOBAL else dict(old or {})

    def get_mode(self, subject: str = GLOBAL, *, default_to_global: bool = False) -> Mode:
        with self.store.read() as tx:
            own = tx.mode(subject)
            if own is not None:
                return Mode(own)
            if subject != GLOBAL and not default_to_global:
                raise RegistryFault(
                    ErrorCode.SUBJECT_MODE_NOT_CONFIGURED,
                    f"Subject '{subject}' does not have subject-level mode configured",
                )
            return self._mode(tx, subject)

    def set_mode(self, subject: str, value: Any, *, force: bool = False) -> Mode:
        if subject != GLOBAL:
            _check_subject(subject)
        mode = settings.parse_mode(value)
        with self.store.write(None) as tx:
            if mode is Mode.IMPORT and not force:
                has_schemas = (
                    any(True for _ in tx.subjects())
                    if subject == GLOBAL
                    else bool(tx.versions(subject))
                )
                if has_schemas:
                    raise errors.not_permitted(
                        "Cannot import since found existing subjects; pass force=true to switch"
                        " to IMPORT mode anyway"
                    )
            tx.set_mode(subject, mode.value)
        return mode

    def delete_mode(self, subject: str = GLOBAL) -> Mode:
        with self.store.write(None) as tx:
            old = tx.mode(subject)
            if old is None and subject != GLOBAL:
                raise RegistryFault(
                    ErrorCode.SUBJECT_MODE_NOT_CONFIGURED,
                    f"Subject '{subject}' does not have subject-level mode configured",
                )
            tx.delete_mode(subject)
        return Mode(old) if old else settings.DEFAULT_MODE

    def ping(self) -> None:
        self.store.ping()

    # --- helpers --------------------------------------------------------------------------

    def _mode(self, tx: Tx, subject: str) -> Mode:
        own = tx.mode(subject) if subject != GLOBAL else None
        found = own or tx.mode(GLOBAL)
        return Mode(found) if found else settings.DEFAULT_MODE

    def _config(self, tx: Tx, subject: str) -> dict[str, Any]:
        return settings.merged(tx.config(GLOBAL), tx.config(subject))

    def _prepare(
        self, tx: Tx, kind: SchemaType, request: SchemaRequest, *, normalize: bool
    ) -> tuple[NewSchema, Resolved]:
        """Validate the request's schema with its references resolved (42201 if invalid)."""
        refs = self._references(tx, request.references)
        return schemas.prepare(
            kind,
            request.schema,
            refs,
            self._dependencies(tx, refs),
            normalize=normalize,
            metadata=request.metadata,
            rule_set=request.rule_set,
        )

    def _references(self, tx: Tx, refs: Sequence[Reference]) -> tuple[Reference, ...]:
        """The request's references, checked, with ``version: -1`` pinned to the latest."""
        out: list[Reference] = []
        names: set[str] = set()
        for ref in refs:
            if not ref.name or not ref.subject:
                raise errors.invalid_schema(
                    'each reference needs a "name", a "subject" and a "version"'
                )
            if ref.name in names:
                raise errors.invalid_schema(f"reference name {ref.name!r} is given twice")
            names.add(ref.name)
            version = ref.version
            if version != -1 and not 1 <= version <= MAX_VERSION:
                raise errors.invalid_schema(
                    f"reference {ref.name!r}: version {version} is not a version number"
                )
            if version == -1:
                live = _live(tx.versions(ref.subject))
                if not live:
                    raise errors.invalid_schema(
                        f"reference {ref.name!r}: subject {ref.subject!r} has no version;"
                        " register the referenced schema first"
                    )
                version = live[-1].version
            out.append(replace(ref, version=version))
        return tuple(out)

    def _dependencies(self, tx: Tx, refs: Sequence[Reference]) -> list[Dependency]:
        """Every schema ``refs`` lead to, dependencies before their dependents."""
        out: list[Dependency] = []
        seen: set[tuple[str, int]] = set()

        def visit(ref: Reference, depth: int) -> None:
            key = (ref.subject, ref.version)
            if key in seen:
                return
            if depth > MAX_REFERENCE_DEPTH:
                raise errors.invalid_schema(
                    f"references nest deeper than {MAX_REFERENCE_DEPTH} levels"
                )
            seen.add(key)
            target = next((v for v in tx.versions(ref.subject) if v.version == ref.version), None)
            if target is None:
                raise errors.invalid_schema(
                    f"reference {ref.name!r} points at subject {ref.subject!r} version"
                    f" {ref.version}, which does not exist; register the referenced schema"
                    " first (references are registered in dependency order)"
                )
            for child in target.schema.references:
                visit(child, depth + 1)
            out.append(Dependency(ref.name, target.schema))

        for ref in refs:
            visit(ref, 1)
        return out

    def _targets(self, tx: Tx, subject: str, config: settings.Effective) -> list[SubjectVersion]:
        """The versions a new schema is judged against: every live one when transitive."""
        if config.level is Level.NONE:
            return []
        if config.level.transitive:
            return _live(tx.versions(subject))
        latest = tx.latest_version(subject)
        return [latest] if latest is not None else []

    def _judge(
        self, tx: Tx, new: Resolved, targets: Sequence[SubjectVersion], config: settings.Effective
    ) -> Verdict:
        if not targets or config.level is Level.NONE:
            return Verdict(True)
        other_types = [v for v in targets if v.schema.schema_type is not new.schema_type]
        if other_types:
            v = other_types[-1]
            return Verdict(
                False,
                (
                    f"version {v.version} is {v.schema.schema_type.value} and the new schema is"
                    f" {new.schema_type.value}: a subject keeps one schema type; use another"
                    " subject",
                ),
            )
        previous = [
            schemas.resolve_stored(v.schema, self._dependencies(tx, v.schema.references))
            for v in targets
        ]
        references: dict[str, Any] = {}
        for p in previous:
            references.update(p.references)
        references.update(new.references)
        return judge(
            [p.data for p in previous],
            new.data,
            config.level,
            schema_type=new.schema_type.value,
            versions=[v.version for v in targets],
            policy=config.policy,
            references=references if new.schema_type is SchemaType.JSON else None,
        )

    def _import(
        self,
        tx: Tx,
        subject: str,
        request: SchemaRequest,
        new: NewSchema,
        history: list[SubjectVersion],
    ) -> Registered:
        assert request.id is not None
        schema_id = request.id
        if not 1 <= schema_id <= MAX_ID:
            raise RegistryFault(
                ErrorCode.ID_DOES_NOT_MATCH,
                f"Invalid schema id {schema_id}: ids are integers from 1 to {MAX_ID}",
            )
        holder = tx.schema_exists(schema_id)
        if holder is not None and holder != new.fingerprint:
            raise RegistryFault(
                ErrorCode.ID_DOES_NOT_MATCH,
                f"Overwrite new schema with id {schema_id} is not permitted: the id belongs to"
                " another schema",
            )
        other = tx.find_fingerprint(new.fingerprint)
        if other is not None and other != schema_id:
            raise RegistryFault(
                ErrorCode.ID_DOES_NOT_MATCH,
                f"This schema is already registered with id {other}, not {schema_id}",
            )
        version = request.version or max((v.version for v in history), default=0) + 1
        if not 1 <= version <= MAX_VERSION:
            raise _invalid_version(str(version))
        taken = next((v for v in history if v.version == version), None)
        if taken is not None:
            if taken.schema.id == schema_id:
                return Registered(taken)
            raise errors.not_permitted(
                f"Version {version} of subject '{subject}' already holds schema id"
                f" {taken.schema.id}"
            )
        if holder is None and other is None:
            tx.add_schema(new, schema_id=schema_id)
        tx.add_version(subject, version, schema_id)
        return Registered(
            SubjectVersion(subject, version, False, StoredSchema.of(new, schema_id)), created=True
        )


def _live(history: Sequence[SubjectVersion]) -> list[SubjectVersion]:
    return [v for v in history if not v.deleted]


def _find(
    tx: Tx, subject: str, new: NewSchema, *, normalize: bool, deleted: bool = False
) -> SubjectVersion | None:
    """The subject's version holding ``new`` (by its normalised form with ``normalize``)."""
    fingerprint = new.normal_fingerprint if normalize else new.fingerprint
    return tx.find_version(subject, fingerprint=fingerprint, normal=normalize, deleted=deleted)


def _is_latest(spec: str) -> bool:
    return spec.strip().lower() == "latest" or spec.strip() == "-1"


def _invalid_version(spec: str) -> RegistryFault:
    return RegistryFault(
        ErrorCode.INVALID_VERSION,
        f"The specified version '{spec}' is not a valid version id. Allowed values are between"
        f' [1, {MAX_VERSION}] and the string "latest"',
    )


def _pick(
    subject: str,
    history: Sequence[SubjectVersion],
    spec: str,
    *,
    deleted: bool,
    missing_version: bool = False,
) -> SubjectVersion:
    """The version ``spec`` ("latest", "-1" or a number) of a subject's history."""
    latest = _is_latest(spec)
    if not latest:
        try:
            number = int(spec)
        except ValueError:
            raise _invalid_version(spec) from None
        if not 1 <= number <= MAX_VERSION:
            raise _invalid_version(spec)
    visible = list(history) if deleted else _live(history)
    if not visible:
        if missing_version and not latest:
            raise errors.version_not_found(subject, spec)
        raise errors.subject_not_found(subject)
    if latest:
        return visible[-1]
    for v in visible:
        if v.version == number:
            return v
    raise errors.version_not_found(subject, number)


def _check_subject(subject: str) -> None:
    if not subject.strip() or any(ord(c) < 32 or ord(c) == 127 for c in subject):
        raise RegistryFault(
            ErrorCode.INVALID_SUBJECT,
            f"The specified subject {subject!r} is not valid: it must not be empty or hold"
            " control characters",
        )


def _check_writable(subject: str, mode: Mode) -> None:
    if not mode.writable:
        raise errors.not_permitted(
            f"Subject '{subject}' is in {mode.value} mode; PUT /mode to READWRITE to change it"
        )


def _check_unreferenced(tx: Tx, version: SubjectVersion, *, live_only: bool) -> None:
    users = [
        sid for sid, live in tx.referrers(version.subject, version.version) if live or not live_only
    ]
    if users:
        ids = ", ".join(str(i) for i in users)
        raise RegistryFault(
            ErrorCode.REFERENCE_EXISTS,
            f"One or more references exist to the schema {{subject={version.subject},"
            f" version={version.version}}}: schema ids {ids} refer to it; delete those first",
        )


def _incompatible(subject: str, level: str, verdict: Verdict) -> RegistryFault:
    details = "; ".join(verdict.messages) or "see POST /compatibility with verbose=true"
    return RegistryFault(
        ErrorCode.INCOMPATIBLE_SCHEMA,
        f'Schema being registered is incompatible with an earlier schema for subject "{subject}"'
        f" (compatibility {level}), details: {details}",
    )
