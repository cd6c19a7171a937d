"""In-schema suppressions: what they silence (the node and below), and only that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord.lint import lint

AVRO_KEY = "accord.lint.ignore"


def _avro(tmp_path: Path, record: dict[str, Any]) -> list[tuple[str, str]]:
    path = tmp_path / "schema.avsc"
    path.write_text(json.dumps(record, indent=2))
    result = lint(None, [path], select=["docs", "suppression"])
    return sorted((d.rule_id, d.location.pointer) for d in result.diagnostics)


def _record(**extra: Any) -> dict[str, Any]:
    return {
        "type": "record",
        "name": "Legacy",
        "namespace": "com.acme",
        "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}],
        **extra,
    }


def test_a_suppression_on_a_record_covers_its_fields(tmp_path: Path) -> None:
    record = _record(**{AVRO_KEY: {"AVRO_FIELD_MISSING_DOC": "ERP mirror"}})
    assert _avro(tmp_path, record) == [("AVRO_RECORD_MISSING_DOC", "")]


def test_a_suppression_on_a_field_covers_that_field_only(tmp_path: Path) -> None:
    record = _record(doc="Legacy.")
    record["fields"][0][AVRO_KEY] = {"AVRO_FIELD_MISSING_DOC": "ERP mirror"}
    assert _avro(tmp_path, record) == [("AVRO_FIELD_MISSING_DOC", "/fields/1")]


def test_a_suppression_without_reason_still_silences_but_is_reported(tmp_path: Path) -> None:
    record = _record(doc="Legacy.", **{AVRO_KEY: {"AVRO_FIELD_MISSING_DOC": " "}})
    assert _avro(tmp_path, record) == [
        ("LINT_SUPPRESSION_MISSING_REASON", f"/{AVRO_KEY}/AVRO_FIELD_MISSING_DOC")
    ]


def test_suppressing_one_rule_leaves_the_others(tmp_path: Path) -> None:
    record = _record(**{AVRO_KEY: {"AVRO_RECORD_MISSING_DOC": "described in the wiki"}})
    assert _avro(tmp_path, record) == [
        ("AVRO_FIELD_MISSING_DOC", "/fields/0"),
        ("AVRO_FIELD_MISSING_DOC", "/fields/1"),
    ]


def test_unused_is_only_reported_for_rules_that_ran(tmp_path: Path) -> None:
    record = _record(doc="Legacy.", **{AVRO_KEY: {"AVRO_ENUM_MISSING_DEFAULT": "no enums yet"}})
    record["fields"] = [{"name": "a", "type": "string", "doc": "A."}]
    assert _avro(tmp_path, record) == []  # the evolution rules did not run
    path = tmp_path / "schema.avsc"
    result = lint(None, [path], select=["suppression", "AVRO_ENUM_MISSING_DEFAULT"])
    assert [d.rule_id for d in result.diagnostics] == ["LINT_SUPPRESSION_UNUSED"]


def test_json_schema_suppressions_use_an_x_keyword(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Legacy",
        "type": "object",
        "x-accord-lint-ignore": {"JSON_PROPERTY_MISSING_DESCRIPTION": "ERP mirror"},
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    result = lint(None, [path], select=["JSON_PROPERTY_MISSING_DESCRIPTION", "suppression"])
    assert result.diagnostics == ()
