"""The history rules read the git history by default, and are skipped silently without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import run_cli

CASE = Path(__file__).parent / "cases" / "AVRO_ADDED_FIELD_MISSING_DEFAULT" / "fail"
RULE = ("lint", "--select", "AVRO_ADDED_FIELD_MISSING_DEFAULT")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _project(root: Path) -> Path:
    shutil.copytree(CASE, root, ignore=shutil.ignore_patterns("previous", "expected.json"))
    return root


def test_without_git_the_history_part_is_skipped(tmp_path: Path) -> None:
    repo = _project(tmp_path / "plain")
    result = run_cli(*RULE, cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "no findings" in result.stdout


def test_git_history_is_the_default_previous_version(tmp_path: Path) -> None:
    repo = _project(tmp_path / "repo")
    current = (repo / "schemas" / "OrderPlaced.avsc").read_text()
    (repo / "schemas" / "OrderPlaced.avsc").write_text(
        (CASE / "previous" / "OrderPlaced.v1.avsc").read_text()
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    (repo / "schemas" / "OrderPlaced.avsc").write_text(current)  # v2, not committed yet

    result = run_cli(*RULE, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "schemas/OrderPlaced.avsc:10:5: AVRO_ADDED_FIELD_MISSING_DEFAULT" in result.stdout

    _git(repo, "commit", "-q", "-am", "v2")  # still added after the first version
    assert run_cli(*RULE, cwd=repo).exit_code == 1
