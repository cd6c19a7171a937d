"""``accord generate``: writes, --check drift with a diff, --service, and no half-written
output on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.unit.codegen.support import write_project


def test_reference_stubs_are_fresh() -> None:
    result = run_cli("generate", "--check", cwd=ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "up to date" in result.stderr
    assert result.stdout == ""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "accord.yaml", tmp_path / "accord.yaml")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    return tmp_path


def test_generate_then_check_then_drift(project: Path) -> None:
    first = run_cli("generate", cwd=project)
    assert first.exit_code == 0, first.stderr
    assert "wrote services/order/contracts/events.py" in first.stdout
    for service in ("user", "order", "inventory"):
        assert (project / "services" / service / "contracts" / "__init__.py").is_file()
    events = project / "services" / "order" / "contracts" / "events.py"
    stamp = events.stat().st_mtime_ns

    again = run_cli("generate", cwd=project)
    assert again.exit_code == 0
    assert "0 written, 12 unchanged" in again.stderr
    assert events.stat().st_mtime_ns == stamp  # fresh files are not rewritten

    schema = project / "schemas" / "order" / "OrderPlaced.avsc"
    schema.write_text(schema.read_text().replace("Units ordered; at least 1.", "Units, >= 1."))
    stale = run_cli("generate", "--check", cwd=project)
    assert stale.exit_code == 1
    assert "--- a/services/order/contracts/events.py" in stale.stdout
    assert '+    """Units, >= 1."""' in stale.stdout
    assert "services/inventory/contracts/events.py" in stale.stderr  # consumer side too
    assert "run `accord generate`" in stale.stderr
    as_json = run_cli("generate", "--check", "--format", "json", cwd=project)
    assert as_json.exit_code == 1
    assert '"fresh": false' in as_json.stdout

    assert run_cli("generate", cwd=project).exit_code == 0
    assert run_cli("generate", "--check", cwd=project).exit_code == 0


def test_service_option_limits_generation(project: Path) -> None:
    result = run_cli("generate", "--service", "order", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert (project / "services" / "order" / "contracts" / "events.py").is_file()
    assert not (project / "services" / "user").exists()


def test_unknown_service_is_a_usage_error(project: Path) -> None:
    result = run_cli("generate", "--service", "ordr", cwd=project)
    assert result.exit_code == 2
    assert "no service 'ordr'" in result.stderr
    assert "order" in result.stderr  # did you mean


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    good = {"type": "record", "name": "Good", "fields": [{"name": "x", "type": "int"}]}
    bad = {"title": "Bad", "type": "object", "properties": {"x": {"$ref": "other.json#/X"}}}
    manifest = write_project(tmp_path, {"Good.avsc": good, "Bad.json": bad})
    result = run_cli("-m", str(manifest), "generate")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "schemas/Bad.json:" in result.stderr
    assert "points outside this document" in result.stderr
    assert not (tmp_path / "pkg").exists()
