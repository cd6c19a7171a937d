"""The compatibility engine: Confluent Schema Registry semantics for Avro and JSON Schema.

>>> from accord.compat import check                                    # doctest: +SKIP
>>> check(old_schema, new_schema, "FULL_TRANSITIVE").compatible         # doctest: +SKIP

- :func:`check` / :func:`check_versions`: the public API (``accord.compat.check``).
- "Diff first, judge second": the Avro engine (:mod:`accord.compat.avro`, Avro Java's
  ``SchemaCompatibility``) and the JSON Schema engine (:mod:`accord.compat.jsonschema`,
  Confluent's ``SchemaDiff``) turn two schemas into :class:`Change` records; the level and
  the policy decide which of them break.
- :mod:`accord.compat.gate`: the manifest-wide gate behind ``accord check``.
"""

from __future__ import annotations

from accord.compat.change import Change, CompatibilityResult, Direction, Policy, Witness
from accord.compat.check import check, check_versions
from accord.compat.engine import clear_caches

__all__ = [
    "Change",
    "CompatibilityResult",
    "Direction",
    "Policy",
    "Witness",
    "check",
    "check_versions",
    "clear_caches",
]
