"""Pull's file names and push's order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.contracts import load
from accord.errors import InputError
from accord.registry.pull import file_stem
from accord.registry.push import dependency_order


@pytest.mark.parametrize(
    ("subject", "stem"),
    [
        ("orders-value", "orders-value"),
        ("a/b\\c", "a_b_c"),
        ("..", "_.."),
        ("../../etc/passwd", "_.._.._etc_passwd"),
        ("", "_"),
    ],
)
def test_subjects_become_safe_file_names(subject: str, stem: str) -> None:
    assert file_stem(subject) == stem


def _project(tmp_path: Path, schemas: dict[str, dict[str, object]]) -> Path:
    (tmp_path / "s").mkdir()
    lines = ["version: 1", "subject_strategy: topic", "events:"]
    for name, schema in schemas.items():
        (tmp_path / "s" / f"{name}.json").write_text(json.dumps(schema))
        lines.append(f"  {name}: {{schema: s/{name}.json, topic: {name.lower()}}}")
    (tmp_path / "accord.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path / "accord.yaml"


def test_referenced_schemas_come_first(tmp_path: Path) -> None:
    manifest = _project(
        tmp_path,
        {
            "A": {"title": "A", "properties": {"b": {"$ref": "B.json"}}},
            "B": {"title": "B", "properties": {"c": {"$ref": "C.json#/properties/x"}}},
            "C": {"title": "C", "properties": {"x": {"type": "string"}}},
        },
    )

    ordered = dependency_order(load(manifest))

    assert [event.name for event, _ in ordered] == ["C", "B", "A"]
    assert [r.name for r in {e.name: refs for e, refs in ordered}["B"]] == ["C.json"]


def test_a_reference_cycle_is_an_input_error(tmp_path: Path) -> None:
    manifest = _project(
        tmp_path,
        {
            "A": {"title": "A", "properties": {"b": {"$ref": "B.json"}}},
            "B": {"title": "B", "properties": {"a": {"$ref": "A.json"}}},
        },
    )

    with pytest.raises(InputError) as caught:
        dependency_order(load(manifest))

    assert "A -> B -> A" in caught.value.render()
