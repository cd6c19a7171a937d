"""The public API: what a schema argument may be, levels and histories, the change records
(kinds by direction, pointers into both documents, messages, fixes, witnesses), references,
recursion, and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import fastavro
import pytest

from accord.compat import Direction, check, check_versions, clear_caches
from accord.contracts import Level, SchemaFormat, read_schema
from accord.errors import SchemaError, UsageError

USER_V1: dict[str, Any] = {
    "type": "record",
    "name": "User",
    "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}, {"name": "age", "type": "int"}],
}
USER_V2 = {
    **USER_V1,
    "fields": [*USER_V1["fields"], {"name": "email", "type": "string"}],
}


def _decodes(writer: Any, reader: Any, datum: Any) -> bool:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(writer), datum)
    buffer.seek(0)
    try:
        fastavro.schemaless_reader(
            buffer, fastavro.parse_schema(writer), fastavro.parse_schema(reader)
        )
    except Exception:
        return False
    return True


# --- what a schema argument may be ----------------------------------------------------------


def test_a_path_json_text_parsed_json_and_a_bare_primitive_are_all_schemas(
    tmp_path: Path,
) -> None:
    old_file = tmp_path / "old.avsc"
    old_file.write_text(json.dumps(USER_V1), encoding="utf-8")
    for old in (old_file, json.dumps(USER_V1), USER_V1, json.dumps(USER_V1).encode()):
        assert not check(old, USER_V2).compatible
    assert check("int", "long").compatible
    assert not check("long", "int").compatible
    assert check('"int"', '["null", "int"]').compatible
    assert check(["null", "int"], ["null", "int", "string"]).compatible


def test_a_contracts_schema_keeps_its_format_and_file(tmp_path: Path) -> None:
    path = tmp_path / "user.avsc"
    path.write_text(json.dumps(USER_V1, indent=2), encoding="utf-8")
    schema = read_schema(path, file="user.avsc")
    result = check(schema, USER_V2)
    assert result.format is SchemaFormat.AVRO
    assert not result.compatible


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"type": "string", "maxLength": 3}, {"type": "string"}, SchemaFormat.JSON),
        ({"type": "object"}, {"type": "object"}, SchemaFormat.JSON),
        ({"type": "array"}, {"type": "array", "items": {"type": "string"}}, SchemaFormat.JSON),
        ("true", "false", SchemaFormat.JSON),
        (USER_V1, USER_V2, SchemaFormat.AVRO),
        ({"type": "string"}, {"type": "string"}, SchemaFormat.AVRO),  # reads alike in both
    ],
)
def test_the_schema_type_is_detected(old: Any, new: Any, expected: SchemaFormat) -> None:
    assert check(old, new).format is expected


def test_schema_type_overrides_detection() -> None:
    # As Avro, an array needs items: forcing AVRO turns a valid JSON Schema into an error.
    with pytest.raises(SchemaError):
        check({"type": "array"}, {"type": "array"}, schema_type="AVRO")
    assert check({"type": "string"}, {"type": "string"}, schema_type="json").format is (
        SchemaFormat.JSON
    )


def test_invalid_input_is_a_schema_error_with_a_located_problem() -> None:
    with pytest.raises(SchemaError) as info:
        check(USER_V1, '{"type": "record", "name": "User",\n "fields": [\n  {"name": 1}]}')
    problem = info.value.problems[0]
    assert problem.location.line is not None
    assert problem.location.pointer.startswith("/fields/0")
    with pytest.raises(SchemaError) as info:
        check(USER_V1, '{"type": "record",\n  "name": }')
    assert info.value.problems[0].location.line == 2
    with pytest.raises(SchemaError, match="unknown type"):
        check(USER_V1, {"type": "record", "name": "X", "fields": [{"name": "a", "type": "Y"}]})


def test_bad_levels_policies_and_labels_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown compatibility level"):
        check("int", "int", "SIDEWAYS")
    with pytest.raises(UsageError, match="policy"):
        check("int", "int", policy="loose")
    with pytest.raises(UsageError, match="labels"):
        check_versions(["int", "int"], "int", labels=["only one"])


# --- levels and histories -------------------------------------------------------------------


def test_level_none_checks_nothing() -> None:
    result = check("int", "string", "NONE")
    assert result.compatible
    assert result.changes == []
    assert result.versions_checked == 0


def test_levels_accept_strings_in_any_case_and_the_enum() -> None:
    assert check("int", "long", "backward").level is Level.BACKWARD
    assert check("int", "long", Level.FORWARD).level is Level.FORWARD


def test_non_transitive_levels_compare_with_the_latest_version_only() -> None:
    history = ["string", "int"]  # v1 string, v2 int; the new one reads int as long
    assert check_versions(history, "long", "BACKWARD").compatible
    transitive = check_versions(history, "long", "BACKWARD_TRANSITIVE")
    assert not transitive.compatible
    assert transitive.versions_checked == 2
    assert [c.version for c in transitive.breaking] == [0]


def test_full_reports_both_directions_latest_version_first() -> None:
    result = check_versions([USER_V1, USER_V1], USER_V2, "FULL_TRANSITIVE")
    assert result.compatible is False
    assert [(c.version, c.direction) for c in result.changes] == [
        (1, Direction.BACKWARD),
        (0, Direction.BACKWARD),
    ]
    assert check(USER_V2, USER_V1, "FULL").changes[0].direction is Direction.FORWARD


def test_an_empty_history_is_compatible() -> None:
    assert check_versions([], "int", "FULL_TRANSITIVE").compatible


# --- change records ---------------------------------------------------------------------------


def test_a_field_added_without_a_default_names_field_readers_and_fix() -> None:
    (change,) = check(USER_V1, USER_V2, "BACKWARD").changes
    assert change.kind == "FIELD_ADDED_WITHOUT_DEFAULT"
    assert change.reference_type == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert change.location == "/fields/2"
    assert change.detail == "email"
    assert change.path == "/fields/2"  # in the new schema
    assert change.old_path == ""  # the record in the old schema
    assert change.message == (
        "consumers on the new schema cannot read events written with the old schema:"
        " field `email` was added without a default"
    )
    assert change.fix is not None
    assert '"default": null' in change.fix


def test_the_same_finding_read_forward_is_a_removed_field() -> None:
    (change,) = check(USER_V2, USER_V1, "FORWARD").changes
    assert change.kind == "FIELD_REMOVED_WITHOUT_DEFAULT"
    assert change.direction is Direction.FORWARD
    assert change.path == ""  # the record in the new schema
    assert change.old_path == "/fields/2"
    assert "consumers on the old schema cannot read events written with the new schema" in (
        change.message
    )


@pytest.mark.parametrize(
    ("old", "new", "kind", "path", "old_path"),
    [
        ("long", "int", "TYPE_CHANGED", "", ""),
        (["null", "string", "int"], ["null", "string"], "UNION_BRANCH_REMOVED", "", "/2"),
        (
            {"type": "enum", "name": "E", "symbols": ["A", "B"]},
            {"type": "enum", "name": "E", "symbols": ["A"]},
            "ENUM_SYMBOL_REMOVED",
            "/symbols",
            "/symbols",
        ),
        (
            {"type": "fixed", "name": "F", "size": 4},
            {"type": "fixed", "name": "F", "size": 8},
            "FIXED_SIZE_CHANGED",
            "/size",
            "/size",
        ),
        (
            {"type": "record", "name": "A", "fields": []},
            {"type": "record", "name": "B", "fields": []},
            "NAME_CHANGED",
            "/name",
            "/name",
        ),
    ],
)
def test_avro_kinds_and_pointers(old: Any, new: Any, kind: str, path: str, old_path: str) -> None:
    (change,) = check(old, new, "BACKWARD").breaking
    assert (change.kind, change.path, change.old_path) == (kind, path, old_path)
    assert change.fix


def test_forward_kinds_say_what_old_readers_meet() -> None:
    old = {"type": "enum", "name": "E", "symbols": ["A"]}
    new = {"type": "enum", "name": "E", "symbols": ["A", "B"]}
    (change,) = check(old, new, "FORWARD").breaking
    assert change.kind == "ENUM_SYMBOL_ADDED"
    assert "gained symbol `B`" in change.message
    (change,) = check(["null", "string"], ["null", "string", "int"], "FORWARD").breaking
    assert change.kind == "UNION_BRANCH_ADDED"


def test_an_enum_default_lets_old_readers_meet_new_symbols() -> None:
    old = {"type": "enum", "name": "E", "symbols": ["A", "U"], "default": "U"}
    new = {"type": "enum", "name": "E", "symbols": ["A", "U", "B"], "default": "U"}
    assert check(old, new, "FULL").compatible


def test_an_enum_field_with_an_enum_default_still_needs_a_field_default() -> None:
    # Avro Java compares the enum with the writer record here (a type mismatch).
    enum = {"type": "enum", "name": "E", "symbols": ["A"], "default": "A"}
    old = {"type": "record", "name": "R", "fields": []}
    new = {"type": "record", "name": "R", "fields": [{"name": "e", "type": enum}]}
    (change,) = check(old, new).changes
    assert change.reference_type == "TYPE_MISMATCH"
    assert change.kind == "FIELD_ADDED_WITHOUT_DEFAULT"
    assert "an enum default is not a field default" in change.message


def test_json_schema_changes_carry_confluent_types_and_both_pointers() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    (change,) = check(old, new).changes
    assert change.kind == change.reference_type == "REQUIRED_ATTRIBUTE_ADDED"
    assert change.location == "#/required/a"
    assert change.path == change.old_path == "/properties/a"
    assert "property `a` became required" in change.message


def test_json_schema_lists_compatible_differences_too() -> None:
    result = check({"type": "string", "maxLength": 3}, {"type": "string", "maxLength": 5})
    assert result.compatible
    (change,) = result.changes
    assert change.kind == "MAX_LENGTH_INCREASED"
    assert change.breaking is False
    assert change.witness is None


def test_the_policy_decides_open_content_model_additions() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    strict = check(old, new)
    assert not strict.compatible
    assert strict.breaking[0].kind == "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    assert check(old, new, policy="lenient").compatible


# --- witnesses --------------------------------------------------------------------------------


def test_avro_witnesses_are_data_the_writer_writes_and_the_reader_cannot_read() -> None:
    cases: list[tuple[Any, Any]] = [
        (USER_V1, USER_V2),
        ("long", "int"),
        (["null", "string", "int"], ["null", "string"]),
        (
            {"type": "enum", "name": "E", "symbols": ["A", "B"]},
            {"type": "enum", "name": "E", "symbols": ["A"]},
        ),
        (
            {"type": "array", "items": ["null", "long"]},
            {"type": "array", "items": ["null", "int"]},
        ),
    ]
    for old, new in cases:
        (change,) = check(old, new).breaking
        witness = change.witness
        assert witness is not None, change.message
        assert not _decodes(old, new, witness.datum)
    enum_witness = check(cases[3][0], cases[3][1]).breaking[0].witness
    assert enum_witness is not None
    assert enum_witness.datum == "B"


def test_witness_json_uses_avro_json_encoding() -> None:
    (change,) = check(["null", "string", "int"], ["null", "string"]).breaking
    witness = change.witness
    assert witness is not None
    assert witness.to_json() == {"int": 0}
    assert json.dumps(check(USER_V1, USER_V2).to_dict())  # every record is JSON-ready


def test_json_witness_is_accepted_by_old_and_rejected_by_new() -> None:
    old = {"type": "string", "maxLength": 10}
    new = {"type": "string", "maxLength": 5}
    (change,) = check(old, new).breaking
    witness = change.witness
    assert witness is not None
    assert isinstance(witness.datum, str)
    assert 5 < len(witness.datum) <= 10


def test_no_witness_where_none_exists() -> None:
    # additionalItems without an items list constrains nothing: Confluent still reports it.
    (change,) = check({"additionalItems": True}, {"additionalItems": False}).breaking
    assert change.kind == "ADDITIONAL_ITEMS_REMOVED"
    assert change.witness is None


# --- references and recursion ----------------------------------------------------------------


def test_avro_named_types_from_references() -> None:
    address = {
        "type": "record",
        "name": "Address",
        "namespace": "com.acme",
        "fields": [{"name": "zip", "type": "string"}],
    }
    old = {
        "type": "record",
        "name": "User",
        "namespace": "com.acme",
        "fields": [{"name": "home", "type": "Address"}],
    }
    new = {**old, "fields": [{"name": "home", "type": "com.acme.Address"}]}
    assert check(old, new, "FULL", references={"address.avsc": address}).compatible
    with pytest.raises(SchemaError, match="unknown type"):
        check(old, new)


def test_json_refs_to_other_documents_by_name() -> None:
    address = {"type": "object", "properties": {"zip": {"type": "string"}}}
    old = {"type": "object", "properties": {"home": {"$ref": "address.json"}}}
    new = {"type": "object", "properties": {"home": {"$ref": "address.json#/properties/zip"}}}
    result = check(old, new, references={"address.json": address})
    assert [c.kind for c in result.breaking] == ["TYPE_CHANGED"]
    assert result.breaking[0].location == "#/properties/home"


def test_recursive_avro_schemas_terminate_and_find_deep_changes() -> None:
    def node(value_type: str) -> dict[str, Any]:
        return {
            "type": "record",
            "name": "Node",
            "fields": [
                {"name": "value", "type": value_type},
                {"name": "next", "type": ["null", "Node"], "default": None},
            ],
        }

    assert check(node("int"), node("long")).compatible
    (change,) = check(node("long"), node("int")).breaking
    assert change.kind == "TYPE_CHANGED"
    assert change.path == "/fields/0/type"
    assert change.witness is not None


def test_recursive_json_schemas_terminate() -> None:
    def tree(value_type: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "value": {"type": value_type},
                "children": {"type": "array", "items": {"$ref": "#"}},
            },
        }

    assert check(tree("integer"), tree("number")).compatible
    assert not check(tree("number"), tree("integer")).compatible


# --- memoisation ------------------------------------------------------------------------------


def test_results_are_memoised_and_caches_can_be_cleared() -> None:
    clear_caches()
    first = check(USER_V1, USER_V2)
    again = check(USER_V1, USER_V2)
    assert first.changes[0] is again.changes[0]
    clear_caches()
    assert check(USER_V1, USER_V2).changes[0] == first.changes[0]


def test_confluent_style_messages() -> None:
    (line,) = check(USER_V1, USER_V2).messages()
    assert line.startswith('{errorType:"READER_FIELD_MISSING_DEFAULT_VALUE"')
    assert 'additionalInfo:"email"' in line


def test_witnesses_hold_valid_logical_values_and_fail_for_the_change_itself() -> None:
    old = {
        "type": "record",
        "name": "Paid",
        "fields": [
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {
                "name": "amount",
                "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
            },
        ],
    }
    new = {**old, "fields": [*old["fields"], {"name": "note", "type": "string"}]}
    (change,) = check(old, new).breaking
    witness = change.witness
    assert witness is not None
    assert witness.datum["id"] == "00000000-0000-0000-0000-000000000000"
    assert "No default value for field note" in witness.reason


def test_draft_4_schemas_are_read_as_confluent_reads_them() -> None:
    draft4 = "http://json-schema.org/draft-04/schema#"
    old = {"$schema": draft4, "type": "number", "maximum": 10, "exclusiveMaximum": True}
    new = {"$schema": draft4, "type": "number", "maximum": 5, "exclusiveMaximum": True}
    (change,) = check(old, new).changes
    assert (change.kind, change.location) == ("MAXIMUM_DECREASED", "#/maximum")
    witness = change.witness
    assert witness is not None
    assert 5 <= witness.datum < 10
