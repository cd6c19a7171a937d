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
from dataclasses import replace
from typing import Any

from accord.compat import inputs
from accord.compat.avro import explain as avro_explain
from accord.compat.avro import resolve as avro_resolve
from accord.compat.avro import witness as avro_witness
from accord.compat.change import Change, CompatibilityResult, Direction, Policy, Witness
from accord.compat.engine import Prepared, pair, prepare, reference_items
from accord.compat.inputs import SchemaInput
from accord.compat.levels import directions, parse_level, versions_to_check
from accord.contracts.model import Level, Schema, SchemaFormat
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
    try:
        lvl = parse_level(level)
        pol = Policy.parse(policy)
        forced = _schema_type(schema_type)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    history = list(previous)
    names = _labels(labels, len(history))
    indices = versions_to_check(lvl, len(history))
    wanted = {i: inputs.raw(history[i], names[i]) for i in indices}
    new_raw = inputs.raw(new, names[-1])
    fmt = inputs.choose_format(
        [*(r[0] for r in wanted.values()), new_raw[0]],
        [*(r[3] for r in wanted.values()), new_raw[3]],
        forced or _given_format(new),
    )
    refs = [
        (name, inputs.raw(value, f"reference {name}")[0])
        for name, value in reference_items(references)
    ]
    new_p = _prepare(new, new_raw, fmt, refs)
    changes: list[Change] = []
    for i in indices:
        data = wanted[i][0]
        other = _given_format(history[i]) or inputs.detect(data)
        if other is not None and other is not fmt:
            changes.append(_type_changed(fmt, other, names[i], names[-1], i))
            continue
        old_p = _prepare(history[i], wanted[i], fmt, refs)
        for direction in directions(lvl):
            changes.extend(_compare(old_p, new_p, direction, pol, names[i], names[-1], i))
    return CompatibilityResult(
        compatible=not any(c.breaking for c in changes),
        changes=changes,
        level=lvl,
        format=fmt,
        policy=pol,
        versions_checked=len(indices),
    )


def _schema_type(value: str | SchemaFormat | None) -> SchemaFormat | None:
    if value is None or isinstance(value, SchemaFormat):
        return value
    text = str(value).strip().upper()
    aliases = {
        "AVRO": SchemaFormat.AVRO,
        "JSON": SchemaFormat.JSON,
        "JSONSCHEMA": SchemaFormat.JSON,
    }
    if text not in aliases:
        raise ValueError(f"unknown schema type {value!r} (valid: AVRO, JSON)")
    return aliases[text]


def _given_format(value: SchemaInput) -> SchemaFormat | None:
    return value.format if isinstance(value, Schema) else None


def _labels(labels: Sequence[str] | None, count: int) -> list[str]:
    if labels is None:
        return [f"v{i + 1}" for i in range(count + 1)]
    names = list(labels)
    if len(names) != count + 1:
        raise UsageError(
            f"labels: expected {count + 1} names (one per previous version and one for the new"
            f" schema), got {len(names)}"
        )
    return names


def _prepare(
    value: SchemaInput,
    raw: tuple[Any, str | None, str, Any],
    fmt: SchemaFormat,
    refs: list[tuple[str, Any]],
) -> Prepared:
    data, text, shown, _ = raw
    schema = value if isinstance(value, Schema) else None
    return prepare(data, fmt, text=text, file=shown, references=refs, schema=schema)


def _type_changed(
    fmt: SchemaFormat, other: SchemaFormat, old: str, new: str, version: int
) -> Change:
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
    old_label: str,
    new_label: str,
    version: int,
) -> list[Change]:
    if old.format is SchemaFormat.AVRO:
        return _avro_changes(old, new, direction, old_label, new_label, version)
    from accord.compat.jsonschema import explain as json_explain

    return json_explain.changes(old, new, direction, policy, old_label, new_label, version)


def _avro_changes(
    old: Prepared,
    new: Prepared,
    direction: Direction,
    old_label: str,
    new_label: str,
    version: int,
) -> list[Change]:
    reader, writer = (new, old) if direction is Direction.BACKWARD else (old, new)
    found: list[avro_resolve.Incompatibility] = pair(
        (reader.key, writer.key, "avro"),
        lambda: avro_resolve.incompatibilities(reader.avro, writer.avro),
    )
    out = []
    for inc in found:
        out.append(
            avro_explain.change(
                inc,
                direction,
                old=old_label,
                new=new_label,
                version=version,
                witness=_avro_witness(reader, writer, inc),
            )
        )
    return out


def _avro_witness(reader: Prepared, writer: Prepared, inc: avro_resolve.Incompatibility) -> Any:
    def find() -> Witness | None:
        try:
            writer_parsed, reader_parsed = writer.fastavro, reader.fastavro
        except Exception:  # fastavro cannot parse it (an anonymous record): no witness
            return None
        return avro_witness.find(writer.avro, inc, writer_parsed, reader_parsed)

    return find


def with_breaking(change: Change, breaking: bool) -> Change:
    return replace(change, breaking=breaking)
