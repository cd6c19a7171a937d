"""``junit``: JUnit XML; one test case per finding, one passing case per clean file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from accord.diagnostics import Severity
from accord.report.model import Report


def render(report: Report, *, color: bool = False) -> str:
    failing = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    suites = ET.Element("testsuites", name=f"accord {report.tool}")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"accord {report.tool}",
        tests="0",
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    tests = 0
    with_findings = set()
    for d in report.diagnostics:
        tests += 1
        file = d.location.file or "<input>"
        with_findings.add(file)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=file,
            name=f"{d.rule_id} {d.location.render()} {d.location.pointer}".strip(),
            file=file,
        )
        if d.location.line is not None:
            case.set("line", str(d.location.line))
        body = d.message + (f"\nFix: {d.fix}" if d.fix else "")
        if d.severity is Severity.ERROR:
            failure = ET.SubElement(case, "failure", message=d.message, type=d.rule_id)
            failure.text = body
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"{d.severity.value}: {body}"
    for file in report.files:
        if file not in with_findings:
            tests += 1
            ET.SubElement(
                suite, "testcase", classname=file, name=f"{report.tool} {file}", file=file
            )
    suite.set("tests", str(tests))
    suites.set("tests", str(tests))
    suites.set("failures", str(len(failing)))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
