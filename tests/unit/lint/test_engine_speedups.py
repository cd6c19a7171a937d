"""What the engine does for speed changes no answer: documents checked in chunks, rules about
history skipped where there is no history, payload fields worked out on demand, caches that
live for one run."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from accord.lint import all_rules, engine, lint, registry
from accord.lint.elements import PayloadField, PayloadFields
from accord.lint.naming import Style, words
from tests.conftest import ROOT

SCHEMAS = sorted(p for p in (ROOT / "schemas").rglob("*") if p.suffix in (".avsc", ".json"))


def _rows(result: Any) -> list[tuple[Any, ...]]:
    return [
        (d.rule_id, d.location.file, d.location.pointer, d.location.line, d.message)
        for d in result.diagnostics
    ]


def _variants(folder: Path, count: int) -> list[Path]:
    """Copies of the reference schemas, some with a field or property stripped of its doc,
    some with a suppression, written as distinct files."""
    rng = random.Random(4)
    out = []
    for i in range(count):
        source = SCHEMAS[i % len(SCHEMAS)]
        data = json.loads(source.read_text())
        if source.suffix == ".avsc":
            field = rng.choice(data["fields"])
            if i % 3 == 0:
                field.pop("doc", None)
            if i % 5 == 0:
                field["accord.lint.ignore"] = {"AVRO_FIELD_MISSING_DOC": "legacy"}
        else:
            prop = rng.choice(list(data["properties"].values()))
            if i % 3 == 0:
                prop.pop("description", None)
            if i % 5 == 0:
                prop["x-accord-lint-ignore"] = {"JSON_PROPERTY_MISSING_DESCRIPTION": ""}
        path = folder / f"v{i}{source.suffix}"
        path.write_text(json.dumps(data, indent=2))
        out.append(path)
    return out


def test_a_run_over_many_files_answers_as_runs_over_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = [p.relative_to(tmp_path) for p in _variants(tmp_path, 3 * engine.CHUNK + 5)]
    together = lint(None, files, select=["all"])
    alone = [lint(None, [f], select=["all"]) for f in files]
    assert sorted(_rows(together)) == sorted(row for result in alone for row in _rows(result))
    assert together.files == tuple(sorted(str(f) for f in files))
    assert {r[0] for r in _rows(together)} >= {
        "AVRO_FIELD_MISSING_DOC",
        "LINT_SUPPRESSION_MISSING_REASON",
    }


def test_rules_about_history_are_not_called_without_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = [rule for rule in all_rules().values() if rule.history]
    assert history, "the engine skips these: there must be some"

    def must_not_run(element: object) -> None:
        raise AssertionError("called without a previous version")

    for rule in history:
        monkeypatch.setitem(registry._RULES, rule.id, replace(rule, check=must_not_run))
    monkeypatch.chdir(tmp_path)
    files = [p.name for p in _variants(tmp_path, 6)]
    assert lint(None, files, select=[rule.id for rule in history]).diagnostics == ()


def test_payload_fields_are_a_mapping_made_on_demand() -> None:
    made: list[str] = []

    def make(name: str, raw: int) -> PayloadField:
        made.append(name)
        return PayloadField(name, f"/fields/{raw}", frozenset(["string"]), None, True)

    fields = PayloadFields({"a": 0, "b": 1}, make)
    assert made == []
    assert "a" in fields
    assert "c" not in fields
    assert fields.get("c") is None
    assert fields.get("c", 1) == 1
    assert fields["b"].pointer == "/fields/1"
    assert fields.get("b") is fields["b"]
    assert made == ["b"]
    assert list(fields) == ["a", "b"]
    assert len(fields) == 2
    with pytest.raises(KeyError):
        fields["c"]


def test_remembered_names_last_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached_words: Any = words  # a functools cache
    monkeypatch.chdir(tmp_path)
    files = [p.name for p in _variants(tmp_path, 4)]
    lint(None, files)
    after_first = cached_words.cache_info().currsize
    (tmp_path / "tiny.avsc").write_text(
        json.dumps({"type": "record", "name": "Tiny", "namespace": "a.b", "doc": "d", "fields": []})
    )
    lint(None, ["tiny.avsc"])
    assert 0 <= cached_words.cache_info().currsize < after_first


def test_styles_remember_per_instance() -> None:
    one, two = Style.parse("snake_case"), Style.parse("snake_case")
    assert one == two
    assert one.matches("order_id")
    assert not one.matches("orderId")
    assert one.problem("field name", "orderId") == (
        "field name 'orderId' is not snake_case (e.g. order_id)"
    )
    assert one.problem("field name", "order_id") is None
    assert two.matches.cache_info().currsize == 0  # type: ignore[attr-defined]
