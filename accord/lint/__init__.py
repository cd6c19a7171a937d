"""Schema lint: documented rules over Avro, JSON Schema and the manifest's topology.

>>> result = lint("accord.yaml")                # doctest: +SKIP
>>> result.failed, len(result.diagnostics)      # doctest: +SKIP
(False, 0)

:func:`lint` loads the contracts, applies the configuration (``lint:`` in accord.yaml,
``select`` / ``ignore``) and returns a :class:`LintResult`; ``result.report()`` is what the
renderers of :mod:`accord.report` take. :func:`all_rules` lists the rules.
"""

from __future__ import annotations

from accord.lint.config import LintConfig, Options, config_problems, read_config
from accord.lint.engine import LintResult, lint, run
from accord.lint.registry import Rule, all_rules

__all__ = [
    "LintConfig",
    "LintResult",
    "Options",
    "Rule",
    "all_rules",
    "config_problems",
    "lint",
    "read_config",
    "run",
]
