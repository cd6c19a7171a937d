"""Codegen test options: ``pytest tests/unit/codegen --update-golden`` rewrites every golden
file from the current generator (review the diff, then commit it)."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files of tests/unit/codegen instead of comparing with them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True with ``--update-golden`` (or ACCORD_UPDATE_GOLDEN=1 when run from the root)."""
    return bool(request.config.getoption("--update-golden", default=False)) or bool(
        os.environ.get("ACCORD_UPDATE_GOLDEN")
    )
