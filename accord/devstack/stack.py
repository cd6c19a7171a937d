"""``accord dev up | down | status``: the broker and the registry as background processes.

``up`` starts both on free loopback ports (or the given ones), waits until both answer, and
records where they listen in ``.accord/dev/state.json``; their output goes to
``.accord/dev/broker.log`` and ``registry.log``. ``down`` stops what the state file names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from accord.devstack import process
from accord.devstack.broker import STORAGE_NOTE, kafka_answers, start_broker
from accord.devstack.registry import registry_answers, start_registry
from accord.devstack.state import PartState, StackState, read_state, remove_state, write_state

Progress = Callable[[str], None]
# What each part's command line contains: a pid from an old state file may have been reused by
# an unrelated process, which must never be signalled.
_MARKERS = {"broker": "tansu", "registry": "accord"}


@dataclass(frozen=True)
class PartStatus:
    """One part as ``status`` sees it."""

    name: str
    address: str
    pid: int
    log_file: str
    running: bool  # the process exists
    answering: bool  # it answers its protocol (Kafka metadata / GET /subjects)

    @property
    def healthy(self) -> bool:
        return self.running and self.answering


@dataclass(frozen=True)
class StackStatus:
    state_dir: str
    started_at: str | None
    parts: tuple[PartStatus, ...]
    note: str = STORAGE_NOTE

    @property
    def up(self) -> bool:
        return bool(self.parts) and all(p.healthy for p in self.parts)


def up(
    state_dir: Path,
    *,
    broker_port: int | None = None,
    registry_port: int | None = None,
    registry_store: str | None = None,
    with_registry: bool = True,
    progress: Progress = lambda _msg: None,
) -> tuple[StackState, bool]:
    """Start the stack (or find it running). Returns the state and whether it was started now.

    A half-started stack is stopped again: either both parts run, or none does.
    """
    existing = read_state(state_dir)
    if existing is not None:
        if all(process.pid_runs(p.pid, _MARKERS[p.name]) for p in existing.parts):
            return existing, False
        progress("a previous dev stack is gone; cleaning up its state")
        _stop_parts(existing)
        remove_state(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    progress("starting the Tansu broker")
    broker = start_broker(state_dir / "broker.log", port=broker_port)
    progress(f"broker answers on {broker.bootstrap_servers}")
    registry_part = None
    if with_registry:
        store = registry_store or f"sqlite:///{(state_dir / 'registry.db').resolve()}"
        progress("starting the schema registry")
        try:
            registry = start_registry(state_dir / "registry.log", store, port=registry_port)
        except BaseException:
            broker.stop()
            raise
        progress(f"registry answers on {registry.url}")
        registry_part = PartState(
            "registry", registry.url, registry.pid, str(registry.proc.log_file)
        )
    state = StackState(
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        broker=PartState("broker", broker.bootstrap_servers, broker.pid, str(broker.proc.log_file)),
        registry=registry_part,
    )
    write_state(state_dir, state)
    return state, True


def down(state_dir: Path, *, progress: Progress = lambda _msg: None) -> StackState | None:
    """Stop what the state file names and remove it. None when nothing was running."""
    state = read_state(state_dir)
    if state is None:
        return None
    for part in reversed(state.parts):
        progress(f"stopping the {part.name} (pid {part.pid})")
    _stop_parts(state)
    remove_state(state_dir)
    return state


def status(state_dir: Path) -> StackStatus:
    state = read_state(state_dir)
    if state is None:
        return StackStatus(state_dir=str(state_dir), started_at=None, parts=())
    return StackStatus(
        state_dir=str(state_dir),
        started_at=state.started_at,
        parts=tuple(_part_status(p) for p in state.parts),
    )


def _part_status(part: PartState) -> PartStatus:
    running = process.pid_runs(part.pid, _MARKERS[part.name])
    answering = running and (
        kafka_answers(part.address) if part.name == "broker" else registry_answers(part.address)
    )
    return PartStatus(part.name, part.address, part.pid, part.log_file, running, answering)


def _stop_parts(state: StackState) -> None:
    for part in reversed(state.parts):  # reverse start order
        if process.pid_runs(part.pid, _MARKERS[part.name]):
            process.stop_pid(part.pid)
