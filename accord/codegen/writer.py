"""Formatting, drift checks and atomic writes of generated files.

Generated source is normalised by ruff (import order, then ``ruff format``) with fixed,
isolated settings, so the bytes depend only on the input and on the pinned ruff version, never
on the surrounding project's configuration. Every module must compile before anything is
written; files are replaced atomically (temporary file in the same folder, then rename), so a
failed run never leaves a half-written package.
"""

from __future__ import annotations

import difflib
import importlib
import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from accord.errors import CodegenError

RUFF_SETTINGS = ("--isolated", "--line-length", "100", "--target-version", "py311")


def ruff_binary() -> str:
    """The ruff executable of the installed ``ruff`` package (pinned with accord)."""
    try:
        module = importlib.import_module("ruff.__main__")
        return str(module.find_ruff_bin())
    except (ImportError, FileNotFoundError):  # pragma: no cover - ruff is a dependency
        raise CodegenError(
            "ruff is needed to format generated code", hint="pip install ruff"
        ) from None


def _ruff(args: list[str], source: str, name: str) -> str:
    result = subprocess.run(
        [ruff_binary(), *args, *RUFF_SETTINGS, "--stdin-filename", name, "-"],
        input=source,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout:
        raise CodegenError(
            f"internal error: ruff could not format the generated {name}: {result.stderr.strip()}",
            hint="this is a bug in accord's code generator; please report it with the schema",
        )
    return result.stdout


def format_source(source: str, name: str) -> str:
    """``source`` compiled (as a safety net), import-sorted and formatted by ruff."""
    try:
        compile(source, name, "exec")
    except (SyntaxError, ValueError) as exc:
        raise CodegenError(
            f"internal error: the generated {name} does not compile: {exc}",
            hint="this is a bug in accord's code generator; please report it with the schema",
        ) from None
    sorted_source = _ruff(["check", "--fix", "--select", "I,RUF022", "--quiet"], source, name)
    return _ruff(["format", "--quiet"], sorted_source, name)


@dataclass(frozen=True)
class GeneratedFile:
    path: Path  # absolute
    shown: str  # as printed to users (relative to the manifest folder)
    content: str

    def current(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, UnicodeDecodeError):
            return None

    def stale(self) -> bool:
        return self.current() != self.content

    def diff(self) -> str:
        """A unified diff from the file on disk to the generated content."""
        old = self.current()
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            self.content.splitlines(keepends=True),
            fromfile=f"a/{self.shown}" if old is not None else "/dev/null",
            tofile=f"b/{self.shown}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def write_atomic(path: Path, content: str) -> None:
    """Replace ``path`` with ``content`` in one rename (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        # mkstemp makes the file private; generated code is as readable as any source file.
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(files: Iterable[GeneratedFile]) -> list[GeneratedFile]:
    """Write the stale files; returns those written (unchanged files are not touched)."""
    written = []
    for f in files:
        if f.stale():
            write_atomic(f.path, f.content)
            written.append(f)
    return written
