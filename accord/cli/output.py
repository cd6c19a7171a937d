"""Where command output goes: data on stdout, diagnostics on stderr; exit codes 0/1/2.

Every command body is wrapped in :func:`guarded`, so an :class:`~accord.errors.AccordError`
ends the command with its message on stderr and its exit code (2 for bad input), and an
unexpected exception prints one line asking for a bug report instead of a traceback
(``ACCORD_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from accord.errors import EXIT_INPUT, AccordError

P = ParamSpec("P")
R = TypeVar("R")


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def stdout_console() -> Console:
    return Console(file=sys.stdout, no_color=_no_color(), highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    return Console(file=sys.stderr, no_color=_no_color(), highlight=False, soft_wrap=True)


def data(text: str) -> None:
    """Write command output (the result) to stdout."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def emit_json(value: Any) -> None:
    """Write a JSON document to stdout (stable key order, UTF-8)."""
    data(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def info(message: str) -> None:
    """A diagnostic line for people, on stderr (never mixed into machine-readable output)."""
    stderr_console().print(message, markup=False, highlight=False)


def error(message: str) -> None:
    stderr_console().print(message, style="red", markup=False, highlight=False)


def fail(exc: AccordError) -> typer.Exit:
    error(exc.render())
    return typer.Exit(exc.exit_code)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn accord's errors into messages + exit codes, and crashes into a short report."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except AccordError as exc:
            raise fail(exc) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("ACCORD_DEBUG"):
                traceback.print_exc()
            error(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "  this is a bug in accord; run again with ACCORD_DEBUG=1 for the traceback"
                " and report it"
            )
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper
