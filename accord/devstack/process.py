"""A child process whose output streams to a log file, and its clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from accord.devstack.ports import wait_until


@dataclass
class ManagedProcess:
    """A started child: its argv, pid and log file. ``stop()`` sends SIGTERM, then SIGKILL."""

    name: str
    argv: tuple[str, ...]
    log_file: Path
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_reason(self) -> str | None:
        """None while running; otherwise why it stopped, with the tail of its log."""
        code = self.popen.poll()
        if code is None:
            return None
        return f"{self.name} exited with code {code}; last log lines:\n{tail(self.log_file)}"

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the process to stop; kill it if it has not stopped after ``timeout``."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def kill(self) -> None:
        """SIGKILL: for fault tests (a crash, not a shutdown)."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


def start(
    name: str,
    argv: list[str],
    log_file: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> ManagedProcess:
    """Start ``argv`` with stdout and stderr appended to ``log_file`` (created with its folder).

    The child gets its own session, so a Ctrl-C in the terminal that ran ``accord dev up``
    does not reach it; ``accord dev down`` stops it.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        popen = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    return ManagedProcess(name=name, argv=tuple(argv), log_file=log_file, popen=popen)


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pid_runs(pid: int, marker: str) -> bool:
    """Whether ``pid`` is alive and (where /proc exists) its command line contains ``marker``."""
    if not pid_alive(pid) or _is_zombie(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc: trust the pid
    except OSError:
        return True
    return marker.encode() in cmdline


def stop_pid(pid: int, timeout: float = 10.0) -> bool:
    """Stop a process we did not start in this interpreter (from the state file): SIGTERM,
    wait up to ``timeout``, then SIGKILL. Returns whether it was running."""
    if not pid_alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    try:
        wait_until(
            lambda: not pid_alive(pid) or _is_zombie(pid),
            timeout=timeout,
            what=f"process {pid} to exit",
        )
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
    return True


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file ("" when it is missing)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
