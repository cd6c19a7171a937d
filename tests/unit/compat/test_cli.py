"""``accord compat OLD NEW``: verdicts, exit codes, locations in both files, formats, bad
input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli

OLD: dict[str, Any] = {
    "type": "record",
    "name": "UserCreated",
    "namespace": "com.acme.user",
    "fields": [
        {"name": "user_id", "type": "string"},
        {"name": "age", "type": "long"},
    ],
}
NEW: dict[str, Any] = {
    **OLD,
    "fields": [
        {"name": "user_id", "type": "string"},
        {"name": "age", "type": "long"},
        {"name": "email", "type": "string"},
    ],
}


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def test_compatible_schemas_exit_0(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.avsc", OLD)
    new = _write(tmp_path / "new.avsc", OLD)
    result = run_cli("compat", str(old), str(new), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "compatible at BACKWARD (AVRO)"


def test_a_breaking_change_exits_1_with_locations_fix_and_witness(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.avsc", OLD)
    new = _write(tmp_path / "new.avsc", NEW)
    result = run_cli("compat", "old.avsc", "new.avsc", cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # The third field of new.avsc starts on line 14 (json.dumps indent=2).
    assert lines[0] == (
        "new.avsc:14:5: FIELD_ADDED_WITHOUT_DEFAULT consumers on new.avsc (new) cannot read"
        " events written with old.avsc (old): field `email` was added without a default"
    )
    assert lines[1] == "  was: old.avsc:1:1"
    assert lines[2].startswith("  fix: give `email` a default")
    assert lines[3] == '  witness: {"age": 0, "user_id": ""}'
    assert "No default value for field email" in lines[4]
    assert lines[-1] == "incompatible: 1 change breaks BACKWARD (AVRO)"
    del old, new


def test_forward_and_full_levels(tmp_path: Path) -> None:
    _write(tmp_path / "old.avsc", OLD)
    _write(tmp_path / "new.avsc", NEW)
    assert (
        run_cli("compat", "old.avsc", "new.avsc", "--level", "forward", cwd=tmp_path).exit_code == 0
    )
    full = run_cli("compat", "new.avsc", "old.avsc", "-l", "FULL_TRANSITIVE", cwd=tmp_path)
    assert full.exit_code == 1
    assert "FIELD_REMOVED_WITHOUT_DEFAULT" in full.stdout


def test_json_output(tmp_path: Path) -> None:
    _write(tmp_path / "old.avsc", OLD)
    _write(tmp_path / "new.avsc", NEW)
    result = run_cli("compat", "old.avsc", "new.avsc", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["compatible"] is False
    assert doc["level"] == "BACKWARD"
    (change,) = doc["changes"]
    assert change["kind"] == "FIELD_ADDED_WITHOUT_DEFAULT"
    assert change["new_location"] == {
        "file": "new.avsc",
        "line": 14,
        "column": 5,
        "pointer": "/fields/2",
    }
    assert change["witness"]["datum"] == {"user_id": "", "age": 0}


def test_json_schema_policy(tmp_path: Path) -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}}}
    new = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}}
    _write(tmp_path / "old.json", old)
    _write(tmp_path / "new.json", new)
    strict = run_cli("compat", "old.json", "new.json", cwd=tmp_path)
    assert strict.exit_code == 1
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in strict.stdout
    assert "witness: " in strict.stdout
    lenient = run_cli("compat", "old.json", "new.json", "--policy", "lenient", cwd=tmp_path)
    assert lenient.exit_code == 0
    listed = run_cli("compat", "old.json", "new.json", "--policy", "lenient", "--all", cwd=tmp_path)
    assert "(compatible)" in listed.stdout


def test_bad_input_exits_2_with_a_located_message(tmp_path: Path) -> None:
    _write(tmp_path / "old.avsc", OLD)
    missing = run_cli("compat", "old.avsc", "nope.avsc", cwd=tmp_path)
    assert missing.exit_code == 2
    assert "nope.avsc" in missing.stderr
    assert "does not exist" in missing.stderr
    (tmp_path / "broken.avsc").write_text('{"type": "record",\n  "name": }\n', encoding="utf-8")
    broken = run_cli("compat", "old.avsc", "broken.avsc", cwd=tmp_path)
    assert broken.exit_code == 2
    assert "broken.avsc:2:" in broken.stderr
    bad = {**OLD, "fields": [{"name": "x", "type": "Missing"}]}
    _write(tmp_path / "bad.avsc", bad)
    invalid = run_cli("compat", "old.avsc", "bad.avsc", cwd=tmp_path)
    assert invalid.exit_code == 2
    assert "bad.avsc:8:7: unknown type" in invalid.stderr
    assert "unknown type 'Missing'" in invalid.stderr
    assert "Traceback" not in invalid.stderr
    level = run_cli("compat", "old.avsc", "old.avsc", "--level", "SIDEWAYS", cwd=tmp_path)
    assert level.exit_code == 2
