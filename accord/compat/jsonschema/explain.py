"""JSON Schema differences as :class:`~accord.compat.change.Change` records, in plain words.

Confluent's backward check diffs the old schema (original) against the new one (update); the
forward check diffs them the other way round. A difference whose type is outside the policy's
compatible set breaks the level; the others are kept as information. The message names the
property by its path and says what breaks for whom; the fix says what to do instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.compat.change import Change, Direction, Policy, Witness
from accord.compat.engine import Prepared, pair
from accord.compat.jsonschema import witness as json_witness
from accord.compat.jsonschema.diff import Difference, diff
from accord.compat.jsonschema.kinds import compatible_set
from accord.compat.jsonschema.model import JNode

_KIND_NAMES = {
    "empty": "any value",
    "false": "nothing",
    "boolean": "boolean",
    "null": "null",
    "string": "string",
    "number": "number",
    "object": "object",
    "array": "array",
    "enum": "enum",
    "const": "const",
    "combined": "combined schema",
    "not": "not",
    "conditional": "if/then/else",
    "ref": "$ref",
}

# type -> (what happened, how to fix it); {where} {name} {kw} {old} {new} {w} {r} are filled in
TEXTS: dict[str, tuple[str, str]] = {
    "TYPE_CHANGED": (
        "{where} changed type from {old_type} to {new_type}",
        "keep the type; add a new property with the new type and deprecate the old one",
    ),
    "TYPE_NARROWED": (
        "{where} was narrowed from number to integer",
        "keep accepting numbers (type: number)",
    ),
    "TYPE_EXTENDED": ("{where} was widened from integer to number", ""),
    "SCHEMA_ADDED": (
        "{where} gained a schema where there was none",
        "leave it unconstrained, or constrain it only in a new property",
    ),
    "SCHEMA_REMOVED": ("{where} lost its schema (anything is accepted)", ""),
    "REQUIRED_ATTRIBUTE_ADDED": (
        "property `{name}` became required",
        'keep `{name}` optional, or give it a "default"',
    ),
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED": (
        "property `{name}` became required (it has a default)",
        "",
    ),
    "REQUIRED_ATTRIBUTE_REMOVED": ("property `{name}` is no longer required", ""),
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": (
        "required property `{name}` was added",
        'make `{name}` optional, or give it a "default"',
    ),
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL": (
        "required property `{name}` was added with a default",
        "",
    ),
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": (
        "optional property `{name}` was added to a closed content model",
        "",
    ),
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": (
        "required property `{name}` was added; {w} is open, so its events may lack it or carry"
        " it with any value",
        'make `{name}` optional, or close the old schema ("additionalProperties": false) first',
    ),
    "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL": (
        "required property `{name}` was added; {w} is open, so its events may carry `{name}`"
        " with any value",
        'close the old schema ("additionalProperties": false) first, or use policy lenient',
    ),
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": (
        "property `{name}` was added; {w} is open, so its events may already carry `{name}`"
        " with any value",
        'close the old schema ("additionalProperties": false) before adding properties, add'
        " `{name}` with an empty schema ({{}}), or use policy lenient",
    ),
    "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": (
        "property `{name}` was added; {w} is open, so its events may already carry `{name}`"
        " with any value",
        'close the old schema ("additionalProperties": false) before adding properties',
    ),
    "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL": (
        "property `{name}` was added with an empty schema",
        "",
    ),
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL": ("property `{name}` was removed", ""),
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "property `{name}` was removed, and {r} does not allow undeclared properties",
        "keep `{name}` declared (deprecate it in its description)",
    ),
    "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "property `{name}` (false) was removed from a closed content model",
        "",
    ),
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "property `{name}` was added, within what the old pattern/additional properties allowed",
        "",
    ),
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "property `{name}` was added with a schema narrower than what {w} allowed for it",
        "give `{name}` a schema that accepts what the old patternProperties /"
        " additionalProperties accepted",
    ),
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "property `{name}` was removed; the pattern/additional properties still accept it",
        "",
    ),
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "property `{name}` was removed, and what {r} allows for undeclared properties rejects"
        " its values",
        "keep `{name}` declared",
    ),
    "ADDITIONAL_PROPERTIES_ADDED": ("{where} now allows additional properties", ""),
    "ADDITIONAL_PROPERTIES_REMOVED": (
        "{where} no longer allows additional properties",
        "keep additionalProperties open, or use policy lenient",
    ),
    "ADDITIONAL_PROPERTIES_NARROWED": (
        "{where}: additional properties are now constrained by a schema",
        "leave additionalProperties unconstrained, or use policy lenient",
    ),
    "ADDITIONAL_PROPERTIES_EXTENDED": ("{where}: additional properties are unconstrained", ""),
    "ADDITIONAL_ITEMS_ADDED": ("{where} now allows additional items", ""),
    "ADDITIONAL_ITEMS_REMOVED": (
        "{where} no longer allows additional items",
        "keep additional items allowed",
    ),
    "ADDITIONAL_ITEMS_NARROWED": (
        "{where}: additional items are now constrained by a schema",
        "leave additional items unconstrained",
    ),
    "ADDITIONAL_ITEMS_EXTENDED": ("{where}: additional items are unconstrained", ""),
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL": (
        "{where}: a positional item was added; {w} allows any value there",
        "constrain only new positions that the old schema did not allow",
    ),
    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL": ("{where}: a positional item was added", ""),
    "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL": (
        "{where}: an unconstrained positional item was added",
        "",
    ),
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL": ("{where}: a positional item was removed", ""),
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "{where}: a positional item was removed, and {r} allows no additional items",
        "keep the item",
    ),
    "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL": (
        "{where}: a false positional item was removed",
        "",
    ),
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "{where}: a positional item was added within what additional items allowed",
        "",
    ),
    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "{where}: a positional item was added with a schema narrower than the old additional items",
        "give the item a schema that accepts what the old additional items accepted",
    ),
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "{where}: a positional item was removed; additional items still accept it",
        "",
    ),
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": (
        "{where}: a positional item was removed, and the additional items of {r} reject its values",
        "keep the item",
    ),
    "ENUM_ARRAY_EXTENDED": ("{where}: the enum gained values", ""),
    "ENUM_ARRAY_NARROWED": (
        "{where}: the enum lost values",
        "keep every value; stop producing a value instead of removing it",
    ),
    "ENUM_ARRAY_CHANGED": (
        "{where}: the allowed values changed",
        "keep the old values (add new ones alongside)",
    ),
    "COMBINED_TYPE_EXTENDED": ("{where}: the combination became less strict", ""),
    "COMBINED_TYPE_CHANGED": (
        "{where}: allOf/anyOf/oneOf changed to a stricter combination",
        "keep the combination keyword",
    ),
    "PRODUCT_TYPE_EXTENDED": (
        "{where}: allOf gained a subschema (a new constraint)",
        "do not add constraints to allOf",
    ),
    "PRODUCT_TYPE_NARROWED": ("{where}: allOf lost a subschema (a constraint)", ""),
    "SUM_TYPE_EXTENDED": ("{where}: anyOf/oneOf gained an alternative", ""),
    "SUM_TYPE_NARROWED": (
        "{where}: anyOf/oneOf lost an alternative",
        "keep every alternative",
    ),
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED": (
        "{where}: the subschemas of the combination changed and no longer cover the old ones",
        "keep each old subschema (or a compatible widening of it)",
    ),
    "NOT_TYPE_EXTENDED": (
        "{where}: `not` now excludes more values",
        "exclude no value that was allowed before",
    ),
    "NOT_TYPE_NARROWED": ("{where}: `not` excludes fewer values", ""),
    "DEPENDENCY_ARRAY_ADDED": (
        "{where}: a property dependency was added",
        "do not add dependencies between existing properties",
    ),
    "DEPENDENCY_ARRAY_EXTENDED": (
        "{where}: a property dependency requires more properties",
        "do not extend dependencies",
    ),
    "DEPENDENCY_ARRAY_CHANGED": (
        "{where}: a property dependency changed",
        "keep the dependency",
    ),
    "DEPENDENCY_ARRAY_NARROWED": ("{where}: a property dependency requires fewer properties", ""),
    "DEPENDENCY_ARRAY_REMOVED": ("{where}: a property dependency was removed", ""),
    "DEPENDENCY_SCHEMA_ADDED": (
        "{where}: a schema dependency was added",
        "do not add schema dependencies",
    ),
    "DEPENDENCY_SCHEMA_REMOVED": ("{where}: a schema dependency was removed", ""),
    "UNIQUE_ITEMS_ADDED": (
        "{where}: items must now be unique",
        "drop uniqueItems",
    ),
    "UNIQUE_ITEMS_REMOVED": ("{where}: items need no longer be unique", ""),
    "PATTERN_ADDED": ("{where}: a pattern was added", "drop the pattern"),
    "PATTERN_CHANGED": ("{where}: the pattern changed", "keep the old pattern"),
    "PATTERN_REMOVED": ("{where}: the pattern was removed", ""),
    "MULTIPLE_OF_ADDED": ("{where}: multipleOf was added", "drop multipleOf"),
    "MULTIPLE_OF_EXPANDED": ("{where}: multipleOf became stricter", "keep the old multipleOf"),
    "MULTIPLE_OF_CHANGED": ("{where}: multipleOf changed", "keep the old multipleOf"),
    "MULTIPLE_OF_REDUCED": ("{where}: multipleOf became looser", ""),
    "MULTIPLE_OF_REMOVED": ("{where}: multipleOf was removed", ""),
    "ID_CHANGED": ("{where}: $id changed", ""),
    "TITLE_CHANGED": ("{where}: title changed", ""),
    "DESCRIPTION_CHANGED": ("{where}: description changed", ""),
    "DEFAULT_CHANGED": ("{where}: default changed", ""),
}

_BOUNDS = {
    "MAX_LENGTH": "maxLength",
    "MIN_LENGTH": "minLength",
    "MAXIMUM": "maximum",
    "MINIMUM": "minimum",
    "EXCLUSIVE_MAXIMUM": "exclusiveMaximum",
    "EXCLUSIVE_MINIMUM": "exclusiveMinimum",
    "MAX_PROPERTIES": "maxProperties",
    "MIN_PROPERTIES": "minProperties",
    "MAX_ITEMS": "maxItems",
    "MIN_ITEMS": "minItems",
    "MAX_CONTAINS": "maxContains",
    "MIN_CONTAINS": "minContains",
}
_ATTR = {
    "MAX_LENGTH": "max_length",
    "MIN_LENGTH": "min_length",
    "MAXIMUM": "maximum",
    "MINIMUM": "minimum",
    "EXCLUSIVE_MAXIMUM": "exclusive_maximum",
    "EXCLUSIVE_MINIMUM": "exclusive_minimum",
    "MAX_PROPERTIES": "max_properties",
    "MIN_PROPERTIES": "min_properties",
    "MAX_ITEMS": "max_items",
    "MIN_ITEMS": "min_items",
    "MAX_CONTAINS": "max_contains",
    "MIN_CONTAINS": "min_contains",
}


def where(path: tuple[str, ...]) -> str:
    """A human name for a Confluent path: ``property `address.zip```, ``the schema``..."""
    names: list[str] = []
    tokens = "/".join(path).split("/") if path else []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "properties" and i + 1 < len(tokens):
            names.append(tokens[i + 1])
            i += 2
            continue
        if t == "items":
            if i + 1 < len(tokens) and tokens[i + 1].isdigit():
                names.append(f"[{tokens[i + 1]}]")
                i += 2
                continue
            names.append("[]")
        elif t in ("additionalProperties", "unevaluatedProperties"):
            names.append("*")
        i += 1
    if not names:
        return "the schema"
    text = ""
    for n in names:
        text += n if n.startswith("[") else ("." if text else "") + n
    return f"property `{text}`"


def _bound_text(d: Difference, family: str, change: str) -> tuple[str, str]:
    keyword = _BOUNDS[family]
    attr = _ATTR[family]
    old = getattr(d.original, attr, None) if d.original is not None else None
    new = getattr(d.update, attr, None) if d.update is not None else None
    place = where(d.path[:-1]) if d.path and d.path[-1] == keyword else where(d.path)
    if change == "ADDED":
        return f"{place}: `{keyword}` {new} was added", f"drop `{keyword}`"
    if change == "REMOVED":
        return f"{place}: `{keyword}` {old} was removed", f"keep `{keyword}`"
    verb = "raised" if change == "INCREASED" else "lowered"
    return f"{place}: `{keyword}` was {verb} from {old} to {new}", f"keep `{keyword}` at {old}"


def _texts(d: Difference, writer: str, reader: str) -> tuple[str, str]:
    family, _, change = d.type.rpartition("_")
    if family in _BOUNDS and change in ("ADDED", "REMOVED", "INCREASED", "DECREASED"):
        return _bound_text(d, family, change)
    template, fix = TEXTS.get(d.type, (d.type.replace("_", " ").lower() + " at {where}", ""))
    values: dict[str, Any] = {
        "where": where(d.path),
        "name": d.name,
        "w": writer,
        "r": reader,
        "old_type": _kind(d.original),
        "new_type": _kind(d.update),
    }
    return template.format(**values), fix.format(**values)


def _kind(node: JNode | None) -> str:
    if node is None:
        return "nothing"
    node = node.resolved()
    if node.kind == "number" and node.requires_integer:
        return "integer"
    return _KIND_NAMES.get(node.kind, node.kind)


def differences(original: Prepared, update: Prepared, policy: Policy) -> tuple[Difference, ...]:
    """Confluent's differences from ``original`` to ``update`` under ``policy`` (memoised)."""
    compatible = compatible_set(policy)
    return pair(
        (original.key, update.key, f"json:{policy.value}"),
        lambda: tuple(diff(original.json, update.json, compatible)),
    )


