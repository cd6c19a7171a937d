"""`accord validate` on the reference repo and on every kind of broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def test_reference_repo_is_valid() -> None:
    result = run_cli("validate", cwd=ROOT)
    assert result.exit_code == 0, result.stderr
    assert "valid (6 events, 3 services, 3 topics)" in result.stdout


def test_reference_repo_json_summary() -> None:
    result = run_cli("validate", "--format", "json", cwd=ROOT)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc == {
        "valid": True,
        "problems": [],
        "summary": {"events": 6, "services": 3, "topics": 3},
    }


def test_there_are_at_least_fifteen_kinds_of_broken_input() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_broken_input_exits_2_with_location(case: str) -> None:
    folder = BROKEN / case
    expected = json.loads((folder / "expected.json").read_text())
    result = run_cli("validate", cwd=folder)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    where = expected["file"]
    if "line" in expected:
        where += f":{expected['line']}"
        if "column" in expected:
            where += f":{expected['column']}"
        where += ":"
    lines = [line for line in result.stderr.splitlines() if line.startswith(where)]
    assert lines, f"expected a problem at {where}, got:\n{result.stderr}"
    assert expected["message"] in lines[0]
    if "code" in expected:
        assert f"[{expected['code']}]" in lines[0]
    if "fix" in expected:
        assert expected["fix"] in result.stderr

    as_json = run_cli("validate", "--format", "json", cwd=folder)
    assert as_json.exit_code == 2
    doc = json.loads(as_json.stdout)
    assert doc["valid"] is False
    first = doc["problems"][0]
    assert first["location"]["file"] == expected["file"]
    if "pointer" in expected:
        assert any(p["location"]["pointer"] == expected["pointer"] for p in doc["problems"])


def test_validate_schema_files_directly() -> None:
    ok = run_cli(
        "validate", "schemas/user/UserCreated.avsc", "schemas/inventory/StockUpdated.json", cwd=ROOT
    )
    assert ok.exit_code == 0, ok.stderr
    bad = run_cli("validate", str(BROKEN / "invalid_json" / "thing.avsc"))
    assert bad.exit_code == 2
    assert ":4:3: invalid JSON" in bad.stderr


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.startswith("accord ")
    helped = run_cli("validate", "--help")
    assert helped.exit_code == 0
    assert "file:line:col" in helped.stdout
