"""``sarif``: SARIF 2.1.0, with each rule's docs so GitHub code scanning can show them."""

from __future__ import annotations

import json
from typing import Any

from accord import __version__
from accord.diagnostics import Diagnostic, Location, Severity
from accord.report.model import Report, RuleDoc

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule(doc: RuleDoc) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": doc.id,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.summary},
        "defaultConfiguration": {"level": _LEVEL[doc.default_severity]},
        "properties": {"tags": list(doc.categories)},
    }
    if doc.help_markdown:
        rule["help"] = {"text": doc.help_markdown, "markdown": doc.help_markdown}
    if doc.help_uri:
        rule["helpUri"] = doc.help_uri
    return rule


def _location(loc: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": (loc.file or "accord.yaml").replace("\\", "/")}
    }
    if loc.line is not None and loc.line >= 1:
        region: dict[str, Any] = {"startLine": loc.line}
        if loc.column is not None and loc.column >= 1:
            region["startColumn"] = loc.column
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    if loc.pointer:
        out["logicalLocations"] = [{"fullyQualifiedName": loc.pointer, "kind": "object"}]
    return out


def _result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    text = d.message if not d.fix else f"{d.message}\nFix: {d.fix}"
    result: dict[str, Any] = {
        "ruleId": d.rule_id,
        "level": _LEVEL[d.severity],
        "message": {"text": text},
        "locations": [_location(d.location)],
        "properties": {"pointer": d.location.pointer},
    }
    if d.rule_id in index:
        result["ruleIndex"] = index[d.rule_id]
    if d.related is not None:
        related = _location(d.related)
        related["id"] = 0
        related["message"] = {"text": "the previous version"}
        result["relatedLocations"] = [related]
    if d.fix:
        result["properties"]["fix"] = d.fix
    if d.data:
        result["properties"]["data"] = json.loads(json.dumps(dict(d.data), default=str))
    return result


def render(report: Report, *, color: bool = False) -> str:
    used = sorted({d.rule_id for d in report.diagnostics} | set(report.rules))
    docs = [
        report.rules.get(rid) or RuleDoc(id=rid, summary=rid.replace("_", " ").lower())
        for rid in used
    ]
    index = {doc.id: i for i, doc in enumerate(docs)}
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "accord",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/accord-dev/accord",
                        "rules": [_rule(d) for d in docs],
                    }
                },
                "automationDetails": {"id": f"accord/{report.tool}/"},
                "results": [_result(d, index) for d in report.diagnostics],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
