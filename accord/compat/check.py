"""The public API: :func:`check` and :func:`check_versions`.

>>> from accord.compat import check
>>> old = {"type": "record", "name": "U", "fields": [{"name": "id", "type": "string"}]}
>>> new = {"type": "record", "name": "U", "fields": [
...     {"name": "id", "type": "string"}, {"name": "email", "type": "string"}]}
>>> result = check(old, new, "BACKWARD")
>>> result.compatible
False
>>> result.changes[0].kind
'FIELD_ADDED_WITHOUT_DEFAULT'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accord.compat import inputs
from accord.compat.avro import explain as avro_explain
from accord.compat.avro import resolve as avro_resolve
from accord.compat.avro import witness as avro_witness
from accord.compat.change import Change, CompatibilityResult, Direction, Policy, Witness
from accord.compat.engine import Prepared, cached, pair, prepare, references_key, remember
from accord.compat.inputs import SchemaInput
from accord.compat.levels import directions, parse_level, versions_to_check
from accord.contracts.model import Level, SchemaFormat
from accord.errors import UsageError


def check(
    old: SchemaInput,
    new: SchemaInput,
    level: str | Level = "BACKWARD",
    *,
    policy: str | Policy = "strict",
    references: Mapping[str, SchemaInput] | None = None,
    schema_type: str | SchemaFormat | None = None,
    labels: Sequence[str] | None = None,
) -> CompatibilityResult:
    """Is ``new`` compatible with ``old`` at ``level``?

    Avro: BACKWARD = a reader using ``new`` reads data written with ``old``; FORWARD = a
    reader using ``old`` reads data written with ``new``; FULL = both. JSON Schema: BACKWARD =
    every document ``old`` accepts, ``new`` accepts too (Confluent's diff, judged by
    ``policy``). ``references`` maps a name to a schema that ``old``/``new`` use (Avro named
    types defined elsewhere, JSON Schema ``$ref`` targets by name or URL); ``schema_type``
    ("AVRO"/"JSON") overrides detection; ``labels`` names the two versions in messages.
    """
    return check_versions(
        [old],
        new,
        level,
        policy=policy,
        references=references,
        schema_type=schema_type,
        labels=labels or ("the old schema", "the new schema"),
    )


def check_versions(
    previous: Sequence[SchemaInput],
    new: SchemaInput,
    level: str | Level = "BACKWARD",
    *,
    policy: str | Policy = "strict",
    references: Mapping[str, SchemaInput] | None = None,
    schema_type: str | SchemaFormat | None = None,
    labels: Sequence[str] | None = None,
) -> CompatibilityResult:
    """Is ``new`` compatible with the history ``previous`` (oldest first) at ``level``?

    Levels without ``_TRANSITIVE`` compare with the last version only; transitive levels with
    every one. Each schema is validated and parsed once per content (memoised), so long
    histories stay cheap. ``labels`` (one per previous version, then one for ``new``) name
    the versions in messages; by default ``v1`` ... ``vN``.
    """
    lvl = _LEVELS.get(level) if isinstance(level, str) else level
    pol = _POLICIES.get(policy) if isinstance(policy, str) else policy
    try:
        lvl = lvl if isinstance(lvl, Level) else parse_level(level)
        pol = pol if isinstance(pol, Policy) else Policy.parse(policy)
        forced = _schema_type(schema_type)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    history = previous if isinstance(previous, (list, tuple)) else list(previous)
    if labels is not None and len(labels) != len(history) + 1:
        raise UsageError(
            f"labels: expected {len(history) + 1} names (one per previous version and one for"
            f" the new schema), got {len(labels)}"
        )
    indices = versions_to_check(lvl, len(history))
    wanted = [(i, inputs.load(history[i], _label(labels, i))) for i in indices]
    new_loaded = inputs.load(new, _label(labels, len(history)))
    fmt = inputs.choose_format([*(w for _, w in reversed(wanted)), new_loaded], forced)
    refs: list[tuple[str, Any]] = []
    refs_key = ""
    if references:
        refs = [
            (name, inputs.load(value, f"reference {name}").data)
            for name, value in references.items()
        ]
        refs_key = references_key(refs)
    new_p = prepare(new_loaded, fmt, refs, refs_key, _label(labels, len(history)))
    changes: list[Change] = []
    for i, loaded in wanted:
        other = loaded.given or loaded.detected
        if other is not None and other is not fmt:
            changes.append(_type_changed(fmt, other, history, labels, i))
            continue
        old_p = prepare(loaded, fmt, refs, refs_key, _label(labels, i))
        for direction in _DIRECTIONS[lvl]:
            changes.extend(_compare(old_p, new_p, direction, pol, history, labels, i))
    return CompatibilityResult.make(
        not any(c.breaking for c in changes), changes, lvl, fmt, pol, len(indices)
    )


_LEVELS: dict[str, Level] = {
    **{lv.value: lv for lv in Level},
    **{lv.value.lower(): lv for lv in Level},
}
_POLICIES: dict[str, Policy] = {p.value: p for p in Policy}
_DIRECTIONS: dict[Level, tuple[Direction, ...]] = {lv: directions(lv) for lv in Level}


_SCHEMA_TYPES: dict[str, SchemaFormat] = {
    "AVRO": SchemaFormat.AVRO,
    "JSON": SchemaFormat.JSON,
    "JSONSCHEMA": SchemaFormat.JSON,
}


def _schema_type(value: str | SchemaFormat | None) -> SchemaFormat | None:
    if value is None or isinstance(value, SchemaFormat):
        return value
    found = _SCHEMA_TYPES.get(value) or _SCHEMA_TYPES.get(str(value).strip().upper())
    if found is None:
        raise ValueError(f"unknown schema type {value!r} (valid: AVRO, JSON)")
    return found


def _label(labels: Sequence[str] | None, index: int) -> str:
    """How version ``index`` is named (``v1``...; the last index is the new schema)."""
    return labels[index] if labels is not None else f"v{index + 1}"


def _type_changed(
    fmt: SchemaFormat,
    other: SchemaFormat,
    history: Sequence[Any],
    labels: Sequence[str] | None,
    version: int,
) -> Change:
    old, new = _label(labels, version), _label(labels, len(history))
    return Change(
        kind="SCHEMA_TYPE_CHANGED",
        path="",
        old_path="",
        message=f"{new} is {fmt.value} but {old} is {other.value}: no consumer of one can read"
        f" events written with the other",
        fix="keep the schema type of the subject; publish the other format as a new event",
        breaking=True,
        reference_type="SCHEMA_TYPE_CHANGED",
        version=version,
    )


def _compare(
    old: Prepared,
    new: Prepared,
    direction: Direction,
    policy: Policy,
    history: Sequence[Any],
    labels: Sequence[str] | None,
    version: int,
) -> list[Change]:
    """The changes in one direction, memoised (Change records are immutable)."""
    old_label, new_label = _label(labels, version), _label(labels, len(history))
    key = (old.key, new.key, direction, policy, old_label, new_label, version)
    found: list[Change] | None = cached(key)
    if found is None:
        found = _changes(old, new, direction, policy, old_label, new_label, version)
        remember(key, found)
    return found


def _changes(
    old: Prepared,
    new: Prepared,
    direction: Direction,
    policy: Policy,
    old_label: str,
    new_label: str,
    version: int,
) -> list[Change]:
    if old.format is SchemaFormat.JSON:
        from accord.compat.jsonschema import explain as json_explain

        return json_explain.changes(old, new, direction, policy, old_label, new_label, version)
    reader, writer = (new, old) if direction is Direction.BACKWARD else (old, new)
    found: list[avro_resolve.Incompatibility] = pair(
        (reader.key, writer.key, "avro"),
        lambda: avro_resolve.incompatibilities(reader.avro, writer.avro),
    )
    return [
        avro_explain.change(
            inc,
            direction,
            old=old_label,
            new=new_label,
            version=version,
            witness=_avro_witness(reader, writer, inc),
        )
        for inc in found
    ]


def _avro_witness(reader: Prepared, writer: Prepared, inc: avro_resolve.Incompatibility) -> Any:
    def find() -> Witness | None:
        try:
            writer_parsed, reader_parsed = writer.fastavro, reader.fastavro
        except Exception:  # fastavro cannot parse it (an anonymous record): no witness
            return None
        return avro_witness.find(writer.avro, inc, writer_parsed, reader_parsed)

    return find
