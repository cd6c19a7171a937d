"""The documentation of every change kind the gate reports (SARIF rule help, JUnit types).

Avro kinds are accord's names for Avro Java's incompatibilities, split by direction (a field
missing in the writer is *added without a default* when the new schema reads, *removed* when
the old one reads). JSON Schema kinds are Confluent's ``Difference`` types.
"""

from __future__ import annotations

from collections.abc import Iterable

from accord.compat.jsonschema.explain import TEXTS
from accord.compat.jsonschema.kinds import COMPATIBLE_LENIENT, COMPATIBLE_STRICT
from accord.report import RuleDoc

_AVRO: dict[str, tuple[str, str, str, str]] = {
    # kind: (summary, why, example, fix)
    "FIELD_ADDED_WITHOUT_DEFAULT": (
        "A field was added without a default, so the new schema cannot read old events.",
        "Avro resolves a record field by name; a reader field missing from the writer takes"
        " its default, and without one the event cannot be decoded.",
        '{"name": "email", "type": "string"}',
        'Give the field a default: {"name": "email", "type": ["null", "string"], "default": null}.',
    ),
    "FIELD_REMOVED_WITHOUT_DEFAULT": (
        "A field that old readers need (they have no default for it) was removed.",
        "Consumers still on the old schema look the field up in every new event and fail.",
        'v1 has {"name": "phone", "type": "string"}; v2 drops it.',
        "Keep the field (deprecate it in its doc), or first publish a version that gives it"
        " a default and let every consumer upgrade.",
    ),
    "TYPE_CHANGED": (
        "A field changed to a type the other side cannot resolve.",
        "Avro only promotes int -> long -> float -> double and string <-> bytes; any other"
        " change fails to decode.",
        '"type": "int" -> "type": "string"',
        "Keep the type; add a new field with the new type and deprecate the old one.",
    ),
    "UNION_BRANCH_REMOVED": (
        "A union lost a branch that old events may use.",
        "An event written with the removed branch has no branch to be read into.",
        '["null", "string", "int"] -> ["null", "string"]',
        "Keep the branch in the union.",
    ),
    "UNION_BRANCH_ADDED": (
        "A union gained a branch that old readers do not know.",
        "Consumers on the old schema cannot read an event written with the new branch.",
        '["null", "string"] -> ["null", "string", "int"]',
        "Upgrade every consumer before producers write the new branch.",
    ),
    "ENUM_SYMBOL_REMOVED": (
        "An enum lost a symbol that old events may carry.",
        "An old event with that symbol cannot be decoded unless the reader enum has a default.",
        '["RED", "GREEN"] -> ["RED"]',
        'Keep the symbol, or give the enum a "default" symbol.',
    ),
    "ENUM_SYMBOL_ADDED": (
        "An enum gained a symbol that old readers do not know (and they have no enum default).",
        "Consumers on the old schema fail on the first event with the new symbol.",
        '["RED", "GREEN"] -> ["RED", "GREEN", "BLUE"]',
        'First publish an enum "default" and let consumers upgrade, then add symbols.',
    ),
    "NAME_CHANGED": (
        "A record, enum or fixed was renamed without an alias.",
        "Named types resolve by their unqualified name or a reader alias.",
        '"name": "User" -> "name": "Customer"',
        'Keep the name, or add "aliases": ["com.acme.User"] to the reader\'s type.',
    ),
    "FIXED_SIZE_CHANGED": (
        "A fixed type changed its size.",
        "Fixed values are read byte for byte; another size cannot be read.",
        '"size": 16 -> "size": 32',
        "Keep the size; add a new field for values of another size.",
    ),
    "FIELD_ALIAS_AMBIGUOUS": (
        "A reader field matches several writer fields (by name and aliases).",
        "Avro Java refuses to resolve such a reader field.",
        '{"name": "a", "aliases": ["b"]} while the writer has both a and b',
        "Give each reader field at most one match in the writer.",
    ),
}

_GATE: dict[str, tuple[str, str, str, str]] = {
    "EVENT_REMOVED": (
        "An event was removed while services still consume it.",
        "Its consumers may still be deployed and subscribed to the topic.",
        "accord.yaml no longer declares OrderPlaced; inventory consumed it.",
        "Remove the event from every service's `consumes`, deploy them, then remove the event.",
    ),
    "EVENT_SUBJECT_CHANGED": (
        "An event's registry subject changed (topic or record name).",
        "A new subject starts a new history: the registry no longer checks it against the"
        " old versions, and consumers of the old subject see no new events.",
        "topic user.events -> users.events",
        "Keep the topic and the record name; publish a new event type instead.",
    ),
    "SCHEMA_TYPE_CHANGED": (
        "An event changed its schema type (Avro <-> JSON Schema).",
        "No consumer of one format can read events written in the other.",
        "schemas/order/OrderPlaced.avsc -> OrderPlaced.json",
        "Keep the format; publish the other format as a new event type.",
    ),
}


def _doc(kind: str, summary: str, why: str, example: str, fix: str, tags: Iterable[str]) -> RuleDoc:
    markdown = f"**{summary}**\n\n{why}\n\n**Example**\n\n```\n{example}\n```\n\n**Fix**\n\n{fix}\n"
    return RuleDoc(id=kind, summary=summary, help_markdown=markdown, categories=tuple(tags))


def _json_doc(kind: str) -> RuleDoc:
    template, fix = TEXTS.get(kind, (kind.replace("_", " ").lower(), ""))
    words = template.replace("{where}", "a schema").replace("{name}", "X")
    words = words.replace("{w}", "the old schema").replace("{r}", "the new schema")
    words = words.replace("{old_type}", "one type").replace("{new_type}", "another")
    if kind in COMPATIBLE_STRICT:
        policy = "compatible under both policies"
    elif kind in COMPATIBLE_LENIENT:
        policy = "breaking under STRICT, compatible under LENIENT"
    else:
        policy = "breaking under both policies"
    summary = f"JSON Schema: {words[0].upper() + words[1:]} ({policy})."
    fix_text = fix.replace("{name}", "the property").replace("{{}}", "{}") or "No fix needed."
    markdown = (
        f"**{summary}**\n\nConfluent's Difference type `{kind}`: consumers validate events"
        f" with their schema, so a change that rejects documents the old schema allowed breaks"
        f" them.\n\n**Fix**\n\n{fix_text}\n"
    )
    return RuleDoc(id=kind, summary=summary, help_markdown=markdown, categories=("json-schema",))


def rule_doc(kind: str) -> RuleDoc:
    """The documentation of one change kind (a generic one for unknown kinds)."""
    if kind in _AVRO:
        return _doc(kind, *_AVRO[kind], tags=("avro", "compatibility"))
    if kind in _GATE:
        return _doc(kind, *_GATE[kind], tags=("manifest", "compatibility"))
    return _json_doc(kind)


def rule_docs(kinds: Iterable[str]) -> dict[str, RuleDoc]:
    return {k: rule_doc(k) for k in sorted(set(kinds))}


ALL_KINDS: tuple[str, ...] = tuple(sorted({*_AVRO, *_GATE, *TEXTS, *COMPATIBLE_LENIENT}))
