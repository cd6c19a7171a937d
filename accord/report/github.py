"""``github``: GitHub Actions workflow commands (annotations on the pull request)."""

from __future__ import annotations

from accord.diagnostics import Diagnostic, Severity
from accord.report.model import Report

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _line(d: Diagnostic) -> str:
    props = []
    loc = d.location
    if loc.file:
        props.append(f"file={_prop(loc.file)}")
        if loc.line is not None:
            props.append(f"line={loc.line}")
            if loc.column is not None:
                props.append(f"col={loc.column}")
    props.append(f"title={_prop(d.rule_id)}")
    message = d.message if not d.fix else f"{d.message}\nFix: {d.fix}"
    return f"::{_COMMAND[d.severity]} {','.join(props)}::{_data(message)}"


def render(report: Report, *, color: bool = False) -> str:
    return "".join(_line(d) + "\n" for d in report.diagnostics)
