"""The flattened 2019-09 / 2020-12 metaschemas accept exactly what the published ones accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.contracts.metaschema import _static, flattened

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = {
    "2019-09": (jsonschema.Draft201909Validator, jsonschema_rs.Draft201909Validator),
    "2020-12": (jsonschema.Draft202012Validator, jsonschema_rs.Draft202012Validator),
}


def validators(draft: str) -> tuple[Any, Any]:
    py, rs = DRAFTS[draft]
    flat = flattened(draft)
    assert flat is not None, f"the {draft} metaschema no longer flattens"
    return rs(py.META_SCHEMA), rs(flat)


# Keywords with values of the right and of the wrong shape, so that both answers occur.
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "a", "string", "object", "#", "#/$defs/x", "http://x", "^a$", "(", "x#y"]),
)
_KEYWORDS = [
    "type", "properties", "items", "prefixItems", "required", "enum", "const", "minimum",
    "maxLength", "minLength", "pattern", "format", "additionalProperties", "$defs", "$ref",
    "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "definitions", "dependencies",
    "dependentRequired", "dependentSchemas", "unevaluatedProperties", "contentMediaType",
    "minContains", "uniqueItems", "multipleOf", "title", "description", "default", "$comment",
    "$vocabulary", "deprecated", "examples", "propertyNames", "x-extra",
]  # fmt: skip


def _schemas() -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        value = st.one_of(
            children,
            st.lists(children, max_size=3),
            st.dictionaries(st.sampled_from(["a", "b", "$ref", "type"]), children, max_size=3),
        )
        return st.dictionaries(st.sampled_from(_KEYWORDS), value, max_size=5)

    return st.recursive(st.one_of(_SCALARS, st.booleans()), extend, max_leaves=25)


@pytest.mark.parametrize("draft", sorted(DRAFTS))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_schemas())
def test_flattened_answers_as_published(draft: str, document: Any) -> None:
    published, flat = validators(draft)
    assert flat.is_valid(document) == published.is_valid(document)


def _corpus() -> list[Any]:
    out = []
    for path in sorted(ROOT.rglob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError):
            continue
    return out


@pytest.mark.parametrize("draft", sorted(DRAFTS))
def test_flattened_answers_as_published_on_every_json_file_of_the_tests(draft: str) -> None:
    published, flat = validators(draft)
    corpus = _corpus()
    assert len(corpus) > 100
    both = [(flat.is_valid(doc), published.is_valid(doc)) for doc in corpus]
    assert [f for f, _ in both] == [p for _, p in both]
    assert {p for _, p in both} == {True, False}  # the corpus exercises both answers


def test_a_dynamic_reference_it_cannot_make_static_is_refused() -> None:
    from accord.contracts.metaschema import _DoesNotFit

    with pytest.raises(_DoesNotFit):
        _static({"$dynamicRef": "#other"})
    with pytest.raises(_DoesNotFit):
        _static({"$ref": "http://elsewhere/schema"})


def test_keywords_named_as_properties_stay_property_names() -> None:
    flat = flattened("2020-12")
    assert flat is not None
    assert flat["properties"]["$dynamicRef"] == {"$ref": "#/$defs/uriReferenceString"}
    assert "allOf" not in flat
