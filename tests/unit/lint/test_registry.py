"""The rule registry: one decorator declares a rule, and refuses incomplete declarations."""

from __future__ import annotations

import pytest

from accord.lint.elements import AvroField
from accord.lint.registry import SECTIONS, THEMES, all_rules, parse_docstring, rule

DOC = """Fields have a thing.

## What it does
Checks.

## Why is this bad?
Because.

## Example
x

## Use instead
y

## Fix
Do z.
"""


def test_docstring_sections_are_parsed_in_order() -> None:
    summary, sections = parse_docstring("X_Y", DOC)
    assert summary == "Fields have a thing."
    assert tuple(sections) == SECTIONS
    assert sections["Fix"] == "Do z."


@pytest.mark.parametrize(
    "doc",
    [None, "Only a summary.", DOC.replace("## Fix\nDo z.\n", ""), DOC.replace("Because.", "")],
)
def test_incomplete_docs_are_refused(doc: str | None) -> None:
    with pytest.raises(ValueError, match="needs a summary line and the sections"):
        parse_docstring("X_Y", doc)


def test_declarations_are_checked() -> None:
    def body(field: AvroField) -> None:
        return None

    body.__doc__ = DOC
    with pytest.raises(ValueError, match="UPPER_SNAKE_CASE"):
        rule("lower_case", on=AvroField, categories=("docs",))(body)
    with pytest.raises(ValueError, match="declared twice"):
        rule("AVRO_FIELD_MISSING_DOC", on=AvroField, categories=("docs",))(body)
    with pytest.raises(ValueError, match="categories must include one of"):
        rule("SOME_NEW_RULE", on=AvroField, categories=("avro",))(body)


def test_every_rule_is_documented_and_categorised() -> None:
    rules = all_rules()
    assert len(rules) >= 30
    assert list(rules) == sorted(rules)
    for r in rules.values():
        assert r.categories[0] in THEMES
        assert r.markdown.count("## ") == len(SECTIONS)
        assert r.doc().help_markdown == r.markdown
    themes = {r.categories[0] for r in rules.values()}
    assert themes == set(THEMES)
