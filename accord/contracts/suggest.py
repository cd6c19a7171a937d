"""'Did you mean ...?' suggestions for misspelt keys, names and IDs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), if any is close enough."""
    options = sorted(set(candidates))
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """``"did you mean 'x'?"`` or None."""
    best = closest(word, candidates)
    return f"did you mean {best!r}?" if best else None