def changes(
    old: Prepared,
    new: Prepared,
    direction: Direction,
    policy: Policy,
    old_label: str,
    new_label: str,
    version: int,
) -> list[Change]:
    """The changes found in one direction; those outside the policy's set break."""
    compatible = compatible_set(policy)
    # Backward: new must accept what old accepted (original = old). Forward: the reverse.
    original, update = (old, new) if direction is Direction.BACKWARD else (new, old)
    writer_label, reader_label = (
        (old_label, new_label) if direction is Direction.BACKWARD else (new_label, old_label)
    )
    out = []
    for d in differences(original, update, policy):
        breaking = d.type not in compatible
        what, fix = _texts(d, writer_label, reader_label)
        if direction is Direction.BACKWARD:
            path, old_path = d.update_pointer, d.original_pointer
        else:
            path, old_path = d.original_pointer, d.update_pointer
        message = (
            f"consumers on {reader_label} reject events valid under {writer_label}: {what}"
            if breaking
            else what
        )
        out.append(
            Change(
                kind=d.type,
                path=path,
                old_path=old_path,
                message=message,
                fix=(fix or None) if breaking else None,
                breaking=breaking,
                direction=direction,
                reference_type=d.type,
                location=d.json_path,
                version=version,
                _witness=_witness(original, update, d) if breaking else None,
            )
        )
    return out


def _witness(writer: Prepared, reader: Prepared, d: Difference) -> Callable[[], Witness | None]:
    def find() -> Witness | None:
        return json_witness.find(writer, reader, d)

    return find
