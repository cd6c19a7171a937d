"""The pre-commit hooks run real commands, and the lint docs list every rule."""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from accord.lint import all_rules
from tests.conftest import ROOT, run_cli


def test_pre_commit_hooks_name_existing_commands() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["accord-lint", "accord-check"]
    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("schemas/user/UserCreated.avsc")
    assert pattern.search("accord.yaml")
    assert not pattern.search("README.md")
    for hook in hooks:
        program, command = hook["entry"].split()
        assert program == "accord"
        assert hook["language"] == "python"
        assert run_cli(command, "--help").exit_code == 0


def test_docs_list_every_rule() -> None:
    docs = (ROOT / "docs" / "lint.md").read_text()
    missing = [rid for rid in all_rules() if f"`{rid}`" not in docs]
    assert missing == []
