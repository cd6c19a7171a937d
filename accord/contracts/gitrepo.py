"""The few git operations the ``git:REF`` source needs, over the git command line.

Read-only except for one case: in a shallow clone that lacks the history asked for, and only
when a remote exists, :meth:`Repo.deepen` fetches the missing history (``git fetch
--unshallow``), the same thing a CI job would be told to do.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from accord.errors import SourceError

_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def _run(
    args: list[str], cwd: Path, *, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, env=_ENV, check=False
        )
    except FileNotFoundError:
        raise SourceError(
            "git is not installed (needed for --against git:REF)",
            hint="install git, or compare against a directory: --against ../other-checkout",
        ) from None


@dataclass(frozen=True)
class Repo:
    """A git work tree, addressed by its top-level folder."""

    top: Path

    @classmethod
    def find(cls, start: Path) -> Repo | None:
        proc = _run(["rev-parse", "--show-toplevel"], start)
        if proc.returncode != 0:
            return None
        return cls(Path(proc.stdout.decode().strip()).resolve())

    def git(self, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return _run(list(args), self.top, input=input)

    def text(self, *args: str) -> str | None:
        """stdout of a git command, or None when it fails."""
        proc = self.git(*args)
        return proc.stdout.decode("utf-8", "replace").strip() if proc.returncode == 0 else None

    def resolve(self, ref: str) -> str | None:
        """The commit ``ref`` names, or None."""
        return self.text("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")

    @property
    def shallow(self) -> bool:
        return self.text("rev-parse", "--is-shallow-repository") == "true"

    @property
    def remotes(self) -> list[str]:
        out = self.text("remote")
        return out.split() if out else []

    def deepen(self) -> bool:
        """Fetch the full history of a shallow clone from its first remote; True on success."""
        remotes = self.remotes
        if not remotes:
            return False
        proc = self.git("fetch", "--quiet", "--unshallow", "--no-tags", remotes[0])
        return proc.returncode == 0

    def show(self, commit: str, path: str) -> bytes | None:
        """The content of ``path`` at ``commit`` (None when it does not exist there)."""
        proc = self.git("show", f"{commit}:{path}")
        return proc.stdout if proc.returncode == 0 else None

    def history(self, commit: str, path: str) -> list[tuple[str, str]]:
        """``(commit, path at that commit)`` for every commit that changed ``path`` up to
        ``commit``, newest first, following renames."""
        proc = self.git(
            "log", "--follow", "--format=%x00%H", "--name-only", "--no-merges", commit, "--", path
        )
        if proc.returncode != 0:
            return []
        out: list[tuple[str, str]] = []
        for block in proc.stdout.decode("utf-8", "replace").split("\x00")[1:]:
            lines = [line for line in block.splitlines() if line.strip()]
            if len(lines) >= 2:
                out.append((lines[0].strip(), lines[-1].strip()))
        return out

    def blobs(self, specs: list[str]) -> list[bytes | None]:
        """Contents of many ``commit:path`` objects with one ``git cat-file --batch``."""
        if not specs:
            return []
        proc = self.git("cat-file", "--batch", input="".join(s + "\n" for s in specs).encode())
        data, pos = proc.stdout, 0
        out: list[bytes | None] = []
        for _ in specs:
            end = data.index(b"\n", pos)
            header = data[pos:end].decode("utf-8", "replace").split()
            pos = end + 1
            if len(header) < 3 or header[-1] == "missing":
                out.append(None)
                continue
            size = int(header[2])
            out.append(data[pos : pos + size])
            pos += size + 1
        return out

    def merge_base(self, a: str, b: str) -> str | None:
        return self.text("merge-base", a, b)

    def default_branch(self) -> str | None:
        """The remote default branch (``origin/main``...) or a local main/master."""
        head = self.text("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
        if head:
            return head
        for candidate in ("origin/main", "origin/master", "main", "master"):
            if self.resolve(candidate):
                return candidate
        return None
