"""Every rule against its fixtures: ``cases/<RULE_ID>/{pass,fail}/`` with an ``expected.json``.

A case folder holds either an ``accord.yaml`` with its schemas (linted as a manifest) or
standalone schema files (linted as PATHs). Only the rule under test runs (or the rules the
case's ``select`` names); the findings must be exactly the expected (rule, file, pointer, line)
tuples. Expected lines were written down from the fixture text, not computed by accord.
``previous`` maps an event to its earlier schema versions (oldest first) for history rules.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from accord.contracts import SchemaFormat, read_schema
from accord.contracts.sources import PreviousEvent, Snapshot
from accord.lint import all_rules, lint

CASES = Path(__file__).parent / "cases"
FOLDERS = sorted(p for p in CASES.glob("*/*") if p.is_dir())


@pytest.fixture
def chdir_case(request: pytest.FixtureRequest) -> Iterator[Path]:
    with contextlib.chdir(request.param):
        yield request.param


def _snapshot(folder: Path, previous: dict[str, list[str]]) -> Snapshot:
    events = {}
    for name, files in previous.items():
        versions = tuple(read_schema(folder / f, file=f) for f in files)
        events[name] = PreviousEvent(name=name, subject=name, versions=versions)
    return Snapshot("fixture", MappingProxyType(events))


def _found(folder: Path, expected: dict[str, object]) -> list[tuple[str, str, str, int]]:
    select = expected.get("select") or [expected["rule"]]
    assert isinstance(select, list)
    previous = expected.get("previous")
    snapshot = _snapshot(folder, previous) if isinstance(previous, dict) else None
    if (folder / "accord.yaml").is_file():
        result = lint("accord.yaml", select=select, against=snapshot)
    else:
        schemas = sorted(
            p.name
            for p in folder.iterdir()
            if SchemaFormat.for_path(p) and p.name != "expected.json"
        )
        result = lint(None, schemas, select=select, against=snapshot)
    return sorted(
        (d.rule_id, d.location.file or "", d.location.pointer, d.location.line or 0)
        for d in result.diagnostics
    )


@pytest.mark.parametrize(
    "chdir_case", FOLDERS, indirect=True, ids=[f"{p.parent.name}/{p.name}" for p in FOLDERS]
)
def test_case(chdir_case: Path) -> None:
    expected = json.loads((chdir_case / "expected.json").read_text())
    want = sorted((f["rule"], f["file"], f["pointer"], f["line"]) for f in expected["findings"])
    assert _found(chdir_case, expected) == want
    if chdir_case.name == "fail":
        assert want, "a failing fixture must expect at least one finding"
        assert {w[0] for w in want} == {chdir_case.parent.name}


def test_every_rule_has_a_passing_and_a_failing_fixture() -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders == set(all_rules()), "fixture folders and rule IDs must match one to one"
    for rule_id in folders:
        assert (CASES / rule_id / "pass" / "expected.json").is_file(), rule_id
        assert (CASES / rule_id / "fail" / "expected.json").is_file(), rule_id
