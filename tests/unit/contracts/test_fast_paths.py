"""Shortcuts of the loader answer like the long way: real paths resolved per folder, paths
shown without relpath's work, the JSON Schema ``$ref`` check read from the text."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.contracts import avro
from accord.contracts import jsonschema as js
from accord.contracts import pointer as jp
from accord.contracts.loader import RealPaths, display_path
from tests.conftest import ROOT


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """real/a.avsc, a symlinked folder, a symlinked file, a relative symlink."""
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "a.avsc").write_text("{}")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.avsc").symlink_to(tmp_path / "real" / "a.avsc")
    (tmp_path / "real" / "sub" / "c.avsc").symlink_to(Path("..") / "a.avsc")
    return tmp_path


PATHS = [
    "a.avsc",
    "./a.avsc",
    "b.avsc",
    "sub/c.avsc",
    "../link/a.avsc",
    "../link/../real/b.avsc",
    "../link//sub/../a.avsc",
    "missing/x.avsc",
    ".",
    "..",
    "sub/..",
]


@pytest.mark.parametrize("cwd", ["real", "link", "."])
def test_real_paths_are_what_resolve_gives(
    tree: Path, cwd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / cwd)
    real_paths = RealPaths()
    for text in [*PATHS, str(tree / "link" / "b.avsc"), str(tree / "real" / "a.avsc")]:
        for path in (text, Path(text)):
            for _ in range(2):  # the second time from the remembered folder
                assert real_paths(path) == Path(path).resolve(), path


def _relpath_way(path: Path | str) -> str:
    """display_path as it was: relpath, unless that leaves the working directory."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


@pytest.mark.parametrize("cwd", ["real", "link", "real/sub", "."])
def test_paths_are_shown_as_relpath_shows_them(
    tree: Path, cwd: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / cwd)
    candidates = [*PATHS, "/", str(tree), str(tree) + "/", str(tree / "real" / "a.avsc")]
    candidates += [str(tree / "link" / "x"), str(tree) + "x/y", "//x/y", "..x/y"]
    for text in candidates:
        for path in (text, Path(text)):
            assert display_path(path) == _relpath_way(path), path  # type: ignore[arg-type]


def _json_corpus() -> list[Any]:
    data = ROOT / "tests" / "data" / "conformance"
    out: list[Any] = []
    for name in ("json-cases.json", "json-cases-karapace.json"):
        for case in json.loads((data / name).read_text()):
            out += [case["old"], case["new"]]
    out += [json.loads(p.read_text()) for p in (ROOT / "schemas").rglob("*.json")]
    return [s for s in out if isinstance(s, dict)]


def _with_refs(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema, and copies with references that resolve, that do not, that hide in
    data keywords, that are anchors or point elsewhere."""
    refs = [
        {"$ref": "#"},
        {"$ref": "#/nowhere"},
        {"$ref": "#/properties"},
        {"$dynamicRef": "#/$defs/missing"},
        {"$ref": "#anchor"},
        {"$ref": "other.json#/x"},
        {"$ref": "#/$defs/a%20b"},
        {"$ref": "#/a~1b"},
    ]
    out = [schema]
    for ref in refs:
        out.append({**schema, "properties": {"p": ref}})
        out.append({**schema, "enum": [ref], "$defs": {"a b": {}}, "a/b": {}})
        out.append({**schema, "default": ref})
    return out


def test_the_ref_check_from_the_text_agrees_with_the_walk() -> None:
    checked = 0
    for schema in _json_corpus():
        for variant in _with_refs(schema):
            walked = js.validate(variant)
            for text in (
                json.dumps(variant),
                json.dumps(variant, indent=2),
                json.dumps(variant, ensure_ascii=True).replace("/", "\\/"),
            ):
                assert js.validate(variant, text) == walked
                checked += 1
    assert checked > 1000


def test_broken_refs_keep_their_pointer() -> None:
    schema = {"properties": {"a/b": {"$ref": "#/$defs/gone"}}, "$defs": {}}
    [problem] = js.validate(schema, json.dumps(schema))
    assert problem.pointer == jp.join("/properties", "a/b", "$ref")
    assert problem.message == "$ref '#/$defs/gone' points at nothing in this document"


_AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("aZ_09.é\n -$١ſK"), max_size=6) | st.text(max_size=4))
def test_avro_name_tests_are_the_specifications_regular_expressions(text: str) -> None:
    assert avro.is_name(text) == bool(_AVRO_NAME.fullmatch(text))
    parts = text.split(".")
    assert avro.is_namespace(text) == all(_AVRO_NAME.fullmatch(p) for p in parts)
