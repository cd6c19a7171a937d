"""The registry's records: what the store keeps and the service hands to the routes.

All frozen. A *schema* is stored once and named by its global ``id`` (and a ``guid``); a
*subject version* points a (subject, version) pair at a schema id. The same schema under
several subjects, or twice in one subject's history, is one row and one id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

GLOBAL = ""  # the config/mode scope that is not a subject (subjects are never empty)


class SchemaType(StrEnum):
    """Confluent's ``schemaType`` values this registry accepts."""

    AVRO = "AVRO"
    JSON = "JSON"


class Mode(StrEnum):
    """Who may write: everyone (READWRITE), nobody (READONLY), or migrations with ids (IMPORT)."""

    READWRITE = "READWRITE"
    READONLY = "READONLY"
    READONLY_OVERRIDE = "READONLY_OVERRIDE"
    IMPORT = "IMPORT"

    @property
    def writable(self) -> bool:
        return self in (Mode.READWRITE, Mode.IMPORT)


@dataclass(frozen=True, slots=True)
class Reference:
    """A schema reference: ``name`` as the referring schema spells it, and where it lives."""

    name: str
    subject: str
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "subject": self.subject, "version": self.version}


@dataclass(frozen=True, slots=True)
class NewSchema:
    """A validated schema ready to be stored (made by :mod:`accord.registry.schemas`).

    ``fingerprint`` identifies the stored form (type, text, references, metadata, rule set);
    ``normal_fingerprint`` identifies its normalised form, so ``normalize=true`` lookups find
    schemas registered without it.
    """

    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    fingerprint: str
    normal_fingerprint: str
    guid: str
    metadata: Mapping[str, Any] | None = None
    rule_set: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredSchema(NewSchema):
    """A schema as stored, with its global id."""

    id: int = field(kw_only=True)

    @classmethod
    def of(cls, new: NewSchema, schema_id: int) -> StoredSchema:
        return cls(**{f.name: getattr(new, f.name) for f in fields(NewSchema)}, id=schema_id)

    def to_dict(self) -> dict[str, Any]:
        """The body of ``GET /schemas/ids/{id}`` (Confluent omits AVRO and empty lists)."""
        body: dict[str, Any] = {"schema": self.text}
        if self.schema_type is not SchemaType.AVRO:
            body["schemaType"] = self.schema_type.value
        if self.references:
            body["references"] = [r.to_dict() for r in self.references]
        if self.metadata is not None:
            body["metadata"] = dict(self.metadata)
        if self.rule_set is not None:
            body["ruleSet"] = dict(self.rule_set)
        body["guid"] = self.guid
        return body


@dataclass(frozen=True, slots=True)
class SubjectVersion:
    """One version of one subject, soft-deleted or not, with its schema."""

    subject: str
    version: int
    deleted: bool
    schema: StoredSchema = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A Confluent ``RegisteredSchema``: subject, version, id, schema, ..."""
        body = {"subject": self.subject, "version": self.version, "id": self.schema.id}
        body.update(self.schema.to_dict())
        return body


@dataclass(frozen=True, slots=True)
class Usage:
    """Where a schema id is used: (subject, version), without loading the schema again."""

    subject: str
    version: int
    deleted: bool
