"""``accord check`` on a copy of the reference contracts in a throwaway git repository:
git:REF (with the history of each schema for transitive levels), DIR, the default, shallow
clones, removed events, every output format, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT, run_cli

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
USER = Path("schemas/user/UserCreated.avsc")  # FULL_TRANSITIVE in the reference manifest
STOCK = Path("schemas/inventory/StockUpdated.json")  # JSON Schema, closed content model


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )
    return proc.stdout.strip()


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The reference contracts, committed once on `main`."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(ROOT / "accord.yaml", root / "accord.yaml")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    git(root, "init", "-q", "-b", "main")
    commit(root, "contracts")
    return root


def add_field(name: str, **extra: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["fields"].append({"name": name, "type": "string", **extra})

    return change


def test_no_change_passes(repo: Path) -> None:
    result = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "no findings" in result.stdout
    assert "6 compatible" in result.stderr


def test_a_field_added_without_a_default_fails_with_who_breaks_and_where(repo: Path) -> None:
    edit_json(repo / USER, add_field("nickname"))
    result = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{USER}:")
    assert (
        "FIELD_ADDED_WITHOUT_DEFAULT UserCreated: consumers on v2 (working tree) cannot read"
        in (first)
    )
    assert "events written with v1 (git:HEAD): field `nickname` was added without a default" in (
        first
    )
    assert "fix: give `nickname` a default" in result.stdout


def test_a_field_added_with_a_default_passes(repo: Path) -> None:
    edit_json(repo / USER, add_field("nickname", default=""))
    assert run_cli("check", "--against", "git:HEAD", cwd=repo).exit_code == 0


def test_transitive_levels_check_every_version_in_the_history(repo: Path) -> None:
    # v1 (committed): `email` has no default. v2 gives it one: compatible both ways.
    edit_json(repo / USER, lambda d: d["fields"][4].update(default=""))
    commit(repo, "email gets a default")
    # The working tree drops `email`: fine for v2 readers (they have a default), not for v1.
    edit_json(repo / USER, lambda d: d["fields"].pop(4))
    result = run_cli("check", "--against", "git:HEAD", "--format", "json", cwd=repo)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    (finding,) = doc["diagnostics"]
    assert finding["rule_id"] == "FIELD_REMOVED_WITHOUT_DEFAULT"
    assert finding["data"]["versions"][0].startswith("v1 (git:")
    assert "consumers on v1" in finding["message"]
    assert finding["related"]["file"].startswith("git:HEAD@")


def test_a_rename_is_followed_through_history(repo: Path) -> None:
    moved = Path("schemas/user/UserCreatedEvent.avsc")
    git(repo, "mv", str(USER), str(moved))
    manifest = (repo / "accord.yaml").read_text(encoding="utf-8")
    (repo / "accord.yaml").write_text(manifest.replace(str(USER), str(moved)), encoding="utf-8")
    edit_json(repo / moved, lambda d: d["fields"][4].update(default=""))
    commit(repo, "rename and default")
    edit_json(repo / moved, lambda d: d["fields"].pop(4))
    result = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert result.exit_code == 1
    assert "FIELD_REMOVED_WITHOUT_DEFAULT" in result.stdout


def test_json_schema_events_follow_the_policy(repo: Path) -> None:
    edit_json(repo / STOCK, lambda d: d["properties"].pop("line_count"))
    strict = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert strict.exit_code == 1
    assert "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" in strict.stdout
    assert "property `line_count` was removed" in strict.stdout
    assert run_cli("check", "--against", "git:HEAD", "--policy", "lenient", cwd=repo).exit_code == 0


def test_a_removed_event_that_a_service_consumed_fails(repo: Path) -> None:
    text = (repo / "accord.yaml").read_text(encoding="utf-8")
    start = text.index("  OrderRejected:")
    end = text.index("  StockUpdated:")
    text = text[:start] + text[end:]
    text = text.replace(
        "OrderPlaced, OrderConfirmed, OrderRejected]", "OrderPlaced, OrderConfirmed]"
    )
    text = text.replace(
        "[OrderPlaced, OrderConfirmed, OrderRejected]", "[OrderPlaced, OrderConfirmed]"
    )
    (repo / "accord.yaml").write_text(text, encoding="utf-8")
    result = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "EVENT_REMOVED" in result.stdout
    assert "`inventory` consumed it in git:HEAD" in result.stdout


def test_a_directory_source(repo: Path, tmp_path: Path) -> None:
    old = tmp_path / "last-release"
    shutil.copytree(repo, old, ignore=shutil.ignore_patterns(".git"))
    edit_json(repo / USER, add_field("nickname"))
    result = run_cli("check", "--against", str(old), cwd=repo)
    assert result.exit_code == 1
    assert "FIELD_ADDED_WITHOUT_DEFAULT" in result.stdout
    assert "directory" in result.stderr


def test_the_default_is_the_merge_base_with_the_default_branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit_json(repo / USER, add_field("nickname"))
    commit(repo, "feature: nickname")
    result = run_cli("check", cwd=repo)
    assert result.exit_code == 1
    assert "merge base of HEAD and main" in result.stderr
    git(repo, "checkout", "-q", "main")
    on_main = run_cli("check", cwd=repo)
    assert on_main.exit_code == 0
    assert "comparing the working tree with HEAD" in on_main.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_output_format(repo: Path, fmt: str) -> None:
    edit_json(repo / USER, add_field("nickname"))
    result = run_cli("check", "--against", "git:HEAD", "--format", fmt, cwd=repo)
    assert result.exit_code == 1
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        assert doc["summary"]["error"] == 1
        assert doc["diagnostics"][0]["data"]["witness"] is not None
    elif fmt == "sarif":
        doc = json.loads(out)
        jsonschema.validate(doc, SARIF_SCHEMA)
        run = doc["runs"][0]
        (result_,) = run["results"]
        rule = run["tool"]["driver"]["rules"][result_["ruleIndex"]]
        assert rule["id"] == "FIELD_ADDED_WITHOUT_DEFAULT"
        assert "default" in rule["help"]["markdown"]
        assert result_["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
            f"git:HEAD:{USER.as_posix()}"
        )
    elif fmt == "github":
        assert out.startswith(f"::error file={USER.as_posix()},line=")
        assert "title=FIELD_ADDED_WITHOUT_DEFAULT" in out
    elif fmt == "junit":
        suites = ET.fromstring(out)
        assert suites.get("failures") == "1"
        assert len(suites.findall(".//testcase")) == 7  # one failing, six clean files
    else:
        assert "1 finding(s): 1 error(s)" in out


def test_a_shallow_clone_is_deepened_when_it_has_a_remote(repo: Path, tmp_path: Path) -> None:
    edit_json(repo / USER, lambda d: d["fields"][4].update(default=""))
    commit(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = run_cli("check", "--against", "git:HEAD~1", cwd=clone)
    assert result.exit_code == 0, result.stderr
    assert "accord fetched its full history" in result.stderr


def test_a_shallow_clone_without_a_remote_gets_a_clear_message(repo: Path, tmp_path: Path) -> None:
    commit_id = git(repo, "rev-parse", "HEAD")
    edit_json(repo / USER, lambda d: d["fields"][4].update(default=""))
    commit(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    git(clone, "remote", "remove", "origin")
    result = run_cli("check", "--against", f"git:{commit_id}", cwd=clone)
    assert result.exit_code == 2
    assert "not in this shallow clone" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_bad_sources_exit_2(repo: Path, tmp_path: Path) -> None:
    unknown = run_cli("check", "--against", "git:no-such-branch", cwd=repo)
    assert unknown.exit_code == 2
    assert "unknown git ref 'no-such-branch'" in unknown.stderr
    guess = run_cli("check", "--against", "HEAD", cwd=repo)
    assert guess.exit_code == 2
    assert "did you mean --against git:HEAD?" in guess.stderr
    outside = tmp_path / "plain"
    shutil.copytree(repo, outside, ignore=shutil.ignore_patterns(".git"))
    no_git = run_cli("check", cwd=outside)
    assert no_git.exit_code == 2
    assert "not a git repository" in no_git.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    no_manifest = run_cli("check", "--against", str(empty), cwd=repo)
    assert no_manifest.exit_code == 2
    assert "no accord.yaml there" in no_manifest.stderr


def test_a_ref_without_a_manifest_makes_every_event_new(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "rm", "-q", "accord.yaml")
    commit(repo, "no manifest")
    git(repo, "checkout", "-q", first, "--", "accord.yaml")
    result = run_cli("check", "--against", "git:HEAD", cwd=repo)
    assert result.exit_code == 0
    assert "every event is new" in result.stderr
    assert "6 new" in result.stderr
