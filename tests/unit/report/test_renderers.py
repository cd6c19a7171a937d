"""The shared renderers: every format renders the same findings faithfully."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from accord.diagnostics import Diagnostic, Location, Severity
from accord.report import FORMATS, Report, RuleDoc, render
from tests.conftest import ROOT

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

FINDINGS = [
    Diagnostic(
        "AVRO_FIELD_MISSING_DOC",
        Severity.WARNING,
        'field "a,b" has no doc: 100% undocumented',
        Location("schemas/x.avsc", 3, 7, "/fields/0"),
        fix="add a doc",
    ),
    Diagnostic(
        "FIELD_REMOVED",
        Severity.ERROR,
        "field `email` was removed",
        Location("schemas/a.avsc", 10, 5, "/fields/2"),
        related=Location("schemas/a.avsc", 9, 5, "/fields/2"),
        data={"witness": {"email": "x"}},
    ),
]
RULES = {
    "AVRO_FIELD_MISSING_DOC": RuleDoc(
        "AVRO_FIELD_MISSING_DOC",
        "Fields have a doc.",
        "## What it does\nChecks docs.",
        Severity.WARNING,
        ("docs",),
    )
}
REPORT = Report.of("lint", FINDINGS, rules=RULES, files=["schemas/a.avsc", "schemas/clean.avsc"])


def test_findings_are_sorted_and_counted() -> None:
    assert [d.location.file for d in REPORT.diagnostics] == ["schemas/a.avsc", "schemas/x.avsc"]
    assert REPORT.failed
    assert REPORT.summary() == {"error": 1, "warning": 1, "info": 0}


def test_text() -> None:
    out = render("text", REPORT)
    assert "schemas/a.avsc:10:5: FIELD_REMOVED field `email` was removed" in out
    assert "(warning)" in out
    assert "\x1b[" not in out
    assert "\x1b[" in render("text", REPORT, color=True)


def test_json() -> None:
    doc = json.loads(render("json", REPORT))
    assert doc["summary"]["error"] == 1
    assert doc["diagnostics"][0]["data"]["witness"] == {"email": "x"}


def test_sarif_is_valid_sarif_2_1_0() -> None:
    doc = json.loads(render("sarif", REPORT))
    jsonschema.validate(doc, SARIF_SCHEMA)
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["AVRO_FIELD_MISSING_DOC"]["help"]["markdown"].startswith("## What it does")
    result = run["results"][1]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 7,
    }


def test_github_escapes_workflow_command_syntax() -> None:
    lines = render("github", REPORT).splitlines()
    assert lines[0].startswith("::error file=schemas/a.avsc,line=10,col=5,title=FIELD_REMOVED::")
    assert "100%25 undocumented" in lines[1]
    assert "%0AFix: add a doc" in lines[1]


def test_junit_lists_failures_and_clean_files() -> None:
    root = ET.fromstring(render("junit", REPORT))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"
    assert suite.get("tests") == "3"
    names = [c.get("classname") for c in suite.iter("testcase")]
    assert "schemas/clean.avsc" in names


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_report_renders(fmt: str) -> None:
    out = render(fmt, Report.of("lint", [], files=["a.avsc"]))
    assert isinstance(out, str)
