"""The contract between generated code and the runtime.

Generated event classes (``accord generate``) satisfy :class:`EventType`; generated producers
call a :class:`Publisher`; generated consumers hand :class:`Handler` functions to the runtime's
consumer. Keeping these three shapes here lets codegen and the runtime change independently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, runtime_checkable


@runtime_checkable
class EventType(Protocol):
    """What every generated event class provides (as class attributes and methods).

    Generated classes also have ``kafka_key() -> str | bytes | None`` (the key field's value
    as message-key text: UUIDs in canonical form, enums as their symbol, bytes unchanged),
    ``VALIDATE: ClassVar[bool]`` on JSON Schema events (``codegen.python.validate_json``,
    honoured by the serde) and ``to_primitives()`` / ``from_primitives()`` on Avro events
    (``to_dict`` / ``from_dict`` with logical values as their Avro primitives, which lets the
    serde skip fastavro's logical-type conversions; ``from_dict`` reads both forms). They are
    not part of this protocol, so hand-written event types need not define them.
    """

    EVENT_NAME: ClassVar[str]  # manifest name, e.g. "OrderPlaced"
    TOPIC: ClassVar[str]
    SUBJECT: ClassVar[str]  # registry subject per the manifest's subject_strategy
    SCHEMA_TYPE: ClassVar[str]  # "AVRO" | "JSON" (Confluent's schemaType)
    SCHEMA: ClassVar[str]  # the schema text as registered
    RECORD_NAME: ClassVar[str]  # Avro full name / JSON Schema title ("" if none)
    FINGERPRINT: ClassVar[str]  # accord's fingerprint of the schema (canonical form)
    KEY_FIELD: ClassVar[str | None]  # top-level field whose value is the Kafka key

    def to_dict(self) -> dict[str, Any]:
        """The datum in the form fastavro (Avro) or ``json`` (JSON Schema) accepts."""
        ...

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The inverse of :meth:`to_dict`."""
        ...


@dataclass(frozen=True)
class Metadata:
    """Where a consumed event came from, and the headers it carried."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: Mapping[str, bytes] = field(default_factory=dict)
    schema_id: int | None = None
    timestamp_ms: int | None = None

    @property
    def event_id(self) -> str | None:
        raw = self.headers.get("event_id")
        return raw.decode("utf-8", "replace") if raw is not None else None

    @property
    def traceparent(self) -> str | None:
        raw = self.headers.get("traceparent")
        return raw.decode("ascii", "replace") if raw is not None else None


class Publisher(Protocol):
    """Sends events: straight to Kafka, or into a transactional outbox."""

    def publish(self, event: EventType, *, headers: Mapping[str, str] | None = None) -> None: ...


# A handler receives the decoded event and its metadata. Handlers that need a database
# transaction get it from the runtime's context (see accord.runtime.consumer).
Handler = Callable[[Any, Metadata], None]


class DecodeError(Exception):
    """A consumed message cannot become an event; ``reason`` says why, for the dead-letter
    headers. Subclasses say whether retrying can help (it cannot for any of these)."""

    def __init__(self, reason: str, *, schema_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.schema_id = schema_id


class UndecodableMessage(DecodeError):
    """Not Confluent framing (magic byte, id), a corrupt body, or a body failing validation."""


class UnknownWriterSchema(DecodeError):
    """The registry has no schema with that id, or it is not an event this consumer reads."""


class IncompatibleWriterSchema(DecodeError):
    """The writer schema is known, but the consumer's reader schema cannot read it."""


class Codec(Protocol):
    """Turns events into Confluent wire-format bytes and back (implemented by
    :mod:`accord.runtime.serde`). Registry outages raise :class:`accord.errors.RegistryError`
    (transient: retry), never :class:`DecodeError`."""

    def encode(self, event: EventType) -> bytes:
        """Magic byte 0, 4-byte big-endian schema id, then the Avro / JSON body."""
        ...

    def decode(self, data: bytes, readers: tuple[type[EventType], ...]) -> tuple[EventType, int]:
        """The event (as one of ``readers``, chosen by the writer schema's record name) and the
        writer schema id. Raises :class:`DecodeError` subclasses."""
        ...
