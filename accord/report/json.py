"""``json``: one document with every finding and a summary (stable key order)."""

from __future__ import annotations

import json

from accord import __version__
from accord.report.model import Report


def render(report: Report, *, color: bool = False) -> str:
    doc = {
        "tool": f"accord {report.tool}",
        "version": __version__,
        "summary": report.summary(),
        "files": list(report.files),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
