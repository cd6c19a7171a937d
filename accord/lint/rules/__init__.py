"""The built-in rules, one module per theme; importing this package registers them all."""

from __future__ import annotations

from accord.lint.rules import docs, envelope, evolution, naming, suppressions, topology

__all__ = ["docs", "envelope", "evolution", "naming", "suppressions", "topology"]
