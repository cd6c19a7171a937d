"""The fast path lint relies on (JSON Schema metaschema check through jsonschema-rs first)
answers exactly like the pure-Python validator, on every schema of the conformance corpus and
on deliberately broken ones."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accord.contracts import jsonschema as js
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "conformance"


def _corpus() -> list[Any]:
    schemas: list[Any] = []
    for name in ("json-cases.json", "json-cases-karapace.json"):
        for case in json.loads((DATA / name).read_text()):
            schemas += [case["old"], case["new"]]
    return schemas


BROKEN: list[Any] = [
    {"type": 5},
    {"type": "object", "required": "sku"},
    {"$schema": "http://json-schema.org/draft-07/schema#", "additionalItems": 5},
    {"$schema": "https://json-schema.org/draft/2019-09/schema", "minLength": -1},
    {"properties": {"a": {"$ref": "#/$defs/missing"}}},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "items": [{"type": "string"}]},
]


def test_fast_path_gives_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    schemas = [s for s in _corpus() if isinstance(s, (dict, bool))] + BROKEN
    with_fast = [js.validate(s) for s in schemas]
    monkeypatch.setattr(js, "_fast_valid", lambda cls, data: False)
    python_only = [js.validate(s) for s in schemas]
    assert with_fast == python_only
    assert sum(1 for p in python_only if p) >= len(BROKEN)
