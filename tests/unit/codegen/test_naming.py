"""Names and literals: every output is a valid identifier or an exact, unbreakable literal."""

from __future__ import annotations

import ast
import keyword

from hypothesis import given
from hypothesis import strategies as st

from accord.codegen import naming

ANY_TEXT = st.text(max_size=60)  # includes quotes, backslashes, control chars and surrogates


@given(ANY_TEXT)
def test_docstring_literal_holds_the_text_and_cannot_break_out(text: str) -> None:
    literal = naming.docstring(text, indent=4)
    module = ast.parse(f"def f():\n    {literal}\n    return 1\n")
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert len(function.body) == 2  # the docstring and the return: nothing injected
    value = ast.literal_eval(literal)
    # Whitespace is reflowed and over-long words are cut, but no character is lost or added.
    assert "".join(value.split()) == "".join(text.split())


def test_docstring_escapes_triple_quotes_and_backslashes() -> None:
    text = 'ends with a quote" and """ and \\ and \'\'\''
    literal = naming.docstring(text, indent=0)
    assert ast.literal_eval(literal) == text
    assert '"""' not in literal[3:-3]


def test_docstring_wraps_long_lines() -> None:
    literal = naming.docstring(" ".join(["word"] * 100) + " " + '"' * 200, indent=4)
    assert all(len(line) + 4 <= 100 for line in literal.splitlines())


@given(ANY_TEXT)
def test_string_literals_are_exact(text: str) -> None:
    assert ast.literal_eval(naming.py_string(text)) == text
    pieces = naming.py_string_lines(text, width=20)
    assert "".join(ast.literal_eval(p) for p in pieces) == text
    assert all(len(p) <= 20 or len(naming.py_string(ast.literal_eval(p))) == len(p) for p in pieces)


@given(ANY_TEXT)
def test_converted_names_are_identifiers(text: str) -> None:
    for name in (naming.snake(text), naming.pascal(text), naming.member(text)):
        assert name.isidentifier()
        assert name.isascii()


def test_conversions() -> None:
    assert naming.snake("userId") == "user_id"
    assert naming.snake("URLPath") == "url_path"
    assert naming.snake("1st") == "f_1st"
    assert naming.snake("café") == "cafe"
    assert naming.snake("名前") == "u540d_u524d"
    assert naming.pascal("order_line") == "OrderLine"
    assert naming.pascal("HTTPServer") == "HTTPServer"
    assert naming.member("not ok") == "not_ok"
    assert naming.member("") == "EMPTY"


def test_namer_mangles_keywords_reserved_and_clashes_in_order() -> None:
    namer = naming.Namer({"type"})
    assert [namer.claim(w) for w in ("class", "type", "user_id", "user_id", "user_id")] == [
        "class_",
        "type_",
        "user_id",
        "user_id_",
        "user_id_2",
    ]
    assert all(not keyword.iskeyword(n) for n in namer.taken)
