"""`lint:` in accord.yaml: selection by ID and category, ignored paths, options, located errors."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.errors import ManifestError, UsageError
from accord.lint import all_rules, lint

CASES = Path(__file__).parent / "cases"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A manifest whose OrderConfirmed schema keys on a long (EVENT_KEY_NOT_STRING) and whose
    schemas have findings of several other rules once the defaults run."""
    root = tmp_path / "repo"
    shutil.copytree(CASES / "EVENT_KEY_NOT_STRING" / "fail", root)
    (root / "expected.json").unlink()
    with contextlib.chdir(root):
        yield root


def _with_lint(root: Path, section: str) -> None:
    path = root / "accord.yaml"
    path.write_text(path.read_text() + "lint:\n" + section)


def _rules(**kwargs: object) -> set[str]:
    return {d.rule_id for d in lint("accord.yaml", **kwargs).diagnostics}  # type: ignore[arg-type]


def test_defaults_run_the_default_rules(repo: Path) -> None:
    assert "EVENT_KEY_NOT_STRING" in _rules()
    off = {rid for rid, r in all_rules().items() if not r.default}
    assert off == {"EVENT_MISSING_DOC", "SERVICE_MISSING_DOC"}


def test_use_and_except_take_ids_and_categories(repo: Path) -> None:
    manifest = repo / "accord.yaml"
    manifest.write_text(manifest.read_text().replace("    doc: A service.\n", "", 1))
    base = manifest.read_text()
    _with_lint(repo, "  use: [envelope, SERVICE_MISSING_DOC]\n  except: [EVENT_KEY_MISSING]\n")
    assert _rules() == {"EVENT_KEY_NOT_STRING", "SERVICE_MISSING_DOC"}
    manifest.write_text(base + "lint:\n  use: [all]\n  except: [envelope, naming, topology]\n")
    assert _rules() == {"SERVICE_MISSING_DOC"}


def test_cli_select_replaces_use_and_ignore_subtracts(repo: Path) -> None:
    _with_lint(repo, "  use: [docs]\n")
    assert _rules(select=["envelope"]) == {"EVENT_KEY_NOT_STRING"}
    assert _rules(select=["envelope"], ignore=["EVENT_KEY_NOT_STRING"]) == set()


def test_ignore_paths_and_ignore_only(repo: Path) -> None:
    _with_lint(repo, "  use: [envelope]\n  ignore: [schemas/OrderConfirmed.avsc]\n")
    assert _rules() == set()
    (repo / "accord.yaml").write_text(
        (repo / "accord.yaml").read_text().split("lint:")[0]
        + "lint:\n  use: [envelope]\n  ignore_only:\n    envelope: [schemas]\n"
    )
    assert _rules() == set()


def test_naming_styles_are_configurable(repo: Path) -> None:
    _with_lint(repo, "  use: [TOPIC_NAME_STYLE]\n  naming:\n    topic: '^[a-z]+_[a-z]+$'\n")
    findings = lint("accord.yaml").diagnostics
    assert [d.message for d in findings] == [
        "topic 'order.events' is not the pattern ^[a-z]+_[a-z]+$"
    ]
    _with_lint(repo, "")  # appending an empty section leaves the previous one in force
    (repo / "accord.yaml").write_text(
        (repo / "accord.yaml").read_text().split("lint:")[0]
        + "lint:\n  use: [TOPIC_NAME_STYLE]\n  naming: {topic: kebab-case}\n"
    )
    assert [d.location.pointer for d in lint("accord.yaml").diagnostics] == [
        "/events/OrderPlaced/topic"
    ]


@pytest.mark.parametrize(
    ("section", "line", "message", "hint"),
    [
        ("  uses: [docs]\n", 1, "unknown key 'uses' in `lint`", "did you mean 'use'?"),
        ("  use: [doc]\n", 1, "unknown lint rule or category 'doc'", "did you mean 'docs'?"),
        (
            "  ignore_only:\n    AVRO_FEILD_MISSING_DOC: [schemas]\n",
            2,
            "unknown lint rule or category 'AVRO_FEILD_MISSING_DOC'",
            "did you mean 'AVRO_FIELD_MISSING_DOC'?",
        ),
        (
            "  naming:\n    field: snakecase\n",
            2,
            "unknown naming style 'snakecase'",
            "did you mean 'snake_case'?",
        ),
        ("  naming:\n    feld: snake_case\n", 2, "unknown kind of name 'feld'", "'field'"),
        ("  ignore: [schemas/nope]\n", 1, "ignored path 'schemas/nope' does not exist", "relative"),
        ("  except: 3\n", 1, "`lint.except` must be a list of strings", None),
        ("  naming:\n    topic: '^[a-z'\n", 2, "invalid regular expression", None),
    ],
)
def test_config_errors_are_located_in_the_manifest(
    repo: Path, section: str, line: int, message: str, hint: str | None
) -> None:
    first = len((repo / "accord.yaml").read_text().splitlines()) + 1  # the `lint:` line
    _with_lint(repo, section)
    with pytest.raises(ManifestError) as raised:
        lint("accord.yaml")
    problems = raised.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.rule_id == "lint-config"
    assert problem.location.file == "accord.yaml"
    assert problem.location.line == first + line
    assert message in problem.message
    if hint:
        assert problem.fix
        assert hint in problem.fix


def test_unknown_cli_rule_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError) as raised:
        lint("accord.yaml", ignore=["EVENT_KEY_NOT_STRNG"])
    assert raised.value.hint == "did you mean 'EVENT_KEY_NOT_STRING'?"
