"""The three reference services as separate processes, each with its own database."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from accord.devstack import process
from accord.devstack.ports import LOOPBACK, free_port, wait_until
from accord.errors import RuntimeFailure, UsageError
from accord.runtime import Database, open_database

SERVICES = ("user", "order", "inventory")


@dataclass
class RunningService:
    name: str
    port: int
    db: str  # database URL
    proc: process.ManagedProcess

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


def services_root(root: Path) -> Path:
    """The repository folder holding ``services/<name>/``; a clear error elsewhere."""
    missing = [n for n in SERVICES if not (root / "services" / n / "__main__.py").is_file()]
    if missing:
        raise UsageError.at(
            "accord demo runs the reference services of the accord repository, and "
            f"{root / 'services'} lacks {', '.join(missing)}",
            fix="run it from a checkout of accord (where accord.yaml and services/ are)",
        )
    return root


def sqlite_in(work: Path) -> Callable[[str], str]:
    """Each service's database: a SQLite file in the work folder."""
    return lambda name: f"sqlite:///{work / f'{name}.db'}"


def start_services(
    root: Path, work: Path, env: Mapping[str, str], database: Callable[[str], str]
) -> dict[str, RunningService]:
    started: dict[str, RunningService] = {}
    try:
        for name in SERVICES:
            port = free_port()
            db = database(name)
            argv = [
                sys.executable,
                "-m",
                f"services.{name}",
                "--port",
                str(port),
                "--db",
                db,
            ]
            proc = process.start(
                f"{name} service",
                argv,
                work / f"{name}.log",
                env={
                    **env,
                    "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                },
                cwd=root,
            )
            started[name] = RunningService(name, port, db, proc)
    except BaseException:
        stop_services(started)
        raise
    return started


def wait_ready(services: Mapping[str, RunningService], timeout: float = 90.0) -> None:
    """Until every service answers /health with ready (its consumer has its partitions)."""
    for service in services.values():

        def ready(s: RunningService = service) -> bool:
            try:
                return bool(httpx.get(f"{s.url}/health", timeout=2).json().get("ready"))
            except (httpx.HTTPError, ValueError):
                return False

        try:
            wait_until(
                ready,
                timeout=timeout,
                interval=0.1,
                what=f"the {service.name} service to be ready",
                alive=service.proc.exit_reason,
            )
        except TimeoutError as exc:
            raise RuntimeFailure(str(exc), hint=f"see {service.proc.log_file}") from None


def status(services: Mapping[str, RunningService]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, s in services.items():
        try:
            out[name] = httpx.get(f"{s.url}/status", timeout=5).json()
        except (httpx.HTTPError, ValueError):
            out[name] = {}
    return out


def stop_services(services: Mapping[str, RunningService]) -> None:
    for service in reversed(list(services.values())):
        service.proc.stop(timeout=20)


def write_pids(path: Path, services: Mapping[str, RunningService]) -> None:
    path.write_text(
        json.dumps(
            {n: {"pid": s.proc.pid, "url": s.url, "db": s.db} for n, s in services.items()},
            indent=2,
        )
    )


def any_running(path: Path) -> bool:
    """Whether a service recorded in ``path`` (a kept demo) still runs."""
    if not path.is_file():
        return False
    return any(
        process.pid_runs(int(info["pid"]), "services.")
        for info in json.loads(path.read_text()).values()
    )


def stop_pids(path: Path) -> list[str]:
    if not path.is_file():
        return []
    stopped = []
    for name, info in json.loads(path.read_text()).items():
        if process.pid_runs(int(info["pid"]), "services."):
            process.stop_pid(int(info["pid"]))
            stopped.append(name)
    path.unlink()
    return stopped


def user_copy(db: Database, user_id: str) -> tuple[int, str] | None:
    """The order service's copy of one user (version, status), read from its database."""
    try:
        with db.read() as tx:
            rows = tx.query("SELECT version, status FROM users WHERE user_id = ?", (user_id,))
    except Exception:  # the table may not exist yet; the caller polls again
        return None
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def open_databases(services: Mapping[str, RunningService]) -> dict[str, Database]:
    return {name: open_database(s.db) for name, s in services.items()}
