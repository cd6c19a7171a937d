"""The contracts model: the one intermediate representation every part of accord reads.

``accord.contracts.load()`` builds a :class:`Contracts` from ``accord.yaml`` and the schema
files it names; lint, compat, codegen and the registry client only ever see these frozen
records. Derived values (canonical forms, fingerprints, source maps) are computed once, on
first use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from accord.contracts.positions import SourceMap, nearest
from accord.diagnostics import Location


class SchemaFormat(StrEnum):
    """The schema language; values are Confluent's ``schemaType`` spellings."""

    AVRO = "AVRO"
    JSON = "JSON"

    @classmethod
    def for_path(cls, path: Path | str) -> SchemaFormat | None:
        suffix = Path(path).suffix.lower()
        return {".avsc": cls.AVRO, ".json": cls.JSON}.get(suffix)


class Level(StrEnum):
    """Confluent's seven compatibility levels.

    BACKWARD: a reader using the new schema can read data written with the previous one
    (upgrade consumers first). FORWARD: a reader using the previous schema can read data
    written with the new one (upgrade producers first). FULL: both. ``_TRANSITIVE``: against
    every earlier version instead of only the latest.
    """

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def backward(self) -> bool:
        """Whether the new schema must read data written with the previous ones."""
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        """Whether the previous schemas must read data written with the new one."""
        return self.value.startswith(("FORWARD", "FULL"))

    @classmethod
    def parse(cls, value: str) -> Level:
        """Case-insensitive; ``ValueError`` naming the valid levels otherwise."""
        try:
            return cls(value.strip().upper())
        except ValueError:
            valid = ", ".join(level.value for level in cls)
            raise ValueError(f"unknown compatibility level {value!r} (valid: {valid})") from None


class SubjectStrategy(StrEnum):
    """Confluent's subject name strategies, as spelled in the manifest."""

    TOPIC = "topic"  # TopicNameStrategy: <topic>-value; one schema per topic
    RECORD = "record"  # RecordNameStrategy: <record fullname>
    TOPIC_RECORD = "topic_record"  # TopicRecordNameStrategy: <topic>-<record fullname>

    def subject(self, topic: str, record_name: str) -> str:
        if self is SubjectStrategy.TOPIC:
            return f"{topic}-value"
        if self is SubjectStrategy.RECORD:
            return record_name
        return f"{topic}-{record_name}"

    @property
    def allows_several_types_per_topic(self) -> bool:
        return self is not SubjectStrategy.TOPIC


@dataclass(frozen=True, eq=False)
class Schema:
    """One schema document: its text, parsed JSON, and where it came from.

    ``name`` is the Avro full name of the top-level named type, or the JSON Schema ``title``
    (Confluent's record name for JSON Schema), or "" when there is none.
    """

    format: SchemaFormat
    text: str
    data: Any
    name: str
    file: str | None = None  # path as shown to users (relative to the manifest's folder)
    path: Path | None = None  # absolute path when the schema came from a file

    @cached_property
    def source_map(self) -> SourceMap:
        return SourceMap(self.text)

    def locate(self, pointer: str, *, value: bool = False) -> Location:
        """A :class:`Location` (file, line, column) for a JSON pointer into this schema."""
        line, column = (
            self.source_map.value_position(pointer) if value else self.source_map.position(pointer)
        )
        return Location(file=self.file, line=line, column=column, pointer=pointer)

    @cached_property
    def avro_definitions(self) -> list[Any]:
        """Every named type an (Avro) schema defines, in the order of definition, as
        ``(node, lazy pointer, full name)``; empty for JSON Schema or an invalid schema.

        Validation finds them on its way (see :func:`accord.contracts.avro.validate_and_index`),
        so a schema read from a file has them already; others work them out on first use.
        """
        from accord.contracts import avro

        if self.format is not SchemaFormat.AVRO:
            return []
        problems, defined = avro.validate_and_index(self.data)
        return [] if problems else defined

    def prime_avro_definitions(self, defined: list[Any]) -> None:
        """Keep the definitions validation found (what :attr:`avro_definitions` would find)."""
        self.__dict__["avro_definitions"] = defined

    @cached_property
    def canonical(self) -> str:
        """The form used for identity: Avro Parsing Canonical Form, or sorted compact JSON."""
        from accord.contracts import avro, jsonschema

        if self.format is SchemaFormat.AVRO:
            return avro.parsing_canonical_form(self.data)
        return jsonschema.canonical_form(self.data)

    @cached_property
    def confluent_canonical(self) -> str:
        """Confluent's canonical string (what a registry stores and compares)."""
        from accord.contracts import avro, jsonschema

        if self.format is SchemaFormat.AVRO:
            return avro.confluent_canonical_string(self.data)
        return jsonschema.canonical_form(self.data)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of :attr:`canonical`: equal for equivalent schemas."""
        return hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()

    @cached_property
    def parsed(self) -> Any:
        """The fastavro-parsed schema (Avro) or the data itself (JSON Schema)."""
        from accord.contracts import avro

        if self.format is SchemaFormat.AVRO:
            return avro.fastavro_parse(self.data)
        return self.data

    def __repr__(self) -> str:
        return f"Schema({self.format.value}, {self.name or self.file!r})"


@dataclass(frozen=True)
class Event:
    """An event type of the manifest: its schema, topic, key field and compatibility level."""

    name: str
    schema: Schema = field(repr=False)
    topic: str
    key: str | None
    compatibility: Level
    subject: str
    owner: str | None = None
    doc: str | None = None
    location: Location = field(default_factory=Location, repr=False, compare=False)


@dataclass(frozen=True)
class Service:
    """A service of the manifest and the events it produces and consumes."""

    name: str
    produces: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    owner: str | None = None
    doc: str | None = None
    location: Location = field(default_factory=Location, repr=False, compare=False)


@dataclass(frozen=True)
class CodegenTarget:
    """Where and how one generator writes (``codegen: {python: {out: ...}}``)."""

    language: str
    out: str  # may contain "{service}"
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, eq=False)
class Contracts:
    """Everything the manifest declares, loaded and checked."""

    root: Path
    manifest_file: str
    version: int
    compatibility: Level
    subject_strategy: SubjectStrategy
    events: Mapping[str, Event]
    services: Mapping[str, Service]
    registry: str | None = None
    codegen: Mapping[str, CodegenTarget] = field(default_factory=lambda: MappingProxyType({}))
    lint: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    positions: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def locate(self, pointer: str) -> Location:
        """Location of a JSON pointer into the manifest (nearest existing ancestor)."""
        line, column = nearest(self.positions, pointer)
        return Location(file=self.manifest_file, line=line, column=column, pointer=pointer)

    def producers_of(self, event: str) -> list[str]:
        return sorted(s.name for s in self.services.values() if event in s.produces)

    def consumers_of(self, event: str) -> list[str]:
        return sorted(s.name for s in self.services.values() if event in s.consumes)

    def events_on(self, topic: str) -> list[Event]:
        return sorted((e for e in self.events.values() if e.topic == topic), key=lambda e: e.name)

    @property
    def topics(self) -> list[str]:
        return sorted({e.topic for e in self.events.values()})
