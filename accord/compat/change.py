"""The records the engine produces: one :class:`Change` per difference, one
:class:`CompatibilityResult` per check.

"Diff first, judge second": the format engines emit every difference they find as a
:class:`Change`; :mod:`accord.compat.levels` then decides, for the level asked for, which of
them break (``Change.breaking``). A change names where it is in both schemas (JSON pointers
into the new and the old document), says in plain words what breaks for whom, and suggests a
fix. Where a counterexample exists, :attr:`Change.witness` holds one: a datum the writer can
produce and the reader cannot read (Avro), or a document the old schema accepts and the new
one rejects (JSON Schema). Witnesses are computed on first access and verified before they
are returned, so the hot paths (registry registrations, consumers meeting a new writer
schema) never pay for them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from accord.contracts.model import Level, SchemaFormat


class Direction(StrEnum):
    """Which reading a change breaks.

    BACKWARD: a reader on the new schema reading data written with an old one (upgrade
    consumers first). FORWARD: a reader on an old schema reading data written with the new
    one (upgrade producers first).
    """

    BACKWARD = "backward"
    FORWARD = "forward"


class Policy(StrEnum):
    """Confluent's JSON Schema compatibility policy (ignored for Avro)."""

    STRICT = "strict"
    LENIENT = "lenient"

    @classmethod
    def parse(cls, value: str | Policy) -> Policy:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise ValueError(f"unknown policy {value!r} (valid: strict, lenient)") from None


@dataclass(frozen=True)
class Witness:
    """A concrete counterexample for a breaking change.

    Avro: ``datum`` is a value the writer schema can encode (fastavro's Python form, union
    branches in tuple notation ``("long", 5)``) that the reader schema cannot decode.
    JSON Schema: ``datum`` is a document the old schema accepts and the new one rejects.
    ``reason`` is what the decoder or validator said when it was checked.
    """

    format: SchemaFormat
    datum: Any
    reason: str

    def to_json(self) -> Any:
        """The datum as JSON (Avro: Avro's JSON encoding, unions as ``{"type": value}``)."""
        if self.format is SchemaFormat.JSON:
            return self.datum
        return _avro_json(self.datum)


def _avro_json(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        inner = _avro_json(value[1])
        return None if value[0] == "null" else {value[0]: inner}
    if isinstance(value, bytes):
        # Avro's JSON encoding maps each byte to the code point of the same value.
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {k: _avro_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_avro_json(v) for v in value]
    return value


def witness_text(witness: Witness) -> str:
    """A compact one-line rendering for messages."""
    try:
        return json.dumps(witness.to_json(), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return base64.b64encode(repr(witness.datum).encode()).decode()


@dataclass(frozen=True)
class Change:
    """One difference between two schemas.

    ``kind`` is accord's name for it (``FIELD_ADDED_WITHOUT_DEFAULT`` for Avro, Confluent's
    Difference type such as ``REQUIRED_ATTRIBUTE_ADDED`` for JSON Schema); ``reference_type``
    is the reference implementation's own name (Avro Java's ``SchemaIncompatibilityType`` or
    Confluent's ``Difference.Type``), ``location`` its location string and ``detail`` its
    message, so a registry can answer exactly as Confluent's does.
    """

    kind: str
    path: str  # JSON pointer into the new schema
    old_path: str  # JSON pointer into the old schema
    message: str
    fix: str | None = None
    breaking: bool = True
    direction: Direction | None = None
    reference_type: str = ""
    location: str = ""
    detail: str = ""
    version: int | None = None  # index into ``previous`` (check_versions), oldest = 0
    _witness: Callable[[], Witness | None] | None = field(
        default=None, repr=False, compare=False, hash=False
    )

    @cached_property
    def witness(self) -> Witness | None:
        """A verified counterexample, or None when there is none (computed on first use)."""
        if self._witness is None or not self.breaking:
            return None
        try:
            return self._witness()
        except (RecursionError, MemoryError):
            return None

    def to_dict(self, *, witness: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "breaking": self.breaking,
            "direction": self.direction.value if self.direction else None,
            "path": self.path,
            "old_path": self.old_path,
            "message": self.message,
            "fix": self.fix,
            "reference_type": self.reference_type,
            "location": self.location,
            "detail": self.detail,
            "version": self.version,
        }
        if witness:
            w = self.witness
            data["witness"] = None if w is None else {"datum": w.to_json(), "reason": w.reason}
        return data


@dataclass(frozen=True)
class CompatibilityResult:
    """The verdict of one check: ``compatible`` and every change found, in a stable order."""

    compatible: bool
    changes: list[Change]
    level: Level
    format: SchemaFormat | None = None
    policy: Policy = Policy.STRICT
    versions_checked: int = 0

    @classmethod
    def make(
        cls,
        compatible: bool,
        changes: list[Change],
        level: Level,
        format: SchemaFormat | None,
        policy: Policy,
        versions_checked: int,
    ) -> CompatibilityResult:
        """The same as the constructor, without its per-field frozen-setattr cost (hot path)."""
        result = object.__new__(cls)
        result.__dict__.update(
            compatible=compatible,
            changes=changes,
            level=level,
            format=format,
            policy=policy,
            versions_checked=versions_checked,
        )
        return result

    @property
    def breaking(self) -> list[Change]:
        """The changes that break the level asked for."""
        return [c for c in self.changes if c.breaking]

    def __bool__(self) -> bool:
        return self.compatible

    def messages(self) -> list[str]:
        """One line per breaking change, in Confluent's verbose style.

        ``{errorType:"...", description:"...", additionalInfo:"..."}`` with the reference
        implementation's type names, so Confluent clients that print them see familiar text.
        """
        out = []
        for c in self.breaking:
            info = c.detail or c.kind
            desc = c.message.replace('"', "'")
            out.append(
                f'{{errorType:"{c.reference_type or c.kind}", description:"{desc}",'
                f' additionalInfo:"{info}"}}'
            )
        return out

    def to_dict(self, *, witness: bool = True) -> dict[str, Any]:
        return {
            "compatible": self.compatible,
            "level": self.level.value,
            "format": self.format.value if self.format else None,
            "policy": self.policy.value,
            "versions_checked": self.versions_checked,
            "changes": [c.to_dict(witness=witness) for c in self.changes],
        }
