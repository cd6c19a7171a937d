"""accord's Avro validator refuses every schema fastavro's parser refuses.

So a schema fastavro cannot read is explained where its problem is, not by fastavro's own
message at the top of the file (fastavro's parse stays behind validate() as a backstop).
Schemas are generated from the grammar with wrong parts mixed in (bad
names, missing keys, wrong kinds of values, duplicate definitions, decimals on any type,
defaults of every kind, types nested in "type"); for each one fastavro accepts or refuses, and
accord must refuse at least whatever fastavro refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.contracts import avro

NAMES = st.sampled_from(
    ["A", "B", "a", "x1", "_u", "1bad", "b-c", "", "ns.C", "com.x.D", ".E", "null", "string",
     "record", "A\n", "é"]
)  # fmt: skip
PRIMS = st.sampled_from(["null", "boolean", "int", "long", "float", "double", "bytes", "string"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 300),
    st.floats(allow_nan=False, width=16),
    st.text(max_size=3),
    st.just([]),
    st.just({}),
)


def _schemas() -> st.SearchStrategy[Any]:
    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        default = st.one_of(SCALARS, st.lists(SCALARS, max_size=2))
        field = st.fixed_dictionaries(
            {},
            optional={
                "name": st.one_of(NAMES, SCALARS),
                "type": inner,
                "default": default,
                "order": st.sampled_from(["ascending", "descending", "ignore", "up", None]),
                "aliases": st.one_of(st.lists(NAMES, max_size=2), SCALARS),
                "doc": SCALARS,
            },
        )
        record = st.fixed_dictionaries(
            {
                "type": st.sampled_from(["record", "error"]),
                "fields": st.one_of(st.lists(field, max_size=3), SCALARS),
            },
            optional={
                "name": st.one_of(NAMES, SCALARS),
                "namespace": st.one_of(NAMES, SCALARS),
                "aliases": st.lists(NAMES, max_size=2),
            },
        )
        enum = st.fixed_dictionaries(
            {"type": st.just("enum")},
            optional={
                "name": st.one_of(NAMES, SCALARS),
                "symbols": st.one_of(st.lists(NAMES, max_size=3), SCALARS),
                "default": st.one_of(NAMES, SCALARS),
                "namespace": NAMES,
            },
        )
        decimal = {
            "logicalType": st.sampled_from(["decimal", "duration", "uuid", "date", "bogus"]),
            "precision": st.one_of(st.integers(-1, 50), SCALARS),
            "scale": st.one_of(st.integers(-1, 10), SCALARS),
        }
        fixed = st.fixed_dictionaries(
            {"type": st.just("fixed")},
            optional={"name": st.one_of(NAMES, SCALARS), "size": st.integers(-1, 20), **decimal},
        )
        array = st.fixed_dictionaries(
            {"type": st.just("array")}, optional={"items": inner, "default": SCALARS}
        )
        map_ = st.fixed_dictionaries({"type": st.just("map")}, optional={"values": inner})
        primitive = st.fixed_dictionaries({"type": PRIMS}, optional=decimal)
        wrapped = st.fixed_dictionaries({"type": inner})
        union = st.lists(inner, max_size=3)
        return st.one_of(record, enum, fixed, array, map_, primitive, union, wrapped, NAMES)

    return st.recursive(st.one_of(PRIMS, NAMES), extend, max_leaves=12)


@settings(
    max_examples=1500,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(_schemas())
def test_what_fastavro_refuses_accord_refuses(data: Any) -> None:
    if not avro.validate(data):
        assert avro.fastavro_problem(data) is None, data


def test_a_type_nested_in_type_is_refused_where_it_is() -> None:
    problems = avro.validate({"type": {"type": "string"}})
    assert [p.pointer for p in problems] == ["/type"]
    assert "fastavro" in problems[0].message
    assert avro.validate({"type": {"type": "string"}}, lenient=True) == []


def test_recorded_mutations_refused_by_fastavro_are_refused_by_accord() -> None:
    import json

    cases = json.loads((Path(__file__).parent / "data" / "recorded_problems.json").read_text())
    avro_cases = [c["schema"] for c in cases if c["format"] == "AVRO"]
    assert len(avro_cases) > 100
    missed = [c for c in avro_cases if not avro.validate(c) and avro.fastavro_problem(c)]
    assert missed == []


def test_a_decimal_on_another_type_is_refused_as_fastavro_refuses_it() -> None:
    bad = {"type": "long", "logicalType": "decimal", "precision": 3, "scale": 10}
    assert [p.pointer for p in avro.validate(bad)] == ["/scale"]
    fine = {"type": "long", "logicalType": "decimal"}  # Avro reads a long; fastavro agrees
    assert avro.validate(fine) == []
    assert avro.fastavro_problem(fine) is None


def test_the_backstop_runs_where_fastavro_reads_the_schema_next_and_not_in_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should fastavro refuse a schema accord's validator passes (none is known: see above),
    loading it for codegen or the registry still says so; lint, which hands schemas to no
    Avro library, relies on the validator alone."""
    from accord.contracts import try_read_schema
    from accord.lint import lint

    schema = tmp_path / "Thing.avsc"
    schema.write_text(
        '{"type": "record", "name": "Thing", "doc": "A thing.", "fields": '
        '[{"name": "id", "type": "string", "doc": "Its id."}]}'
    )
    monkeypatch.setattr(avro, "fastavro_problem", lambda _data: avro.Problem("", "refused"))
    read, problems = try_read_schema(schema)
    assert read is None
    assert [p.message for p in problems] == ["refused"]
    assert try_read_schema(schema, fastavro_backstop=False)[0] is not None
    monkeypatch.chdir(tmp_path)
    assert "refused" not in [d.message for d in lint(None, [schema]).diagnostics]
