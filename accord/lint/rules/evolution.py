"""Evolvability: the habits that keep tomorrow's change compatible."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache, partial
from typing import Any

from accord.contracts import Schema, SchemaFormat
from accord.contracts import avro as avro_model
from accord.contracts import pointer as jp
from accord.diagnostics import Severity
from accord.lint.elements import (
    AvroEnum,
    AvroField,
    AvroUnionField,
    Finding,
    JsonObject,
    JsonProperty,
    JsonRoot,
)
from accord.lint.registry import rule
from accord.lint.rules.common import (
    AVRO_TIME_TYPES,
    avro_type_name,
    looks_like_money,
    looks_temporal,
    non_null_branches,
)

# --- Avro ---------------------------------------------------------------------------------


@rule("AVRO_NULLABLE_NULL_NOT_FIRST", on=AvroUnionField, categories=("evolution", "avro"))
def avro_nullable_null_not_first(field: AvroUnionField) -> Finding | None:
    """Optional Avro fields are unions with `null` as the first branch.

    ## What it does
    Reports a field whose type is a union containing `"null"` anywhere but first.

    ## Why is this bad?
    A field's default must match the union's first branch. With `["string", "null"]` the
    field cannot have the `null` default that makes it optional, so it can never be added to
    or removed from a schema compatibly, and every producer must invent a value.

    ## Example
    ```json
    {"name": "note", "type": ["string", "null"]}
    ```

    ## Use instead
    ```json
    {"name": "note", "type": ["null", "string"], "default": null}
    ```

    ## Fix
    Move `"null"` to the front of the union and add `"default": null`. Reordering union
    branches is a compatible change (branches are matched by type, not position).
    """
    t = field.type
    if not isinstance(t, list) or "null" not in t or t[0] == "null":
        return None
    return field.finding(
        f"field {field.name!r} is optional but `null` is not the first branch of its union",
        fix='write the union as ["null", ...] and add "default": null',
        pointer=field.at("type"),
    )


@rule("AVRO_NULLABLE_MISSING_DEFAULT", on=AvroUnionField, categories=("evolution", "avro"))
def avro_nullable_missing_default(field: AvroUnionField) -> Finding | None:
    """Optional Avro fields (`["null", ...]`) have `"default": null`.

    ## What it does
    Reports a field whose type is a union starting with `"null"` but that has no `default`.

    ## Why is this bad?
    Without a default the field is optional only in name: a reader cannot fill it in when the
    writer's schema lacks it, so adding or removing it breaks compatibility.

    ## Example
    ```json
    {"name": "note", "type": ["null", "string"]}
    ```

    ## Use instead
    ```json
    {"name": "note", "type": ["null", "string"], "default": null}
    ```

    ## Fix
    Add `"default": null` (a compatible change).
    """
    t = field.type
    if not isinstance(t, list) or not t or t[0] != "null" or "default" in field.node:
        return None
    return field.finding(f"optional field {field.name!r} has no default", fix='add "default": null')


@rule("AVRO_ENUM_MISSING_DEFAULT", on=AvroEnum, categories=("evolution", "avro"))
def avro_enum_missing_default(enum: AvroEnum) -> Finding | None:
    """Avro enums declare a `default` symbol.

    ## What it does
    Reports every enum without an enum-level `default`.

    ## Why is this bad?
    A reader that meets a symbol it does not know (the producer added one) fails to decode the
    whole event unless the enum has a default to fall back to. Without it, adding a symbol is
    never forward compatible.

    ## Example
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["ACTIVE", "CLOSED"]}
    ```

    ## Use instead
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["UNKNOWN", "ACTIVE", "CLOSED"],
     "default": "UNKNOWN"}
    ```

    ## Fix
    Add a symbol such as `UNKNOWN` and make it the `default`; document how readers treat it.
    """
    if "default" in enum.node:
        return None
    return enum.finding(
        f"enum {enum.name!r} has no default symbol",
        fix='add an "UNKNOWN" symbol and "default": "UNKNOWN"',
    )


@lru_cache(maxsize=256)
def _first_version_fields(schema: Schema) -> dict[str, frozenset[str]]:
    """Field names of every record of a (previous) Avro schema, by full name."""
    out: dict[str, frozenset[str]] = {}
    for full, node, _ in avro_model.iter_named(schema.data):
        if node.get("type") in ("record", "error"):
            names = {f.get("name") for f in node.get("fields") or () if isinstance(f, dict)}
            out[full] = frozenset(n for n in names if isinstance(n, str))
    return out


@rule(
    "AVRO_ADDED_FIELD_MISSING_DEFAULT",
    on=AvroField,
    categories=("evolution", "avro"),
    history=True,
)
def avro_added_field_missing_default(field: AvroField) -> Finding | None:
    """Avro fields added after the first version have a `default`.

    ## What it does
    Compares each record with the first version of the event's schema (from `--against`: the
    git history by default, a folder, or the registry) and reports fields that the first
    version did not have and that have no `default`. Without a previous version the rule is
    skipped.

    ## Why is this bad?
    A consumer reading an old event with the new schema must fill the new field in: without a
    default it cannot, and the event fails to decode. Replays, late consumers and the topic's
    retention all keep old events around long after the change.

    ## Example
    Version 1 had `order_id`; version 2 adds:
    ```json
    {"name": "coupon", "type": "string"}
    ```

    ## Use instead
    ```json
    {"name": "coupon", "type": ["null", "string"], "default": null}
    ```

    ## Fix
    Give the field a default (for an optional value, make it `["null", T]` with
    `"default": null`).
    """
    if "default" in field.node:
        return None
    previous = field.ctx.previous(field.doc.event)
    if previous is None or not previous.versions:
        return None
    first = previous.versions[0]
    if first.format is not SchemaFormat.AVRO:
        return None
    old = _first_version_fields(first).get(field.record.fullname)
    if old is None:
        return None  # the whole record is new: the field that holds it needs the default
    aliases = field.node.get("aliases") or ()
    if field.name in old or any(a in old for a in aliases if isinstance(a, str)):
        return None
    return field.finding(
        f"field {field.name!r} was added after the first version of {field.record.name}"
        " and has no default",
        fix='add a default (for an optional field: ["null", T] with "default": null)',
    )


@rule(
    "AVRO_MONEY_AS_FLOAT",
    on=AvroField,
    categories=("evolution", "avro"),
    severity=Severity.WARNING,
)
def avro_money_as_float(field: AvroField) -> Finding | None:
    """Amounts of money are `decimal`, never `float` or `double`.

    ## What it does
    Reports `float` / `double` fields whose name contains a money word (`price`, `amount`,
    `total`, `fee`...; set `lint.money_words` to change the list).

    ## Why is this bad?
    Binary floating point cannot represent most decimal fractions: `0.1 + 0.2` is not `0.3`.
    Sums drift, totals fail to reconcile, and changing the type later is a breaking change.

    ## Example
    ```json
    {"name": "unit_price", "type": "double"}
    ```

    ## Use instead
    ```json
    {"name": "unit_price",
     "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}}
    ```

    ## Fix
    Use the `decimal` logical type (or a `long` count of minor units such as cents, named
    accordingly) in a new field, and retire the old one.
    """
    t = field.type
    base = t.get("type") if type(t) is dict else t
    if type(base) is str and base != "float" and base != "double":
        return None  # most fields: decided without looking at the name
    if not looks_like_money(field.name, field.ctx.options.money_words):
        return None
    for branch in non_null_branches(t):
        base, logical = avro_type_name(branch)
        if base in ("float", "double") and logical is None:
            return field.finding(
                f"money field {field.name!r} is a {base}",
                fix='use {"type": "bytes", "logicalType": "decimal", "precision": P, "scale": S}',
                pointer=field.at("type"),
            )
    return None


@rule(
    "AVRO_TIMESTAMP_WITHOUT_LOGICAL_TYPE",
    on=AvroField,
    categories=("evolution", "avro"),
    severity=Severity.WARNING,
)
def avro_timestamp_without_logical_type(field: AvroField) -> Finding | None:
    """Points in time are Avro logical types (`timestamp-millis`, `date`...).

    ## What it does
    Reports fields named like points in time (`*_at`, `*_time`, `*_date`, `timestamp`...)
    whose type is a plain `long`, `int`, `string` or `double` without a time `logicalType`.

    ## Why is this bad?
    A bare `long` does not say seconds or milliseconds, a string does not say which format or
    zone; every consumer guesses, and some guess wrong. Logical types carry the unit, and
    generated code gets real `datetime` / `date` values.

    ## Example
    ```json
    {"name": "occurred_at", "type": "long"}
    ```

    ## Use instead
    ```json
    {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
    ```

    ## Fix
    Add the logical type (`timestamp-millis` / `timestamp-micros` for instants on a `long`,
    `date` on an `int`). Adding a logical type to the same base type keeps the encoding.
    """
    if not looks_temporal(field.name):
        return None
    for branch in non_null_branches(field.type):
        base, logical = avro_type_name(branch)
        if base in ("long", "int", "string", "double", "float") and logical not in AVRO_TIME_TYPES:
            return field.finding(
                f"field {field.name!r} holds a point in time as a plain {base}",
                fix='use {"type": "long", "logicalType": "timestamp-millis"} (or "date" on an int)',
                pointer=field.at("type"),
            )
    return None


# --- JSON Schema --------------------------------------------------------------------------


@rule("JSON_SCHEMA_DIALECT_MISSING", on=JsonRoot, categories=("evolution", "jsonschema"))
def json_schema_dialect_missing(root: JsonRoot) -> Finding | None:
    """JSON Schema documents declare their draft with `$schema`.

    ## What it does
    Reports a JSON Schema document without a top-level `$schema`.

    ## Why is this bad?
    Drafts disagree on what keywords mean (`items` as a list, `$ref` siblings,
    `dependencies`). Without `$schema`, Confluent reads draft 7 and other tools may read
    2020-12: the same document validates differently for producer and consumer.

    ## Example
    ```json
    {"title": "StockUpdated", "type": "object"}
    ```

    ## Use instead
    ```json
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "StockUpdated",
     "type": "object"}
    ```

    ## Fix
    Add `"$schema"` naming the draft the schema was written for (accord supports draft 7,
    2019-09 and 2020-12).
    """
    if "$schema" in root.node:
        return None
    return root.finding(
        "the schema does not declare its draft (`$schema`); readers assume draft 7",
        fix='add "$schema": "https://json-schema.org/draft/2020-12/schema"',
    )


@rule(
    "JSON_ADDITIONAL_PROPERTIES_IMPLICIT",
    on=JsonObject,
    categories=("evolution", "jsonschema"),
)
def json_additional_properties_implicit(obj: JsonObject) -> Finding | None:
    """JSON Schema objects state `additionalProperties` explicitly.

    ## What it does
    Reports object schemas that set neither `additionalProperties` nor
    `unevaluatedProperties`.

    ## Why is this bad?
    Whether an object is open or closed decides which changes are compatible (Confluent's
    content models): adding a property is backward compatible for a closed model and forward
    compatible for an open one. Left implicit, the object is open by accident, and the
    choice is made for you the day someone adds a field.

    ## Example
    ```json
    {"type": "object", "properties": {"sku": {"type": "string"}}}
    ```

    ## Use instead
    ```json
    {"type": "object", "properties": {"sku": {"type": "string"}}, "additionalProperties": false}
    ```

    ## Fix
    Decide: `false` (closed; consumers reject unknown properties) or `true` (open; producers
    may add properties), and write it down.
    """
    node = obj.node
    if "additionalProperties" in node or "unevaluatedProperties" in node:
        return None
    return obj.finding(
        "object schema does not say whether other properties are allowed",
        fix='add "additionalProperties": false (closed) or true (open)',
    )


_TYPED = frozenset(["type", "$ref", "enum", "const", "allOf", "anyOf", "oneOf"])


@rule(
    "JSON_REQUIRED_PROPERTY_UNTYPED",
    on=JsonObject,
    categories=("evolution", "jsonschema"),
)
def json_required_property_untyped(obj: JsonObject) -> list[Finding] | None:
    """Every property listed in `required` is defined with a type.

    ## What it does
    Reports names in an object's `required` list that are not under its `properties`, or
    whose schema has no `type` (nor `$ref`, `enum`, `const` or a combinator giving one).

    ## Why is this bad?
    A required property without a type accepts any value: producers drift apart (one sends a
    number, another a string) and the schema cannot be tightened later without breaking
    someone. A required name missing from `properties` is usually a typo.

    ## Example
    ```json
    {"type": "object", "required": ["sku", "qty"], "properties": {"sku": {}}}
    ```

    ## Use instead
    ```json
    {"type": "object", "required": ["sku", "qty"],
     "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}}
    ```

    ## Fix
    Define the property with a `type`, or remove it from `required`.
    """
    required = obj.node.get("required")
    if type(required) is not list:
        return None
    props = obj.node.get("properties")
    props = props if type(props) is dict else {}
    found: list[Finding] = []
    for i, name in enumerate(required):
        sub = props.get(name) if type(name) is str else None
        if type(sub) is dict and "type" in sub and "$ref" not in sub:
            continue  # the usual required property: typed in place
        if type(name) is str:
            found.extend(_untyped_required(obj, i, name, props))
    return found or None


def _untyped_required(
    obj: JsonObject, i: int, name: str, props: dict[str, Any]
) -> Iterator[Finding]:
    if name not in props:
        yield obj.finding(
            f"required property {name!r} is not defined under `properties`",
            fix=f'define "{name}" with a type under `properties`, or drop it from `required`',
            pointer=obj.at("required", i),
        )
        return
    sub = props[name]
    if isinstance(sub, dict) and isinstance(sub.get("$ref"), str):
        resolve = (
            obj.doc.resolve if obj.doc.schema is not None else partial(_resolve_local, obj.node)
        )
        sub = resolve(sub["$ref"]) or sub
    if isinstance(sub, dict) and _TYPED.isdisjoint(sub):
        yield obj.finding(
            f"required property {name!r} has no type",
            fix='add "type" (or "$ref" to a typed definition)',
            pointer=obj.at("properties", name),
        )


def _resolve_local(root: Any, ref: str) -> Any:
    if not (ref == "#" or ref.startswith("#/")):  # an anchor ("#name") names no pointer
        return None
    try:
        return jp.resolve(root, ref[1:])
    except KeyError:
        return None


@rule(
    "JSON_ADDED_PROPERTY_REQUIRED",
    on=JsonProperty,
    categories=("evolution", "jsonschema"),
    history=True,
)
def json_added_property_required(prop: JsonProperty) -> Finding | None:
    """JSON Schema properties added after the first version are not `required`.

    ## What it does
    Compares each object with the same object (same JSON pointer) in the first version of the
    event's schema (from `--against`: the git history by default, a folder, or the registry)
    and reports properties the first version did not have that are listed in `required`.
    Without a previous version the rule is skipped.

    ## Why is this bad?
    Events written before the change lack the property; a consumer validating with the new
    schema rejects every one of them (replays, late consumers, retention). It is the JSON
    Schema form of adding an Avro field without a default.

    ## Example
    Version 1 had `sku`; version 2 adds `warehouse` and lists it in `required`.

    ## Use instead
    ```json
    {"required": ["sku"],
     "properties": {"sku": {"type": "string"},
                    "warehouse": {"type": ["string", "null"], "default": null}}}
    ```

    ## Fix
    Remove the new property from `required` (and give it a `default` so readers know what
    its absence means).
    """
    if not prop.required:
        return None
    previous = prop.ctx.previous(prop.doc.event)
    if previous is None or not previous.versions:
        return None
    first = previous.versions[0]
    if first.format is not SchemaFormat.JSON:
        return None
    try:
        old = jp.resolve(first.data, prop.owner.pointer)
    except KeyError:
        return None
    old_props = old.get("properties") if isinstance(old, dict) else None
    if not isinstance(old_props, dict) or prop.name in old_props:
        return None
    return prop.finding(
        f"property {prop.name!r} was added after the first version and is required",
        fix="drop it from `required` and give it a default",
    )


def _json_types(prop: JsonProperty) -> tuple[set[str], Any]:
    node = prop.node
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and prop.doc.schema:
        node = prop.doc.resolve(node["$ref"]) or node
    if not isinstance(node, dict):
        return set(), node
    t = node.get("type")
    if isinstance(t, str):
        return {t}, node
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}, node
    return set(), node


@rule(
    "JSON_MONEY_AS_NUMBER",
    on=JsonProperty,
    categories=("evolution", "jsonschema"),
    severity=Severity.WARNING,
)
def json_money_as_number(prop: JsonProperty) -> Finding | None:
    """Amounts of money are not JSON Schema `number`s.

    ## What it does
    Reports properties of type `number` whose name contains a money word (`price`, `amount`,
    `total`, `fee`...; set `lint.money_words` to change the list).

    ## Why is this bad?
    JSON numbers are read as binary floating point by most parsers: `0.1 + 0.2` is not
    `0.3`, sums drift and totals fail to reconcile.

    ## Example
    ```json
    {"properties": {"unit_price": {"type": "number"}}}
    ```

    ## Use instead
    ```json
    {"properties": {"unit_price": {"type": "string", "pattern": "^-?[0-9]+\\\\.[0-9]{2}$",
                                   "description": "Decimal amount, exact to the cent."}}}
    ```

    ## Fix
    Send a decimal string (with a `pattern`) or an `integer` count of minor units (cents),
    in a new property, and retire the old one.
    """
    node = prop.node
    if type(node) is dict and "$ref" not in node:
        t = node.get("type")
        if type(t) is str and t != "number":
            return None  # most properties: decided without looking at the name
    if not looks_like_money(prop.name, prop.ctx.options.money_words):
        return None
    types, _ = _json_types(prop)
    if "number" not in types:
        return None
    return prop.finding(
        f"money property {prop.name!r} is a JSON number (binary floating point for most readers)",
        fix="use a decimal string with a pattern, or an integer amount of minor units",
    )


@rule(
    "JSON_TIMESTAMP_WITHOUT_FORMAT",
    on=JsonProperty,
    categories=("evolution", "jsonschema"),
    severity=Severity.WARNING,
)
def json_timestamp_without_format(prop: JsonProperty) -> Finding | None:
    """Points in time are strings with `format: date-time` (or `date`, `time`).

    ## What it does
    Reports properties named like points in time (`*_at`, `*_time`, `*_date`, `timestamp`...)
    that are numbers, or strings without a `date-time`, `date` or `time` format.

    ## Why is this bad?
    An integer does not say seconds or milliseconds, a free string does not say which format
    or zone. `format: date-time` means RFC 3339, with an offset: one reading for everybody.

    ## Example
    ```json
    {"properties": {"occurred_at": {"type": "integer"}}}
    ```

    ## Use instead
    ```json
    {"properties": {"occurred_at": {"type": "string", "format": "date-time"}}}
    ```

    ## Fix
    Use `"type": "string", "format": "date-time"` (a new property if the old one is in use).
    """
    if not looks_temporal(prop.name):
        return None
    types, node = _json_types(prop)
    types.discard("null")
    if not types:
        return None
    fmt = node.get("format") if isinstance(node, dict) else None
    if types == {"string"} and fmt in ("date-time", "date", "time"):
        return None
    if not types & {"string", "integer", "number"}:
        return None
    shown = "/".join(sorted(types))
    return prop.finding(
        f"property {prop.name!r} holds a point in time as {shown} without a date-time format",
        fix='use "type": "string", "format": "date-time"',
    )
