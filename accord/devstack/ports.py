"""Loopback ports and waiting for things to answer (poll with a deadline, never a blind sleep)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from accord.errors import RuntimeFailure

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def require_free(host: str, port: int, what: str) -> None:
    """:class:`RuntimeFailure` naming ``what`` when ``host:port`` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do: connections of a previous run in TIME_WAIT do not make it busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise RuntimeFailure(
                f"cannot start the {what} on {host}:{port}: {exc.strerror or exc}",
                hint="pick another port, or leave the option out to use a free one",
            ) from None


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.02,
    what: str = "condition",
    alive: Callable[[], str | None] | None = None,
) -> None:
    """Poll ``condition`` until it is true; ``TimeoutError`` naming ``what`` after ``timeout``.

    ``alive`` (optional) returns a reason to give up early, e.g. "the process exited (code 1)",
    so a crashed child is reported at once instead of after the whole timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if alive is not None and (reason := alive()) is not None:
            raise TimeoutError(f"gave up waiting for {what}: {reason}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not reached within {timeout:g} s")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.25)
