"""Every case of the conformance corpus (tests/data/conformance, see its README) through the
public API.

- Avro pairs: the expected verdict, and where the Java tests assert them, the type, message
  and location of each incompatibility. Cases where Avro Java disagrees with the source
  (``java_reference_agrees: false``) follow Avro Java, the proxy for Confluent: its verdict, a
  schema error where Java cannot parse the schema, an incompatibility where Java throws.
  Anonymous records (``fastavro_parses: false``) are read as Avro Java builds them in code.
- Avro levels: Confluent's level assertions (versions oldest first).
- JSON Schema: Confluent's cases under STRICT and LENIENT, with the exact ordered list of
  differences; Karapace's cases, except where Karapace disagrees with Confluent (listed below
  with the reason: Confluent wins).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from accord.compat import check, check_versions
from accord.contracts import SchemaFormat, schema_from_data
from accord.errors import SchemaError
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "conformance"


@cache
def corpus(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return cases


def ids(name: str) -> list[str]:
    return [c["id"] for c in corpus(name)]


def expectation(case: dict[str, Any]) -> str:
    """COMPATIBLE | INCOMPATIBLE | PARSE_ERROR | EXCEPTION."""
    if case["java_reference_agrees"]:
        return "COMPATIBLE" if case["reader_can_read_writer"] else "INCOMPATIBLE"
    return str(case["computed"]["avro_java"])


@pytest.mark.parametrize("case", corpus("avro-cases.json"), ids=ids("avro-cases.json"))
def test_avro_reader_writer_pair(case: dict[str, Any]) -> None:
    expected = expectation(case)
    writer, reader = case["writer"], case["reader"]
    if expected == "PARSE_ERROR":
        with pytest.raises(SchemaError):
            check(writer, reader, "BACKWARD", schema_type="AVRO")
        return
    backward = check(writer, reader, "BACKWARD", schema_type="AVRO")
    # The same pair read the other way round: FORWARD with the roles of old and new swapped.
    forward = check(reader, writer, "FORWARD", schema_type="AVRO")
    assert backward.compatible == forward.compatible
    if expected == "EXCEPTION":
        # Avro Java throws on a reader field whose aliases match several writer fields.
        assert not backward.compatible
        assert backward.changes[0].kind == "FIELD_ALIAS_AMBIGUOUS"
        return
    assert backward.compatible == (expected == "COMPATIBLE"), [c.message for c in backward.changes]
    wanted = case.get("expected_incompatibilities") or []
    for want, got in zip(wanted, backward.changes, strict=False):
        assert want.get("type", got.reference_type) == got.reference_type
        assert want.get("message", got.detail) == got.detail
        assert want.get("location", got.location) == got.location
    if case.get("expected_incompatibilities"):
        assert len(backward.changes) >= len(case["expected_incompatibilities"])


@pytest.mark.parametrize("case", corpus("avro-level-cases.json"), ids=ids("avro-level-cases.json"))
def test_avro_level(case: dict[str, Any]) -> None:
    result = check_versions(case["previous"], case["new"], case["level"], schema_type="AVRO")
    assert result.compatible == case["compatible"], case["message"]


@pytest.mark.parametrize(
    "case", corpus("avro-canonical-cases.json"), ids=ids("avro-canonical-cases.json")
)
def test_avro_canonical_string(case: dict[str, Any]) -> None:
    data = json.loads(case["input"]) if isinstance(case["input"], str) else case["input"]
    schema, problems = schema_from_data(data, SchemaFormat.AVRO)
    assert schema is not None, problems
    assert schema.confluent_canonical == case["expected_canonical_string"]


@pytest.mark.parametrize("case", corpus("json-cases.json"), ids=ids("json-cases.json"))
def test_confluent_json_case(case: dict[str, Any]) -> None:
    strict = check(case["old"], case["new"], "BACKWARD", schema_type="JSON")
    lenient = check(case["old"], case["new"], "BACKWARD", schema_type="JSON", policy="lenient")
    assert strict.compatible == case["compatible"]
    assert lenient.compatible == case["compatible_lenient"]
    if case["changes"] is not None:
        assert [f"{c.kind} {c.location}" for c in strict.changes] == case["changes"]


# Karapace's expectations that Confluent's semantics overrule (Confluent wins).
KARAPACE_OVERRULED: dict[str, str] = {
    **{
        f"karapace-json-{n:03d}": "any schema may change to `true` (Confluent: 'Anything can"
        " change to empty schema', diff-schema-examples #1; the update accepts everything)"
        for n in range(138, 199)
    },
    "karapace-json-085": "`false` accepted nothing, so any update is compatible (Confluent:"
    " an original FalseSchema yields no difference)",
    "karapace-json-234": "`false` accepted nothing, so any update is compatible",
    "karapace-json-236": "`false` accepted nothing, so any update is compatible",
    "karapace-json-237": "`false` accepted nothing, so any update is compatible",
    "karapace-json-240": "an update to `true` accepts everything (Confluent: EmptySchema update)",
    "karapace-json-242": "an update to `true` accepts everything (Confluent: EmptySchema update)",
    "karapace-json-244": "an update to `true` accepts everything (Confluent: EmptySchema update)",
    "karapace-json-102": "`true` -> `false` rejects every old document: Confluent reports"
    " TYPE_CHANGED",
    "karapace-json-301": "the removed property `b` is covered by patternProperties `^a*` (a"
    " zero-length match, as Java's Matcher.find) with an empty schema, and additional"
    " properties were opened: PROPERTY_REMOVED_IS_COVERED + ADDITIONAL_PROPERTIES_ADDED",
    "karapace-json-302": "a property with an empty schema added to an open content model is"
    " PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL (Confluent example #83)",
    "karapace-json-307": "propertyNames is not compared by Confluent; the property added has an"
    " empty schema (PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL)",
}


@pytest.mark.parametrize(
    "case", corpus("json-cases-karapace.json"), ids=ids("json-cases-karapace.json")
)
def test_karapace_json_case(case: dict[str, Any]) -> None:
    result = check(case["old"], case["new"], "BACKWARD", schema_type="JSON")
    expected = case["compatible"]
    if case["id"] in KARAPACE_OVERRULED:
        expected = not expected
    assert result.compatible == expected, [c.message for c in result.breaking]


def test_every_overruled_karapace_case_exists_and_disagrees() -> None:
    known = {c["id"]: c for c in corpus("json-cases-karapace.json")}
    assert set(KARAPACE_OVERRULED) <= set(known)
