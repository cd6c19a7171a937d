"""The dev stack's state file: where the broker and registry listen, their pids and logs."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from accord.errors import InputError

DEFAULT_STATE_DIR = Path(".accord") / "dev"
STATE_FILE = "state.json"


@dataclass(frozen=True)
class PartState:
    """One started part: ``address`` is the bootstrap servers (broker) or the URL (registry)."""

    name: str
    address: str
    pid: int
    log_file: str


@dataclass(frozen=True)
class StackState:
    """What ``accord dev up`` started."""

    started_at: str
    broker: PartState
    registry: PartState | None = None

    @property
    def parts(self) -> tuple[PartState, ...]:
        return (self.broker,) if self.registry is None else (self.broker, self.registry)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "started_at": self.started_at,
            "broker": asdict(self.broker),
            "registry": asdict(self.registry) if self.registry else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StackState:
        registry = data.get("registry")
        return cls(
            started_at=str(data["started_at"]),
            broker=PartState(**data["broker"]),
            registry=PartState(**registry) if registry else None,
        )


def state_path(state_dir: Path) -> Path:
    return state_dir / STATE_FILE


def read_state(state_dir: Path) -> StackState | None:
    """The recorded state, or None when nothing was started here."""
    path = state_path(state_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return StackState.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError.at(
            f"the dev stack state file is unreadable ({exc})",
            file=str(path),
            fix=f"stop any broker/registry you started by hand and delete {path}",
        ) from None


def write_state(state_dir: Path, state: StackState) -> None:
    """Write atomically (temp file + rename): a reader never sees half a file."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=state_dir, prefix=".state.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state.to_dict(), out, indent=2)
        out.write("\n")
    os.replace(tmp, state_path(state_dir))


def remove_state(state_dir: Path) -> None:
    state_path(state_dir).unlink(missing_ok=True)
