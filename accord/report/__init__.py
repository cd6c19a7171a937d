"""Renderers shared by every checking command (lint, check, compat...).

One module per format, each a ``render(report, *, color=False) -> str`` over one
:class:`Report`; :data:`FORMATS` maps the ``--format`` value to it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from accord.report import github, json, junit, sarif, text
from accord.report.model import Report, RuleDoc

Renderer = Callable[..., str]


class Format(StrEnum):
    """``--format`` values of checking commands."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


FORMATS: dict[str, Renderer] = {
    Format.text: text.render,
    Format.json: json.render,
    Format.sarif: sarif.render,
    Format.github: github.render,
    Format.junit: junit.render,
}


def render(fmt: str, report: Report, *, color: bool = False) -> str:
    """Render ``report`` in format ``fmt`` (one of :class:`Format`)."""
    return FORMATS[fmt](report, color=color)


__all__ = ["FORMATS", "Format", "Renderer", "Report", "RuleDoc", "render"]
