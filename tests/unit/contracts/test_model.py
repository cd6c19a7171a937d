"""The contracts model, canonical forms and source positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.contracts import Level, SchemaFormat, SubjectStrategy, load, schema_from_data
from accord.contracts import avro as avro_forms
from accord.contracts import pointer as jp
from accord.contracts.positions import SourceMap
from tests.conftest import ROOT

CANONICAL_CASES = ROOT / "tests" / "data" / "conformance" / "avro-canonical-cases.json"


def test_reference_model() -> None:
    c = load(ROOT / "accord.yaml")
    assert set(c.events) == {
        "UserCreated",
        "UserUpdated",
        "OrderPlaced",
        "OrderConfirmed",
        "OrderRejected",
        "StockUpdated",
    }
    created = c.events["UserCreated"]
    assert created.subject == "user.events-com.acme.user.UserCreated"
    assert created.compatibility is Level.FULL_TRANSITIVE
    assert c.events["OrderPlaced"].compatibility is Level.BACKWARD_TRANSITIVE
    assert c.events["StockUpdated"].schema.format is SchemaFormat.JSON
    assert c.events["StockUpdated"].subject == "inventory.events-StockUpdated"
    assert c.producers_of("OrderPlaced") == ["order"]
    assert c.consumers_of("OrderPlaced") == ["inventory"]
    assert c.topics == ["inventory.events", "order.events", "user.events"]
    assert c.locate("/events/UserCreated").line == 10


@pytest.mark.parametrize(
    ("strategy", "subject"),
    [
        (SubjectStrategy.TOPIC, "orders-value"),
        (SubjectStrategy.RECORD, "com.acme.Order"),
        (SubjectStrategy.TOPIC_RECORD, "orders-com.acme.Order"),
    ],
)
def test_subject_strategies(strategy: SubjectStrategy, subject: str) -> None:
    assert strategy.subject("orders", "com.acme.Order") == subject


def test_levels() -> None:
    assert Level.parse("full_transitive") is Level.FULL_TRANSITIVE
    assert Level.FULL.backward
    assert Level.FULL.forward
    assert not Level.FULL.transitive
    assert Level.BACKWARD_TRANSITIVE.transitive
    assert not Level.BACKWARD.forward
    with pytest.raises(ValueError, match="valid: NONE"):
        Level.parse("sideways")


def test_confluent_canonical_string_matches_confluent() -> None:
    for case in json.loads(CANONICAL_CASES.read_text()):
        data = json.loads(case["input"])
        assert avro_forms.confluent_canonical_string(data) == case["expected_canonical_string"]


def test_fingerprint_ignores_layout_and_docs() -> None:
    a = {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "doc": "x"}]}
    b = {"fields": [{"type": "int", "name": "a"}], "name": "R", "type": "record"}
    sa, _ = schema_from_data(a, SchemaFormat.AVRO)
    sb, _ = schema_from_data(b, SchemaFormat.AVRO)
    assert sa is not None
    assert sb is not None
    assert sa.fingerprint == sb.fingerprint
    assert sa.confluent_canonical != sb.confluent_canonical  # Confluent keeps docs


def test_json_schema_canonical_form_sorts_keys() -> None:
    s, _ = schema_from_data({"type": "object", "title": "T"}, SchemaFormat.JSON)
    assert s is not None
    assert s.canonical == '{"title":"T","type":"object"}'


def test_source_map_positions() -> None:
    text = '{\n  "a": [1, {"b/c": true}],\n  "d": "x"\n}'
    smap = SourceMap(text)
    assert smap.position("/a") == (2, 3)
    assert smap.value_position("/a") == (2, 8)
    assert smap.position("/a/1/b~1c") == (2, 13)
    assert smap.position("/d") == (3, 3)
    assert smap.position("/missing/deeper") == (1, 1)


def test_pointer_round_trip() -> None:
    ptr = jp.join("", "a/b", "c~d", 0)
    assert ptr == "/a~1b/c~0d/0"
    assert jp.split(ptr) == ["a/b", "c~d", "0"]
    assert jp.resolve({"a/b": {"c~d": ["x"]}}, ptr) == "x"


def test_avro_validation_reports_pointers() -> None:
    problems = avro_forms.validate(
        {"type": "record", "name": "R", "fields": [{"name": "u", "type": ["int", "int"]}]}
    )
    assert [p.pointer for p in problems] == ["/fields/0/type/1"]


def test_load_from_folder(tmp_path: Path) -> None:
    (tmp_path / "e.avsc").write_text(json.dumps({"type": "record", "name": "E", "fields": []}))
    (tmp_path / "accord.yaml").write_text("version: 1\nevents:\n  E: {schema: e.avsc, topic: t}\n")
    c = load(tmp_path)
    assert c.events["E"].subject == "t-E"
    assert c.compatibility is Level.BACKWARD
