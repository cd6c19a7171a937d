"""`accord lint` and `accord rules` end to end (in-process CLI): exit codes, formats, PATHs."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from accord.lint import all_rules
from tests.conftest import ROOT, run_cli

CASES = Path(__file__).parent / "cases"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
FIELD_DOC = CASES / "AVRO_FIELD_MISSING_DOC" / "fail"


def test_reference_contracts_lint_clean() -> None:
    result = run_cli("lint", cwd=ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "no findings (7 file(s) checked)" in result.stdout


def test_reference_contracts_lint_clean_with_every_rule() -> None:
    result = run_cli("lint", "--select", "all", "--format", "json", cwd=ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["diagnostics"] == []


def test_error_findings_exit_1_with_file_line_col_and_rule() -> None:
    result = run_cli("lint", "--select", "AVRO_FIELD_MISSING_DOC", "schema.avsc", cwd=FIELD_DOC)
    assert result.exit_code == 1
    assert (
        "schema.avsc:8:5: AVRO_FIELD_MISSING_DOC field 'note' of record 'OrderPlaced' has no doc"
        in result.stdout
    )
    assert "fix: add" in result.stdout
    assert "2 finding(s): 2 error(s)" in result.stdout


def test_warnings_alone_do_not_fail() -> None:
    folder = CASES / "AVRO_MONEY_AS_FLOAT" / "fail"
    result = run_cli("lint", "--select", "AVRO_MONEY_AS_FLOAT", "schema.avsc", cwd=folder)
    assert result.exit_code == 0
    assert "(warning)" in result.stdout


def test_ignore_removes_a_rule_and_select_accepts_categories_and_commas() -> None:
    args = ("lint", "--select", "docs,naming", "--ignore", "AVRO_FIELD_MISSING_DOC", "schema.avsc")
    result = run_cli(*args, cwd=FIELD_DOC)
    assert result.exit_code == 0, result.stdout
    assert "no findings" in result.stdout


def test_unknown_rule_on_the_command_line_exits_2_with_a_suggestion() -> None:
    result = run_cli("lint", "--select", "AVRO_FIELD_MISSING_DOCS", cwd=ROOT)
    assert result.exit_code == 2
    assert "unknown lint rule or category 'AVRO_FIELD_MISSING_DOCS'" in result.stderr
    assert "did you mean 'AVRO_FIELD_MISSING_DOC'?" in result.stderr
    assert result.stdout == ""


def test_invalid_manifest_exits_2_with_the_loader_location() -> None:
    folder = ROOT / "tests" / "unit" / "contracts" / "broken" / "invalid_yaml"
    result = run_cli("lint", cwd=folder)
    assert result.exit_code == 2
    assert "accord.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_standalone_schema_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.avsc").write_text('{"type": "record", "name": "X", "fields": [\n  {"nam')
    result = run_cli("lint", "bad.avsc", cwd=tmp_path)
    assert result.exit_code == 2
    assert "bad.avsc:2:" in result.stderr


def test_not_a_schema_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = run_cli("lint", "notes.txt", cwd=tmp_path)
    assert result.exit_code == 2
    assert "notes.txt is not a schema file" in result.stderr


def test_paths_limit_the_report_to_those_files(tmp_path: Path) -> None:
    shutil.copytree(CASES / "EVENT_KEY_NOT_STRING" / "fail", tmp_path / "repo")
    repo = tmp_path / "repo"
    everything = run_cli("lint", "--select", "EVENT_KEY_NOT_STRING", cwd=repo)
    assert everything.exit_code == 1
    assert "schemas/OrderConfirmed.avsc:" in everything.stdout
    only_placed = run_cli(
        "lint", "--select", "EVENT_KEY_NOT_STRING", "schemas/OrderPlaced.avsc", cwd=repo
    )
    assert only_placed.exit_code == 0, only_placed.stdout
    folder = run_cli("lint", "--select", "EVENT_KEY_NOT_STRING", "schemas", cwd=repo)
    assert folder.exit_code == 1


def test_manifest_rules_skip_standalone_schemas_outside_the_manifest(tmp_path: Path) -> None:
    shutil.copytree(CASES / "ENVELOPE_EVENT_ID_MISSING" / "fail", tmp_path / "x")
    result = run_cli("lint", "--format", "json", "x", cwd=tmp_path)
    assert result.exit_code == 1
    rules = {d["rule_id"] for d in json.loads(result.stdout)["diagnostics"]}
    assert "ENVELOPE_EVENT_ID_MISSING" in rules
    assert not {r for r in rules if r.startswith(("TOPOLOGY_", "EVENT_", "SERVICE_"))}


def test_sarif_output_of_a_real_lint_is_valid_sarif_2_1_0() -> None:
    schemas = sorted(str(p.relative_to(CASES)) for p in CASES.glob("*/fail/schema.*"))
    result = run_cli("lint", "--select", "all", "--format", "sarif", *schemas, cwd=CASES)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, SARIF_SCHEMA)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(all_rules())
    for r in rules:
        assert r["help"]["markdown"].startswith(f"# {r['id']}\n")
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
            assert section in r["help"]["markdown"]
    assert len(run["results"]) >= 20
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_github_and_junit_formats() -> None:
    github = run_cli(
        "lint", "-s", "AVRO_FIELD_MISSING_DOC", "-f", "github", "schema.avsc", cwd=FIELD_DOC
    )
    assert github.exit_code == 1
    first = github.stdout.splitlines()[0]
    assert first.startswith(
        "::error file=schema.avsc,line=8,col=5,title=AVRO_FIELD_MISSING_DOC::field 'note'"
    )
    junit = run_cli(
        "lint", "-s", "AVRO_FIELD_MISSING_DOC", "-f", "junit", "schema.avsc", cwd=FIELD_DOC
    )
    suite = ET.fromstring(junit.stdout).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "2"


def test_json_format_lists_findings_with_pointers() -> None:
    result = run_cli(
        "lint", "-s", "AVRO_FIELD_MISSING_DOC", "-f", "json", "schema.avsc", cwd=FIELD_DOC
    )
    doc = json.loads(result.stdout)
    assert [d["location"]["pointer"] for d in doc["diagnostics"]] == ["/fields/1", "/fields/2"]
    assert doc["summary"] == {"error": 2, "warning": 0, "info": 0}


def test_lint_config_errors_fail_lint_and_validate(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    manifest = (ROOT / "accord.yaml").read_text() + "lint:\n  except: [AVRO_FIELD_DOC]\n"
    (tmp_path / "accord.yaml").write_text(manifest)
    line = len(manifest.splitlines())
    for command in ("lint", "validate"):
        result = run_cli(command, cwd=tmp_path)
        assert result.exit_code == 2, command
        assert f"accord.yaml:{line}:" in result.stderr
        assert "unknown lint rule or category 'AVRO_FIELD_DOC'" in result.stderr
        assert "did you mean 'AVRO_FIELD_MISSING_DOC'?" in result.stderr


def test_against_a_directory_feeds_the_history_rules(tmp_path: Path) -> None:
    case = CASES / "AVRO_ADDED_FIELD_MISSING_DEFAULT" / "fail"
    shutil.copytree(case, tmp_path / "new")
    old = tmp_path / "old"
    (old / "schemas").mkdir(parents=True)
    shutil.copy(case / "accord.yaml", old / "accord.yaml")
    shutil.copy(case / "previous" / "OrderPlaced.v1.avsc", old / "schemas" / "OrderPlaced.avsc")
    args = ("lint", "-s", "AVRO_ADDED_FIELD_MISSING_DEFAULT", "--against", str(old))
    result = run_cli(*args, cwd=tmp_path / "new")
    assert result.exit_code == 1, result.stderr
    assert "field 'coupon' was added after the first version" in result.stdout
    missing = run_cli(*args[:-1], str(tmp_path / "nowhere"), cwd=tmp_path / "new")
    assert missing.exit_code == 2


def test_rules_lists_explains_and_suggests() -> None:
    listed = run_cli("rules")
    assert listed.exit_code == 0
    assert f"{len(all_rules())} rule(s)" in listed.stdout
    explained = run_cli("rules", "avro_enum_missing_default")
    assert explained.exit_code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in explained.stdout
    as_json = json.loads(run_cli("rules", "topology", "--format", "json").stdout)
    assert as_json
    assert all("topology" in r["categories"] for r in as_json)
    one = json.loads(run_cli("rules", "EVENT_KEY_MISSING", "-f", "json").stdout)
    assert one["id"] == "EVENT_KEY_MISSING"
    assert one["markdown"].startswith("# EVENT_KEY_MISSING")
    unknown = run_cli("rules", "EVENT_KEY_MISING")
    assert unknown.exit_code == 2
    assert "did you mean 'EVENT_KEY_MISSING'?" in unknown.stderr


@pytest.mark.parametrize("command", ["lint", "rules"])
def test_help_teaches(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "accord rules" in result.stdout
