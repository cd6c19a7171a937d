"""Schemas and manifests that cannot become safe Python fail with a located, actionable
error (exit 2), never with broken code or a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.unit.codegen.support import write_project

RECORD = {"type": "record", "name": "Thing", "fields": [{"name": "id", "type": "string"}]}


def _generate(manifest: Path) -> tuple[int, str]:
    result = run_cli("-m", str(manifest), "generate")
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr
    return result.exit_code, result.stderr


def _obj(**props: Any) -> dict[str, Any]:
    return {"title": "Thing", "type": "object", "properties": props}


CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "not-an-object": ({"type": "array"}, "Thing.json", "must describe an object"),
    "remote-ref": (_obj(x={"$ref": "https://x.example/s.json"}), "Thing.json", "outside this"),
    "allof": (_obj(x={"allOf": [{"type": "string"}, {"minLength": 1}]}), "Thing.json", "allOf"),
    "ambiguous-oneof": (
        _obj(x={"oneOf": [_obj(a={"type": "string"}), _obj(b={"type": "string"})]}),
        "Thing.json",
        "nothing tells them apart",
    ),
    "number-enum": (_obj(x={"enum": [1, 2]}), "Thing.json", "only enums of strings"),
    "tuple-array": (_obj(x={"type": "array", "prefixItems": [{}]}), "Thing.json", "tuple"),
    "avro-enum-event": (
        {"type": "enum", "name": "Thing", "symbols": ["A"]},
        "Thing.avsc",
        "must be an Avro record",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unrepresentable_schema(tmp_path: Path, case: str) -> None:
    schema, filename, message = CASES[case]
    code, stderr = _generate(write_project(tmp_path, {filename: schema}))
    assert code == 2
    assert message in stderr
    assert f"schemas/{filename}:" in stderr  # file:line:col
    assert "[codegen-unsupported]" in stderr


def test_key_field_must_be_a_scalar(tmp_path: Path) -> None:
    nested = {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "int"}]}
    schema = {"type": "record", "name": "Thing", "fields": [{"name": "id", "type": nested}]}
    code, stderr = _generate(write_project(tmp_path, {"Thing.avsc": schema}, key="id"))
    assert code == 2
    assert "key field 'id' must be a string" in stderr


@pytest.mark.parametrize("service", ["../evil", "a/b", ".hidden"])
def test_path_like_service_names_cannot_leave_the_output_folder(
    tmp_path: Path, service: str
) -> None:
    code, stderr = _generate(write_project(tmp_path, {"Thing.avsc": RECORD}, service=service))
    assert code == 2
    assert "cannot be a folder name" in stderr
    assert not (tmp_path / "pkg").exists()
    assert not (tmp_path.parent / "evil").exists()


def test_output_folder_outside_the_project_is_refused(tmp_path: Path) -> None:
    manifest = write_project(tmp_path / "project", {"Thing.avsc": RECORD})
    data = json.loads(manifest.read_text())
    data["codegen"]["python"]["out"] = "../outside/{service}"
    manifest.write_text(json.dumps(data))
    code, stderr = _generate(manifest)
    assert code == 2
    assert "outside" in stderr
    assert not (tmp_path / "outside").exists()


def test_output_pattern_without_service_placeholder(tmp_path: Path) -> None:
    manifest = write_project(tmp_path, {"Thing.avsc": RECORD})
    data = json.loads(manifest.read_text())
    data["services"]["other"] = {"consumes": ["Thing"]}
    data["codegen"]["python"]["out"] = "pkg"
    manifest.write_text(json.dumps(data))
    code, stderr = _generate(manifest)
    assert code == 2
    assert "{service}" in stderr
