"""Validation problems and lint findings stay what they were before the speed work.

``data/recorded_problems.json`` holds mutations of the reference schemas and of the lint
fixtures (fields deleted, values swapped for wrong types, bad names, broken references,
suppressions...), each with the problems ``schema_from_data`` reported and, for the valid ones,
every finding of ``accord lint --select all`` (rule, message, pointer, line, column), as
recorded with the implementation before lint was made fast (commit 3a4b518). The fast paths
(lazy pointers, the $ref check from the text, lazy payload fields, chunked rules...) must
answer exactly the same.

When a message or a rule changes on purpose, record again from the current code:
``ACCORD_RECORD=1 pytest tests/unit/contracts/test_recorded_problems.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from accord.contracts import SchemaFormat, schema_from_data
from accord.diagnostics import Diagnostic
from accord.lint import lint

DATA = Path(__file__).parent / "data" / "recorded_problems.json"
CASES: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))


def _row(d: Diagnostic) -> list[Any]:
    loc = d.location
    return [d.rule_id, d.message, loc.pointer, loc.line, loc.column]


def _answer(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    fmt = SchemaFormat(case["format"])
    text = json.dumps(case["schema"], indent=2)
    schema, problems = schema_from_data(case["schema"], fmt, text=text, file="s")
    out: dict[str, Any] = {"problems": [_row(p) for p in problems]}
    if schema is not None:
        path = folder / ("s.avsc" if fmt is SchemaFormat.AVRO else "s.json")
        path.write_text(text, encoding="utf-8")
        result = lint(None, [path.name], select=["all"])
        out["findings"] = [_row(d) for d in result.diagnostics]
    return out


def test_the_recording_covers_both_formats_valid_and_invalid() -> None:
    assert {c["format"] for c in CASES} == {"AVRO", "JSON"}
    assert sum(1 for c in CASES if c["problems"]) > 100
    assert sum(1 for c in CASES if c.get("findings")) > 50


@pytest.mark.parametrize("index", range(len(CASES)))
def test_same_problems_and_findings(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    case = CASES[index]
    got = _answer(case, tmp_path)
    if os.environ.get("ACCORD_RECORD"):
        case.update(got)
        return
    assert got["problems"] == case["problems"]
    assert got.get("findings") == case.get("findings")


def teardown_module() -> None:
    if os.environ.get("ACCORD_RECORD"):
        rows = ",\n".join(json.dumps(c, separators=(",", ":"), ensure_ascii=False) for c in CASES)
        DATA.write_text("[\n" + rows + "\n]\n", encoding="utf-8")
