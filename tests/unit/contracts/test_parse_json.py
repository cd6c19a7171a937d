"""The fast JSON reading answers exactly as the standard one: ``json.loads`` refusing duplicate
keys (``_parse_json_strictly``), and ``Path.read_text`` for the text."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.contracts import parse_json
from accord.contracts.loader import _parse_json_strictly, _read_text, try_read_schema


def _same(text: str) -> None:
    fast, fast_problems = parse_json(text, "f.json")
    slow, slow_problems = _parse_json_strictly(text, "f.json")
    # json.dumps tells 1 from 1.0 and prints NaN, where == would not.
    assert json.dumps(fast) == json.dumps(slow)
    assert fast_problems == slow_problems


KEYS = st.text(alphabet=string.ascii_letters + ':~/ \\"é\u2028', max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=string.printable + "é€😀:", max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from([None, 2]), st.booleans())
def test_valid_json_reads_the_same(value: Any, indent: int | None, ascii_only: bool) -> None:
    _same(json.dumps(value, indent=indent, ensure_ascii=ascii_only))


def _object(members: list[tuple[str, Any]], escape: bool) -> str:
    def key(k: str) -> str:
        return json.dumps(k).replace(":", "\\u003a") if escape else json.dumps(k)

    return "{" + ", ".join(f"{key(k)}: {json.dumps(v)}" for k, v in members) + "}"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "a:b", "c"]), SCALARS), max_size=6), st.booleans()
)
def test_duplicate_keys_are_refused_like_the_standard_reader(
    members: list[tuple[str, Any]], escape: bool
) -> None:
    text = _object(members, escape)
    _same(text)
    _same('{"outer": ' + text + ', "x": "a:b"}')
    duplicated = len({k for k, _ in members}) < len(members)
    assert bool(parse_json(text, "f")[1]) == duplicated


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "a": 2, "b": "\\u003a"}',  # an escaped colon would hide the lost member
        '{"a:b": 1, "a\\u003ab": 2}',
        '{"x": {"k": 1, "k": 1}}',
        '[{"k": 1}, {"k": 1, "k": 1}]',
        '{"a": 123456789012345678901234567890}',  # beyond 64 bits: an int, not a float
        '{"a": -9223372036854775809}',
        '{"a": 18446744073709551616}',
        '{"a": 0.1000000000000000055511151231257827}',
        '{"a": NaN, "b": Infinity, "c": -Infinity}',
        '{"a": 1e400}',
        '{"a": "\\ud800"}',  # a lone surrogate, as an escape
        '{"a": 1}x',
        '{"a": 1,}',
        '{"a" 1}',
        "\ufeff{}",
        "[" * 3000 + "]" * 3000,
        '"just a string"',
        "12",
    ],
)
def test_edge_cases_read_the_same(text: str) -> None:
    _same(text)


def test_a_number_too_long_to_read_is_a_problem_not_a_crash() -> None:
    data, problems = parse_json('{"a": 1' + "0" * 5000 + "}", "f.json")
    assert data is None
    assert [p.rule_id for p in problems] == ["json-invalid"]
    assert "4300 digits" in problems[0].message


def test_duplicates_are_reported_at_the_second_key() -> None:
    data, problems = parse_json('{\n  "a": 1,\n  "a": 2\n}', "f.json")
    assert data is None
    [problem] = problems
    assert problem.rule_id == "json-duplicate-key"
    assert (problem.location.line, problem.location.column, problem.location.pointer) == (
        3,
        3,
        "/a",
    )


@pytest.mark.parametrize(
    "raw",
    [b'{"a": 1}\n', b'{"a": 1}\r\n', b'{\r"a": 1}\r', b"\xef\xbb\xbf{}", b"", b"{\n\r\n}\r\r\n"],
)
def test_reading_gives_the_text_read_text_gives(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(raw)
    text, utf8, link = _read_text(path)
    assert text == path.read_text(encoding="utf-8")
    assert utf8 is None or utf8.decode("utf-8") == text
    assert link is not True


def test_reading_tells_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone.json")
    assert _read_text(tmp_path / "link.json") == ("{}", b"{}", True)
    assert _read_text(tmp_path / "real.json")[2] is False
    schema, _ = try_read_schema(tmp_path / "link.json")
    assert schema is not None
    assert schema.path == tmp_path.resolve() / "real.json"
    _, problems = try_read_schema(tmp_path / "dangling.json")
    assert problems[0].message.endswith("dangling.json does not exist")


def test_unreadable_files_are_explained(tmp_path: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "latin1.json").write_bytes(b'{"a": "\xe9"}')
    messages = {
        name: try_read_schema(tmp_path / name)[1][0].message
        for name in ("dir.json", "latin1.json", "missing.json")
    }
    assert messages["dir.json"].endswith("dir.json is a directory, not a schema file")
    assert messages["latin1.json"] == (
        "schema file is not UTF-8 text (invalid continuation byte at byte 7)"
    )
    assert messages["missing.json"].endswith("missing.json does not exist")
