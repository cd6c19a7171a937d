"""``accord dev up | status | down`` start, report and stop real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.devstack.broker import kafka_answers
from accord.devstack.process import pid_alive
from accord.devstack.registry import registry_answers
from accord.devstack.state import read_state
from tests.conftest import run_cli

pytestmark = pytest.mark.integration


def test_up_status_down(tmp_path: Path) -> None:
    state_dir = str(tmp_path / "dev")
    up = run_cli("dev", "up", "--state-dir", state_dir, "--format", "json")
    try:
        assert up.exit_code == 0, up.stderr
        started = json.loads(up.stdout)
        assert started["started"] is True
        broker, registry = started["broker"], started["registry"]
        assert kafka_answers(broker["address"])
        assert registry_answers(registry["address"])
        assert "starting the Tansu broker" in up.stderr  # progress on stderr

        again = run_cli("dev", "up", "--state-dir", state_dir)
        assert again.exit_code == 0
        assert "already running" in again.stdout

        status = run_cli("dev", "status", "--state-dir", state_dir, "-f", "json")
        assert status.exit_code == 0
        report = json.loads(status.stdout)
        assert report["up"] is True
        assert "memory" in report["note"]
        assert [p["name"] for p in report["parts"]] == ["broker", "registry"]
        text = run_cli("dev", "status", "--state-dir", state_dir)
        assert "keeps all data in memory" in text.stdout
        assert Path(broker["log_file"]).exists()
    finally:
        down = run_cli("dev", "down", "--state-dir", state_dir)
    assert down.exit_code == 0
    assert "stopped" in down.stdout
    assert not pid_alive(broker["pid"]) or not kafka_answers(broker["address"], timeout=0.5)
    assert read_state(Path(state_dir)) is None
    after = run_cli("dev", "status", "--state-dir", state_dir)
    assert after.exit_code == 1
    assert "no dev stack" in after.stdout


def test_status_reports_a_part_that_died(tmp_path: Path) -> None:
    state_dir = tmp_path / "dev"
    up = run_cli("dev", "up", "--no-registry", "--state-dir", str(state_dir))
    assert up.exit_code == 0, up.stderr
    state = read_state(state_dir)
    assert state is not None
    assert state.registry is None
    from accord.devstack.process import stop_pid

    stop_pid(state.broker.pid, timeout=1)  # the broker crashes behind our back
    status = run_cli("dev", "status", "--state-dir", str(state_dir), "-f", "json")
    assert status.exit_code == 1
    assert json.loads(status.stdout)["parts"][0]["running"] is False
    # `up` notices the dead stack and starts a fresh one.
    restarted = run_cli("dev", "up", "--no-registry", "--state-dir", str(state_dir))
    try:
        assert restarted.exit_code == 0, restarted.stderr
        assert "started" in restarted.stdout
        assert "cleaning up" in restarted.stderr
    finally:
        run_cli("dev", "down", "--state-dir", str(state_dir))


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        up = run_cli("dev", "up", "--no-registry", "--broker-port", str(port),
                     "--state-dir", str(tmp_path / "dev"))  # fmt: skip
    assert up.exit_code == 2
    assert "broker" in up.stderr
    assert "Traceback" not in up.stderr
    assert read_state(tmp_path / "dev") is None


def test_a_corrupt_state_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    state_dir = tmp_path / "dev"
    state_dir.mkdir()
    (state_dir / "state.json").write_text('{"broker": ')
    status = run_cli("dev", "status", "--state-dir", str(state_dir))
    assert status.exit_code == 2
    assert "state.json" in status.stderr
    assert "unreadable" in status.stderr
    assert "delete" in status.stderr
