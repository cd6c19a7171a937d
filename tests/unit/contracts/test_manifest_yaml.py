"""accord.yaml's fast path (libyaml nodes, YAML 1.2 scalars, jsonschema-rs first) reads
exactly what ruamel's round trip and the Python validator read: the same data, the same
line:column of every key and item, the same problems."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.contracts import manifest
from tests.conftest import ROOT

MANIFESTS = sorted(
    [ROOT / "accord.yaml", *(ROOT / "tests" / "unit" / "lint" / "cases").glob("*/*/accord.yaml")]
)

# Lines that exercise YAML's corners: scalars YAML 1.1 and 1.2 read differently, tags,
# anchors, merge keys, directives, flow collections, block scalars, comments...
ODD_LINES = [
    "x: [1, 2\n",
    "  - a\n",
    "\t\n",
    "y: &a 1\n",
    "z: *a\n",
    "? k\n",
    "k: !!str 1\n",
    "k: 0x1F\n",
    "k: 1_000\n",
    "k: yes\n",
    "k: No\n",
    "k: on\n",
    "k: ~\n",
    "k: 2020-01-01\n",
    "k: .inf\n",
    "'q': \"\\u00e9\"\n",
    "k: |\n  a\n  b\n",
    "--- \n",
    "...\n",
    "k: {a: 1, a: 2}\n",
    "<<: {a: 1}\n",
    "k: 1e3\n",
    "k: +1\n",
    "k: 012\n",
    "k: 0o12\n",
    "k: .NaN\n",
    "k: Null\n",
    "k: TRUE\n",
    "k: 1:20\n",
    "k: 0b101\n",
    "\"k\": 'v'\n",
    "k: -.5\n",
    "k: !foo x\n",
    "%YAML 1.1\n---\n",
    "1: one\n",
    "true: yes\n",
    "null: x\n",
    "k: =\n",
    "k: 'it''s'\n",
    "k: >-\n  folded\n  text\n",
    "k: [a, {b: c}]\n",
    "k: -0\n",
    "k: 00\n",
    "k: +0\n",
    "k: 12345678901234567890123\n",
    "k: a # comment\n",
    "k: 'a: b'\n",
]


def _mutations(text: str, count: int, rng: random.Random) -> list[str]:
    lines = text.splitlines(keepends=True)
    out = []
    for _ in range(count):
        ls = list(lines)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(ls))
            op = rng.randrange(6)
            if op == 0:
                del ls[i]
            elif op == 1:
                ls.insert(i, ls[rng.randrange(len(ls))])
            elif op == 2:
                ls[i] = " " + ls[i]
            elif op == 3:
                ls[i] = ls[i].replace(":", "", 1)
            else:
                ls.insert(i, rng.choice(ODD_LINES))
        out.append("".join(ls))
    return out


def _read(path: Path) -> tuple[Any, list[Any]]:
    raw, problems = manifest.read(path, "accord.yaml")
    return (None if raw is None else (raw.data, raw.positions)), problems


def _both_ways(path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text(text, encoding="utf-8")
    fast = _read(path)
    with monkeypatch.context() as m:
        m.setattr(manifest, "_read_fast", lambda text: None)
        m.setattr(manifest, "_valid_fast", lambda data: False)
        slow = _read(path)
    assert repr(fast) == repr(slow)  # repr: 1 vs True, and the order of keys, count too


def test_the_usual_manifests_take_the_fast_path() -> None:
    for path in MANIFESTS:
        assert manifest._read_fast(path.read_text(encoding="utf-8")) is not None, path
    events = "".join(
        f"  E{i}:\n    schema: s/E{i}.avsc\n    topic: t.{i % 7}\n    key: id\n" for i in range(300)
    )
    assert manifest._read_fast(f"version: 1\nevents:\n{events}") is not None


@pytest.mark.parametrize(
    "path", MANIFESTS, ids=lambda p: p.parent.name + "/" + p.parent.parent.name
)
def test_manifests_and_their_mutations_read_the_same(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.as_posix())
    for variant in [text, *_mutations(text, 12, rng)]:
        _both_ways(tmp_path / "accord.yaml", variant, monkeypatch)


@pytest.mark.parametrize("line", ODD_LINES)
def test_odd_lines_read_the_same(
    line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both_ways(tmp_path / "accord.yaml", "version: 1\n" + line, monkeypatch)
    _both_ways(tmp_path / "accord.yaml", "version: 1\nlint:\n  " + line, monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "# only a comment\n",
        "~\n",
        "- a\n- b\n",
        "abc\n",
        "a: b: c\n",
        "{",
        "version: 1\nversion: 1\n",
        "version: 1\r\nevents: {}\r\n",
        "a: 'x\n",
        "\x07: 1\n",
        "version: 1\n---\nversion: 1\n",
        "events:\n  A: {schema: a.avsc}\n  A: {schema: b.avsc}\n",
    ],
)
def test_edge_texts_read_the_same(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both_ways(tmp_path / "accord.yaml", text, monkeypatch)


SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "off",
            "y",
            "~",
            "null",
            "1.0",
            "0x10",
            "010",
            "1_0",
            "2020-01-01",
            "=",
            "<<",
            "a: b",
            "- x",
            "#",
            "é",
            "true",
            ".5",
            "+3",
        ]
    ),
    st.text(max_size=8),
)
DATA = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5) | st.integers(0, 9), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(DATA, st.sampled_from([None, False, True]))
def test_dumped_yaml_reads_the_same(data: Any, flow: bool | None) -> None:
    text = yaml.safe_dump({"version": 1, "lint": data}, default_flow_style=flow, allow_unicode=True)
    fast = manifest._read_fast(text)
    if fast is not None:  # else ruamel reads it: nothing to compare
        assert repr(fast) == repr(_ruamel(text))


def _ruamel(text: str) -> Any:
    def fail(*args: Any, **kwargs: Any) -> tuple[None, list[Any]]:
        return None, ["failed"]

    found, problems = manifest._read_ruamel(text, fail)
    return problems or found
