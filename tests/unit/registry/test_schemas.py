"""Schema identity, normal forms and validation errors of the registry."""

from __future__ import annotations

import json
import uuid

import pytest

from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.model import Reference, SchemaType, StoredSchema
from accord.registry.schemas import Dependency, prepare, resolve_stored, schema_type

RECORD = {
    "type": "record",
    "name": "R",
    "namespace": "n",
    "fields": [{"name": "a", "type": "string"}],
}


def avro(data: object, **kwargs: object) -> tuple:  # type: ignore[type-arg]
    return prepare(SchemaType.AVRO, json.dumps(data), (), (), normalize=False, **kwargs)  # type: ignore[arg-type]


def fault(call: object) -> RegistryFault:
    with pytest.raises(RegistryFault) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_avro_is_stored_as_confluents_canonical_string() -> None:
    reordered = {"fields": RECORD["fields"], "namespace": "n", "type": "record", "name": "R"}

    first, _ = avro(RECORD)
    second = prepare(SchemaType.AVRO, json.dumps(reordered, indent=3), (), (), normalize=False)[0]

    assert (
        first.text
        == '{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"string"}]}'
    )
    assert second.fingerprint == first.fingerprint
    assert uuid.UUID(first.guid).version == 4


def test_json_keeps_its_key_order_but_is_identified_by_its_sorted_form() -> None:
    one = {"type": "object", "properties": {"b": {}, "a": {}}}
    two = {"properties": {"a": {}, "b": {}}, "type": "object"}

    first = prepare(SchemaType.JSON, json.dumps(one), (), (), normalize=False)[0]
    second = prepare(SchemaType.JSON, json.dumps(two), (), (), normalize=False)[0]
    normalized = prepare(SchemaType.JSON, json.dumps(one), (), (), normalize=True)[0]

    assert first.text == '{"type":"object","properties":{"b":{},"a":{}}}'
    assert first.fingerprint == second.fingerprint
    assert normalized.text == '{"properties":{"a":{},"b":{}},"type":"object"}'


def test_normalize_sorts_custom_properties() -> None:
    one = {**RECORD, "owner": "x", "tier": 1}
    two = {**RECORD, "tier": 1, "owner": "x"}

    first, second = avro(one)[0], avro(two)[0]

    assert first.fingerprint != second.fingerprint
    assert first.normal_fingerprint == second.normal_fingerprint


def test_references_metadata_and_rule_sets_are_part_of_identity() -> None:
    plain = avro(RECORD)[0]
    referring = prepare(
        SchemaType.AVRO, json.dumps(RECORD), (Reference("x.Y", "y", 1),), (), normalize=False
    )[0]
    tagged = avro(RECORD, metadata={"properties": {"owner": "team"}})[0]

    assert len({plain.fingerprint, referring.fingerprint, tagged.fingerprint}) == 3


def test_a_bare_primitive_name_is_an_avro_schema() -> None:
    assert prepare(SchemaType.AVRO, "string", (), (), normalize=False)[0].text == '"string"'


def test_invalid_json_names_line_and_column() -> None:
    problem = fault(
        lambda: prepare(SchemaType.AVRO, '{"type":\n  record}', (), (), normalize=False)
    )

    assert problem.code is ErrorCode.INVALID_SCHEMA
    assert "line 2, column 3" in problem.message


def test_invalid_avro_names_the_pointer_and_the_fix() -> None:
    broken = {**RECORD, "fields": [{"name": "a", "type": "strng"}]}

    problem = fault(lambda: avro(broken))

    assert "/fields/0/type" in problem.message
    assert "did you mean 'string'" in problem.message


def test_empty_too_deep_and_unknown_types_are_422() -> None:
    deep = "[" * 5000 + "]" * 5000

    assert fault(lambda: prepare(SchemaType.AVRO, " ", (), (), normalize=False)).status == 422
    assert fault(lambda: prepare(SchemaType.JSON, deep, (), (), normalize=False)).status == 422
    assert fault(lambda: schema_type("PROTOBUF")).code is ErrorCode.INVALID_SCHEMA
    assert fault(lambda: schema_type("XML")).code is ErrorCode.INVALID_SCHEMA
    assert schema_type(None) is SchemaType.AVRO
    assert schema_type("json") is SchemaType.JSON


def test_a_reference_makes_unknown_names_known() -> None:
    address = StoredSchema(
        id=1,
        schema_type=SchemaType.AVRO,
        text='{"type":"record","name":"Address","namespace":"geo","fields":[]}',
        references=(),
        fingerprint="f",
        normal_fingerprint="f",
        guid="g",
    )
    person = {"type": "record", "name": "P", "fields": [{"name": "home", "type": "geo.Address"}]}
    deps = [Dependency("geo.Address", address)]

    new, resolved = prepare(
        SchemaType.AVRO,
        json.dumps(person),
        (Reference("geo.Address", "a", 1),),
        deps,
        normalize=False,
    )
    again = resolve_stored(address, ())

    assert '"type":"geo.Address"' in new.text  # stored as sent: the reference stays a name
    assert resolved.data["fields"][0]["type"]["name"] == "Address"
    assert again.data["name"] == "Address"
    assert fault(lambda: avro(person)).code is ErrorCode.INVALID_SCHEMA
