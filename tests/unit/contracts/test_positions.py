"""A lookup walking down one pointer's path answers as the scan of the whole text does."""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.contracts import pointer as jp
from accord.contracts.positions import SourceMap

KEYS = st.text(alphabet=string.ascii_letters + '~/ "\\é:', max_size=4)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _pointers(value: Any, ptr: str = "") -> list[str]:
    out = [ptr, jp.join(ptr, "absent"), jp.join(ptr, 7), jp.join(ptr, "01")]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _pointers(sub, jp.join(ptr, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _pointers(sub, jp.join(ptr, i))
    return out


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([None, 2]), st.booleans())
def test_one_path_lookup_is_the_full_scan(value: Any, indent: int | None, ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    scanned = SourceMap(text)
    scanned.pointers()  # the whole text, scanned
    for ptr in _pointers(value):
        fresh = SourceMap(text)
        assert fresh.position(ptr) == scanned.position(ptr), ptr
        assert SourceMap(text).value_position(ptr) == scanned.value_position(ptr), ptr
        assert not fresh._scanned  # answered without the full scan


def test_duplicate_keys_point_at_the_last_one() -> None:
    text = '{"a": 1,\n "a": {"b": 2}}'
    assert SourceMap(text).position("/a/b") == (2, 8)
    assert SourceMap(text).position("/a") == (2, 2)


def test_broken_text_falls_back_to_what_the_scan_found() -> None:
    text = '{"a": {"b": 1}, "c": [1, 2'
    smap = SourceMap(text)
    assert smap.position("/a/b") == (1, 8)
    assert smap.position("/c/1") == smap.position("/c/1")
