"""accord's schema registry as a child process (``accord registry serve``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from accord.devstack import process
from accord.devstack.ports import LOOPBACK, free_port, require_free, wait_until
from accord.errors import RuntimeFailure


@dataclass
class Registry:
    """A running registry server."""

    host: str
    port: int
    store: str
    proc: process.ManagedProcess

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        self.proc.stop()


def registry_answers(url: str, timeout: float = 2.0) -> bool:
    """Whether ``GET {url}/subjects`` answers 200 (what every registry client calls first)."""
    import httpx

    try:
        return httpx.get(f"{url.rstrip('/')}/subjects", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def start_registry(
    log_file: Path,
    store: str,
    *,
    port: int | None = None,
    host: str = LOOPBACK,
    timeout: float = 30.0,
) -> Registry:
    """Start ``accord registry serve`` on ``host:port`` (free port by default) with ``store``
    (``sqlite:///PATH`` or ``postgresql://...``) and wait until it answers."""
    if port:
        require_free(host, port, "registry")
    port = port or free_port(host)
    argv = [sys.executable, "-m", "accord", "registry", "serve"]
    argv += ["--host", host, "--port", str(port), "--store", store]
    proc = process.start("registry", argv, log_file)
    registry = Registry(host=host, port=port, store=store, proc=proc)
    try:
        wait_until(
            lambda: registry_answers(registry.url),
            timeout=timeout,
            what=f"the registry at {registry.url}",
            alive=proc.exit_reason,
        )
    except TimeoutError as exc:
        proc.stop()
        raise RuntimeFailure(str(exc), hint=f"see the registry log {log_file}") from None
    return registry
