"""What a rule sees: one element of a schema or of the manifest, and what it reports.

Each element kind is a small record built by :mod:`accord.lint.walk`; a rule declares the kind
it examines (``@rule(..., on=AvroField)``) and receives one element at a time. Elements are
internal traversal views, built in the tens of thousands per run: msgspec Structs, which are
made and freed in C, untracked by the cycle collector (they form no cycles);
:class:`Finding` is what a rule returns: a message at a JSON pointer of one document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import msgspec

from accord.contracts import Contracts, Event, Schema, SchemaFormat, Service
from accord.contracts import pointer as jp
from accord.contracts.sources import PreviousEvent, Snapshot
from accord.diagnostics import Location

if TYPE_CHECKING:  # config imports the registry, which imports this module
    from accord.lint.config import Options


class Document(msgspec.Struct, frozen=True, eq=False, gc=False):
    """A file findings point into: one schema, or the manifest (one per file and run)."""

    file: str | None
    schema: Schema | None = None
    contracts: Contracts | None = None
    event: str | None = None  # the manifest event whose schema this is
    _refs: dict[str, Any] = msgspec.field(default_factory=dict)

    def resolve(self, ref: str) -> Any:
        """The node a local ``$ref`` (``#/...``) names in the schema; None if there is none.

        Looked up once per document: the properties of one schema share a few definitions.
        """
        if ref not in self._refs:
            node = None
            # Only JSON pointers ("#", "#/..."); an anchor ("#name") names no pointer.
            if self.schema is not None and (ref == "#" or ref.startswith("#/")):
                with suppress(KeyError):
                    node = jp.resolve(self.schema.data, ref[1:])
            self._refs[ref] = node
        return self._refs[ref]

    @property
    def path(self) -> Path | None:
        """The absolute path of the file (for ``ignore`` paths and PATH filters)."""
        if self.schema is not None:
            return self.schema.path
        return Path(self.file).resolve() if self.file else None

    def locate(self, pointer: str) -> Location:
        if self.schema is not None:
            return self.schema.locate(pointer)
        if self.contracts is not None:
            return self.contracts.locate(pointer)
        return Location(file=self.file, pointer=pointer)


class Finding(NamedTuple):
    """One problem a rule found: what, where (a pointer into ``document``) and what to do."""

    message: str
    pointer: str
    document: Document
    fix: str | None = None


@dataclass(frozen=True, eq=False)
class Context:
    """What every element of one run shares: the options and the previous versions."""

    options: Options
    contracts: Contracts | None = None
    snapshot: Snapshot | None = None

    @cached_property
    def producers(self) -> dict[str, list[str]]:
        """Event name -> the services producing it, sorted (indexed once per run)."""
        return self._index("produces")

    @cached_property
    def consumers(self) -> dict[str, list[str]]:
        """Event name -> the services consuming it, sorted."""
        return self._index("consumes")

    def _index(self, role: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.contracts is not None:
            for name in sorted(self.contracts.services):
                for event in getattr(self.contracts.services[name], role):
                    out.setdefault(event, []).append(name)
        return out

    def previous(self, event: str | None) -> PreviousEvent | None:
        if self.snapshot is None or event is None:
            return None
        return self.snapshot.events.get(event)


class Element(msgspec.Struct, gc=False, eq=False):
    """Base of every element: the document it sits in, the run context, where it is.

    ``where`` is a lazy pointer (see :data:`accord.contracts.pointer.Lazy`): a run builds tens of
    thousands of elements and reports a few, so :attr:`pointer` is spelt out on demand.
    """

    KIND: ClassVar[str] = "element"
    doc: Document
    ctx: Context
    where: jp.Lazy

    @property
    def pointer(self) -> str:
        """The JSON pointer of this element in its document."""
        return jp.materialize(self.where)

    def at(self, *tokens: str | int) -> str:
        """A pointer below this element (``field.at("type")`` -> ``/fields/3/type``)."""
        return jp.join(self.pointer, *tokens)

    def finding(
        self, message: str, *, fix: str | None = None, pointer: str | None = None
    ) -> Finding:
        return Finding(message, self.pointer if pointer is None else pointer, self.doc, fix)

    @property
    def options(self) -> Options:
        return self.ctx.options


# --- Avro ---------------------------------------------------------------------------------


class AvroRecord(Element, gc=False, eq=False):
    """A record (or error) definition anywhere in an Avro schema."""

    KIND: ClassVar[str] = "avro record"
    node: dict[str, Any]
    fullname: str
    top: bool  # the schema's top-level type (the event payload)

    @property
    def name(self) -> str:
        return self.fullname.rpartition(".")[2]

    @property
    def namespace(self) -> str:
        return self.fullname.rpartition(".")[0]


class AvroField(Element, gc=False, eq=False):
    """One field of an Avro record (``name`` and ``type`` read from its node once)."""

    KIND: ClassVar[str] = "avro field"
    node: dict[str, Any]
    record: AvroRecord
    name: str
    type: Any


class AvroUnionField(AvroField, gc=False, eq=False):
    """A record field whose type is a union (as optional fields are): each is also an
    :class:`AvroField`, so rules about unions are not called on every other field."""

    KIND: ClassVar[str] = "avro union field"


class AvroEnum(Element, gc=False, eq=False):
    """An enum definition anywhere in an Avro schema."""

    KIND: ClassVar[str] = "avro enum"
    node: dict[str, Any]
    fullname: str
    top: bool

    @property
    def name(self) -> str:
        return self.fullname.rpartition(".")[2]


# --- JSON Schema --------------------------------------------------------------------------


class JsonRoot(Element, gc=False, eq=False):
    """The root of a JSON Schema document."""

    KIND: ClassVar[str] = "JSON Schema document"
    node: dict[str, Any]


class JsonObject(Element, gc=False, eq=False):
    """A subschema that describes an object (``"type": "object"`` or ``properties``)."""

    KIND: ClassVar[str] = "JSON Schema object"
    node: dict[str, Any]
    root: bool = False


class JsonProperty(Element, gc=False, eq=False):
    """One entry of an object's ``properties``."""

    KIND: ClassVar[str] = "JSON Schema property"
    node: Any
    name: str
    owner: JsonObject
    required: bool


class JsonDefinition(Element, gc=False, eq=False):
    """One entry of ``$defs`` (or draft 7's ``definitions``): a named, reusable subschema."""

    KIND: ClassVar[str] = "JSON Schema definition"
    node: Any
    name: str


class JsonEnum(Element, gc=False, eq=False):
    """A subschema with an ``enum`` keyword."""

    KIND: ClassVar[str] = "JSON Schema enum"
    node: dict[str, Any]


# --- format-neutral views -----------------------------------------------------------------


class PayloadFields(Mapping[str, "PayloadField"]):
    """A payload's top-level fields by name, each worked out when a rule first asks for it.

    Rules ask for a few fields (``event_id``, ``occurred_at``, the key) of payloads with
    dozens; ``make(name, raw[name])`` builds one.
    """

    __slots__ = ("_made", "_make", "_raw")

    def __init__(self, raw: dict[str, Any], make: Callable[[str, Any], PayloadField]) -> None:
        self._raw = raw
        self._make = make
        self._made: dict[str, PayloadField] = {}

    def __getitem__(self, name: str) -> PayloadField:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = self._make(name, self._raw[name])
        return made

    def get(self, name: str, default: Any = None) -> Any:
        made = self._made.get(name)
        if made is None:
            if name not in self._raw:
                return default
            made = self._made[name] = self._make(name, self._raw[name])
        return made

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class PayloadField(NamedTuple):
    """A top-level field of an event payload, in terms both schema languages share."""

    name: str
    pointer: str
    types: frozenset[str]  # Avro type names / JSON Schema types, "null" when nullable
    logical: str | None  # Avro logicalType / JSON Schema format
    required: bool  # a value must be present (not optional, not nullable)

    @property
    def nullable(self) -> bool:
        return "null" in self.types


class Payload(Element, gc=False, eq=False):
    """The top-level record / root object of a schema: the event's payload."""

    KIND: ClassVar[str] = "event payload"
    schema: Schema
    fields: Mapping[str, PayloadField] = msgspec.field(default_factory=dict)

    @property
    def avro(self) -> bool:
        return self.schema.format is SchemaFormat.AVRO


# --- manifest -----------------------------------------------------------------------------


class EventElement(Element, gc=False, eq=False):
    """An event of the manifest, with its payload."""

    KIND: ClassVar[str] = "manifest event"
    event: Event
    payload: Payload

    @property
    def contracts(self) -> Contracts:
        assert self.ctx.contracts is not None
        return self.ctx.contracts


class ServiceElement(Element, gc=False, eq=False):
    """A service of the manifest."""

    KIND: ClassVar[str] = "manifest service"
    service: Service


class TopicElement(Element, gc=False, eq=False):
    """A topic and its events in manifest order (pointer: the first event's ``topic``)."""

    KIND: ClassVar[str] = "manifest topic"
    topic: str
    events: list[EventElement]


# --- in-schema suppressions ---------------------------------------------------------------


class Suppression(Element, gc=False, eq=False):
    """One entry of an in-schema suppression (``accord.lint.ignore`` / ``x-accord-lint-ignore``).

    ``scope`` is the pointer of the node carrying it: findings at or below it are suppressed.
    ``problem`` is set when the block itself is malformed (then ``rule`` is None).
    """

    KIND: ClassVar[str] = "in-schema suppression"
    scope: str
    rule: str | None
    reason: Any
    problem: str | None = None
    used: bool = False
    active: bool = True  # the named rule runs in this lint (unused is only reported then)

    def covers(self, pointer: str) -> bool:
        s = self.scope
        return pointer == s or pointer.startswith(s + "/") or s == ""
