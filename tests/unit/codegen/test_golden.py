"""Golden files: each case under golden/<case>/ is a small project (accord.yaml + schemas)
whose generated packages live in golden/<case>/expected/. Refresh them all with
``pytest tests/unit/codegen --update-golden``."""

from __future__ import annotations

import pytest

from accord.codegen.generate import generate
from accord.codegen.writer import write_all
from tests.unit.codegen.support import CASES, GOLDEN, golden_contracts


@pytest.mark.parametrize("case", CASES)
def test_generated_code_matches_golden_files(case: str, update_golden: bool) -> None:
    files = generate(golden_contracts(case))
    if update_golden:
        write_all(files)
    stale = [f for f in files if f.stale()]
    assert not stale, "stale golden files (rerun with --update-golden):\n" + "".join(
        f.diff() for f in stale
    )
    expected = {f.path for f in files}
    on_disk = set((GOLDEN / case / "expected").rglob("*.py"))
    assert on_disk == expected, f"files no generator writes: {sorted(on_disk - expected)}"


def test_cases_cover_the_constructs() -> None:
    assert {"avro_constructs", "json_constructs", "hostile"} <= set(CASES)
