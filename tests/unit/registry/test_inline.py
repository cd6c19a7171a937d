"""Avro references made self-contained: each referenced type defined at its first use."""

from __future__ import annotations

from typing import Any

import fastavro

from accord.registry.inline import inline_avro, named_definitions

COUNTRY = {"type": "enum", "name": "Country", "namespace": "geo", "symbols": ["NO", "SE"]}
ADDRESS = {
    "type": "record",
    "name": "Address",
    "namespace": "geo",
    "fields": [{"name": "city", "type": "string"}, {"name": "country", "type": "Country"}],
}
PERSON = {
    "type": "record",
    "name": "Person",
    "namespace": "people",
    "fields": [
        {"name": "home", "type": "geo.Address"},
        {"name": "work", "type": ["null", "geo.Address"], "default": None},
    ],
}


def test_a_reference_is_defined_at_its_first_use_only() -> None:
    named = named_definitions([COUNTRY, ADDRESS])

    inlined = inline_avro(PERSON, named)

    assert inlined["fields"][0]["type"]["name"] == "Address"
    assert inlined["fields"][0]["type"]["namespace"] == "geo"
    assert inlined["fields"][1]["type"] == ["null", "geo.Address"]
    parsed = fastavro.parse_schema(inlined)
    record = {"home": {"city": "Oslo", "country": "NO"}, "work": None}
    assert fastavro.validate(record, parsed)


def test_transitive_references_resolve_in_their_own_namespace() -> None:
    inlined = inline_avro(PERSON, named_definitions([COUNTRY, ADDRESS]))

    country = inlined["fields"][0]["type"]["fields"][1]["type"]

    assert country["type"] == "enum"
    assert country["namespace"] == "geo"


def test_a_type_without_namespace_keeps_the_null_namespace() -> None:
    plain = {"type": "fixed", "name": "Hash", "size": 4}
    user = {
        "type": "record",
        "name": "U",
        "namespace": "a.b",
        "fields": [{"name": "h", "type": "Hash"}],
    }

    inlined = inline_avro(user, named_definitions([plain]))

    assert inlined["fields"][0]["type"]["namespace"] == ""
    parsed: Any = fastavro.parse_schema(inlined)
    assert parsed["fields"][0]["type"]["name"] == "Hash"


def test_unknown_names_and_documents_without_references_are_left_alone() -> None:
    user = {"type": "record", "name": "U", "fields": [{"name": "x", "type": "Missing"}]}

    assert inline_avro(user, {}) is user
    assert inline_avro(user, named_definitions([COUNTRY]))["fields"][0]["type"] == "Missing"
