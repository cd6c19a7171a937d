"""Shared test helpers: the repository root, the shared conformance data, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app

ROOT = Path(__file__).resolve().parent.parent

# pytester runs the pytest plugin accord ships the way a user's suite would
# (tests/integration/devstack); plugins can only be required from the top-level conftest.
pytest_plugins = ["pytester"]


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """Run ``accord ARGS`` in-process (stdout and stderr kept apart)."""
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, list(args), catch_exceptions=False, env={"NO_COLOR": "1"})
    finally:
        os.chdir(old)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def in_repo() -> Iterator[Path]:
    """Run the test from the repository root (where accord.yaml is)."""
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        yield ROOT
    finally:
        os.chdir(old)
