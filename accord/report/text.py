"""``text``: ``file:line:col: ID message`` per finding, coloured on a terminal."""

from __future__ import annotations

from accord.diagnostics import Severity
from accord.report.model import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def render(report: Report, *, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    lines: list[str] = []
    for d in report.diagnostics:
        rule = paint(d.rule_id, _COLORS[d.severity] + ";1")
        where = paint(d.location.render(), "1")
        severity = "" if d.severity is Severity.ERROR else f"({d.severity.value}) "
        lines.append(f"{where}: {rule} {severity}{d.message}")
        if d.fix:
            lines.append(f"  {paint('fix:', '2')} {d.fix}")
    s = report.summary()
    n = len(report.diagnostics)
    if n:
        lines.append(
            f"{n} finding(s): {s['error']} error(s), {s['warning']} warning(s), {s['info']} info"
        )
    else:
        lines.append(f"no findings ({len(report.files)} file(s) checked)")
    return "\n".join(lines) + "\n"
