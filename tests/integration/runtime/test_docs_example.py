"""The example in docs/runtime.md runs as written, against a real broker and registry."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from accord.devstack.pytest_plugin import BrokerEndpoint, RegistryEndpoint
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

DOC = ROOT / "docs" / "runtime.md"


def example_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Example", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "docs/runtime.md lost its example"
    return match.group(1)


def test_the_documented_example_runs(
    accord_broker: BrokerEndpoint, accord_registry: RegistryEndpoint, tmp_path: Path
) -> None:
    script = tmp_path / "example.py"
    script.write_text(example_code(), encoding="utf-8")
    env = {
        **os.environ,
        "ACCORD_BOOTSTRAP_SERVERS": accord_broker.bootstrap_servers,
        "ACCORD_REGISTRY_URL": accord_registry.url,
        "PYTHONPATH": str(ROOT),  # for the generated services.*.contracts packages
    }
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert "event(s) processed by the order service" in done.stdout.decode()
    assert (tmp_path / "user.db").exists()
    assert (tmp_path / "order.db").exists()
    assert b'"logger": "accord.runtime' in done.stderr  # structured logs on stderr
