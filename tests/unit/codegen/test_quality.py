"""Generated code passes the project's own bar: ``ruff check``, ``ruff format --check`` and
``mypy --strict``, for the reference packages under services/ and every golden package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.unit.codegen.support import CASES, GOLDEN, SERVICES


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every generated package copied side by side under a unique, importable name."""
    folder = tmp_path_factory.mktemp("generated")
    for service in SERVICES:
        shutil.copytree(ROOT / "services" / service / "contracts", folder / f"ref_{service}")
    for case in CASES:
        for package in sorted((GOLDEN / case / "expected").iterdir()):
            shutil.copytree(package, folder / f"golden_{case}_{package.name}")
    return folder


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("command", [("check",), ("format", "--check")])
def test_generated_code_passes_ruff(packages: Path, command: tuple[str, ...]) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    config = ("--no-cache", "--config", str(ROOT / "pyproject.toml"))
    result = _run(str(ruff), *command, *config, ".", cwd=packages)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_passes_mypy_strict(packages: Path) -> None:
    cache = str(packages / ".mypy")
    result = _run(
        sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", cache, ".",
        cwd=packages,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    modules = len(list(packages.rglob("*.py")))
    assert f"Success: no issues found in {modules} source files" in result.stdout
