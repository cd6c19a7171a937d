"""Differential tests against fastavro's own schema resolution and the jsonschema library.

Avro: when accord says a reader can read a writer, data written with the writer decodes with
the reader; every witness accord emits fails to decode. JSON Schema: every witness is
accepted by the old schema and rejected by the new one.

CI runs a fixed seed and a modest number of examples; ``ACCORD_HYPOTHESIS_PROFILE=nightly``
runs many more (see docs/compat.md).
"""

from __future__ import annotations

import io
import random
from typing import Any

import fastavro
import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from accord.compat import check
from tests.unit.compat.strategies import PROFILE, avro_pairs, datum, json_pairs


def _write(schema: Any, value: Any) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(schema), value)
    return buffer.getvalue()


def _read(data: bytes, writer: Any, reader: Any) -> Any:
    return fastavro.schemaless_reader(
        io.BytesIO(data), fastavro.parse_schema(writer), fastavro.parse_schema(reader)
    )


def _decodes(data: bytes, writer: Any, reader: Any) -> bool:
    try:
        _read(data, writer, reader)
    except Exception:  # any decoding failure proves the witness
        return False
    return True


@PROFILE
@given(avro_pairs(), st.integers(0, 2**32 - 1))
def test_avro_verdicts_agree_with_fastavro_decoding(pair: tuple[Any, Any], seed: int) -> None:
    writer, reader = pair
    result = check(writer, reader, "BACKWARD", schema_type="AVRO")
    if result.compatible:
        rnd = random.Random(seed)
        for _ in range(5):
            value = datum(writer, rnd)
            _read(_write(writer, value), writer, reader)  # must not raise
    for change in result.breaking:
        witness = change.witness
        if witness is None:
            continue
        encoded = _write(writer, witness.datum)
        assert not _decodes(encoded, writer, reader), (change.message, witness.datum)


@PROFILE
@given(avro_pairs())
def test_avro_forward_is_backward_with_roles_swapped(pair: tuple[Any, Any]) -> None:
    writer, reader = pair
    forward = check(reader, writer, "FORWARD", schema_type="AVRO")
    backward = check(writer, reader, "BACKWARD", schema_type="AVRO")
    assert forward.compatible == backward.compatible
    assert [c.reference_type for c in forward.changes] == [
        c.reference_type for c in backward.changes
    ]


@PROFILE
@given(json_pairs())
def test_json_witnesses_are_accepted_by_old_and_rejected_by_new(pair: tuple[Any, Any]) -> None:
    old, new = pair
    for policy in ("strict", "lenient"):
        result = check(old, new, "FULL", schema_type="JSON", policy=policy)
        for change in result.breaking:
            witness = change.witness
            if witness is None:
                continue
            # Backward: old data must validate against new; forward: new data against old.
            writer, reader = (old, new) if change.direction == "backward" else (new, old)
            assert jsonschema.Draft7Validator(writer).is_valid(witness.datum)
            assert not jsonschema.Draft7Validator(reader).is_valid(witness.datum)
