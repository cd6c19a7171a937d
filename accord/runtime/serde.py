"""Events <-> Confluent wire-format bytes (implements :class:`accord.runtime.events.Codec`).

Encoding: an Avro event is written by a function made for its class
(:mod:`accord.runtime.avro_events`: slots -> bytes), or else ``to_primitives()`` / ``to_dict()``
through the writer made for its schema (:mod:`accord.runtime.avro_io`) or fastavro; a JSON
Schema event is ``to_dict()`` validated with a compiled ``jsonschema-rs`` validator, then
orjson. Then magic byte, schema id, body.

Decoding: the writer schema id picks the writer schema (fetched once from the registry), its
record name picks the reader class among ``readers``, and the pair is checked once by the
compatibility engine: can the reader read the writer (:func:`reader_verdict`)? The verdict is
cached per id, so a consumer meeting a new producer version pays the check once, and an
incompatible writer gives an :class:`IncompatibleWriterSchema` with the reason instead of a
crash. Avro bodies are then resolved writer -> reader by fastavro (so older and newer
producers both decode); when both schemas have the same Parsing Canonical Form, the reader
schema decodes directly, with the function made for the class when there is one.

Everything that depends on a class or a schema id is prepared once into a small plan object;
the hot path is a dict lookup and the codec call, with no locks and no registry calls.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import fastavro
import fastavro.schema
import jsonschema_rs
import orjson
from confluent_kafka.schema_registry import SchemaRegistryClient

from accord.runtime import avro_events, avro_io, wire
from accord.runtime.avro_io import without_logical_types
from accord.runtime.events import (
    DecodeError,
    EventType,
    IncompatibleWriterSchema,
    UndecodableMessage,
    UnknownWriterSchema,
)
from accord.runtime.schema_client import SchemaCache, WriterSchema, client_for

__all__ = ["EventValidationError", "Serde", "reader_verdict"]


_unpack_header = struct.Struct(">BI").unpack_from


class EventValidationError(ValueError):
    """An event about to be produced does not satisfy its own JSON Schema."""

    def __init__(self, event_name: str, pointer: str, message: str) -> None:
        super().__init__(f"{event_name} fails its schema at {pointer or '/'}: {message}")
        self.event_name = event_name
        self.pointer = pointer
        self.message = message


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _json_validator(schema: Any) -> Any:
    """A compiled validator; ``offline`` because a serde must never fetch remote ``$ref``s."""
    return jsonschema_rs.validator_for(schema, offline=True)


def _first_error(validator: Any, instance: Any) -> tuple[str, str]:
    for error in validator.iter_errors(instance):
        return _pointer(error.instance_path), str(error.message)
    return "", "invalid"


def _fingerprint(schema_type: str, data: Any) -> str:
    """accord's fingerprint (SHA-256 of the canonical form), as generated classes carry it."""
    if schema_type == "AVRO":
        canonical = str(fastavro.schema.to_parsing_canonical_form(data))
    else:
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reader_verdict(writer: Any, reader: Any) -> str | None:
    """Why a reader schema cannot read data written with ``writer`` (None if it can).

    Asks the compatibility engine (BACKWARD: the reader is the new schema, the writer the
    old one). Should the engine itself fail on a schema, the answer is None: Avro bodies
    still fail safely at read time with fastavro's schema-resolution error.
    """
    try:
        from accord import compat  # imported on first use: decoding must not depend on it

        result = compat.check(old=writer, new=reader, level="BACKWARD")
    except Exception:
        return None
    if result.compatible:
        return None
    messages = [f"{change.message} (at {change.path or '/'})" for change in result.breaking]
    return "; ".join(messages) or "the compatibility engine found the schemas incompatible"


# --- encoding --------------------------------------------------------------------------------


class _JsonEncoder:
    __slots__ = ("event_name", "header", "validator")

    def __init__(self, event_name: str, header: bytes, validator: Any) -> None:
        self.event_name = event_name
        self.header = header
        self.validator = validator

    def encode(self, event: EventType) -> bytes:
        data = event.to_dict()
        validator = self.validator
        if validator is not None and not validator.is_valid(data):
            raise EventValidationError(self.event_name, *_first_error(validator, data))
        return self.header + orjson.dumps(data)


# --- decoding --------------------------------------------------------------------------------


class _Refusal:
    """A cached verdict that a writer id cannot be read: raised afresh on every message."""

    __slots__ = ("error", "reason", "schema_id")

    def __init__(self, error: type[DecodeError], reason: str, schema_id: int) -> None:
        self.error = error
        self.reason = reason
        self.schema_id = schema_id

    def decode(self, data: bytes) -> EventType:
        raise self.error(self.reason, schema_id=self.schema_id)


class _AvroDecoder:
    __slots__ = ("build", "cls", "read", "schema_id")

    def __init__(
        self,
        cls: type[EventType],
        writer: Any,
        reader: Any,
        schema_id: int,
        build: Callable[[Any], EventType],
    ) -> None:
        self.cls = cls
        self.schema_id = schema_id
        self.build = build  # from_primitives (logical-free ``writer``) or from_dict
        # Named union branches come back as (name, value) so from_dict knows the branch.
        named = _has_named_union(reader if reader is not None else writer)
        self.read = avro_io.reader(writer, reader, named=named)

    def decode(self, data: bytes) -> EventType:
        try:
            record, end = self.read(data, wire.HEADER_SIZE)
        except fastavro.read.SchemaResolutionError as exc:
            raise IncompatibleWriterSchema(
                f"cannot resolve writer schema id {self.schema_id} to {self.cls.RECORD_NAME}:"
                f" {exc}",
                schema_id=self.schema_id,
            ) from None
        except Exception as exc:
            raise UndecodableMessage(
                f"corrupt Avro body for schema id {self.schema_id}: {type(exc).__name__}: {exc}",
                schema_id=self.schema_id,
            ) from None
        if end > len(data):
            raise UndecodableMessage(
                f"the Avro body (schema id {self.schema_id}) needs {end - len(data)} more"
                " bytes than the message has: the message is cut short or corrupt",
                schema_id=self.schema_id,
            )
        if end != len(data):
            raise UndecodableMessage(
                f"{len(data) - end} unread bytes after the Avro body (schema id"
                f" {self.schema_id}): the message is corrupt or not written with that schema",
                schema_id=self.schema_id,
            )
        try:
            return self.build(record)
        except Exception as exc:
            raise _unbuildable(self.cls, self.schema_id, exc) from None


class _JsonDecoder:
    __slots__ = ("cls", "schema_id", "validator")

    def __init__(self, cls: type[EventType], validator: Any, schema_id: int) -> None:
        self.cls = cls
        self.validator = validator
        self.schema_id = schema_id

    def decode(self, data: bytes) -> EventType:
        try:
            value = orjson.loads(memoryview(data)[wire.HEADER_SIZE :])
        except orjson.JSONDecodeError as exc:
            raise UndecodableMessage(
                f"body is not JSON (schema id {self.schema_id}): {exc}", schema_id=self.schema_id
            ) from None
        validator = self.validator
        if validator is not None and not validator.is_valid(value):
            pointer, message = _first_error(validator, value)
            raise UndecodableMessage(
                f"body fails writer schema id {self.schema_id} at {pointer or '/'}: {message}",
                schema_id=self.schema_id,
            )
        if not isinstance(value, dict):
            raise UndecodableMessage(
                f"body is a JSON {type(value).__name__}, not an object (schema id"
                f" {self.schema_id})",
                schema_id=self.schema_id,
            )
        try:
            return self.cls.from_dict(value)
        except Exception as exc:
            raise _unbuildable(self.cls, self.schema_id, exc) from None


def _unbuildable(cls: type[EventType], schema_id: int, exc: Exception) -> DecodeError:
    """A datum the class cannot take: the writer's schema is not one the reader can read
    (the compatibility check could not tell)."""
    return IncompatibleWriterSchema(
        f"{cls.EVENT_NAME} cannot be built from schema id {schema_id}: {type(exc).__name__}: {exc}",
        schema_id=schema_id,
    )


class _CheckedOnce:
    """A function written for one class (:mod:`accord.runtime.avro_events`) in front of the
    general encoder or decoder: checked once, on the first item, against the general one
    (``same`` compares their answers; a difference: the general one from then on), and any
    item it cannot take goes to the general one, which also gives every error its reason.

    A compiled function (one with a ``fallback`` attribute) does that last part itself: once
    checked, it is given the general one as its fallback and handed to ``install``, which puts
    it where this wrapper was, saving a Python call per item."""

    __slots__ = ("checked", "fast", "general", "install", "same")

    def __init__(
        self,
        fast: Callable[[Any], Any],
        general: Callable[[Any], Any],
        same: Callable[[Any, Any], bool],
        install: Callable[[Callable[[Any], Any]], None] | None = None,
    ) -> None:
        self.fast: Callable[[Any], Any] | None = fast
        self.general = general
        self.same = same
        self.install = install
        self.checked = False

    def __call__(self, item: Any) -> Any:
        fast = self.fast
        if self.checked and fast is not None:
            try:
                return fast(item)
            except Exception:
                return self.general(item)  # which raises the explained error, if any
        expected = self.general(item)  # a bad first item raises here, unchecked
        if fast is not None and not self.checked:
            try:
                agrees = self.same(fast(item), expected)
            except Exception:
                agrees = False
            self.checked = agrees
            if not agrees:
                self.fast = None
            elif self.install is not None and hasattr(fast, "fallback"):
                fast.fallback = self.general
                self.install(fast)
        return expected

    decode = __call__  # as a :data:`_Decoder`


_Decoder = _AvroDecoder | _CheckedOnce | _JsonDecoder | _Refusal


@dataclass(frozen=True)
class _Reader:
    """What a generated class brings to decoding, parsed once per class."""

    cls: type[EventType]
    data: Any
    parsed: Any  # fastavro's parsed schema (Avro) or None
    names: tuple[str, ...]  # record name and Avro aliases it answers to
    # The same schema without logical types, when the class writes and reads their
    # primitives (generated classes: ``to_primitives()``, and ``from_dict`` takes both
    # forms); fastavro then skips its per-value conversions. None: use ``parsed``.
    primitive: Any = None


def _reader(cls: type[EventType]) -> _Reader:
    data = json.loads(cls.SCHEMA)
    names = [cls.RECORD_NAME]
    parsed = primitive = None
    if cls.SCHEMA_TYPE == "AVRO":
        parsed = fastavro.parse_schema(data)
        if callable(getattr(cls, "to_primitives", None)) and callable(
            getattr(cls, "from_primitives", None)
        ):
            primitive = fastavro.parse_schema(without_logical_types(data))
        namespace = cls.RECORD_NAME.rpartition(".")[0]
        for alias in data.get("aliases", []) if isinstance(data, dict) else []:
            names.append(alias if "." in alias or not namespace else f"{namespace}.{alias}")
    return _Reader(cls, data, parsed, tuple(names), primitive)


def primitives_tell_branches(node: Any) -> bool:
    """False when some union has a logical branch whose primitive another branch shares
    in Python (an ``int`` and a ``long``, one of them logical): reading primitives could not
    tell those branches apart, so such a schema decodes with its logical types."""
    if isinstance(node, list):
        ints = [b for b in node if _avro_int_backed(b)]
        if len(ints) > 1 and any(isinstance(b, dict) and "logicalType" in b for b in ints):
            return False
        return all(primitives_tell_branches(b) for b in node)
    if isinstance(node, dict):
        return all(primitives_tell_branches(v) for k, v in node.items() if k != "default")
    return True


def _has_named_union(node: Any) -> bool:
    """Whether some union of a schema has a named branch (record, enum, fixed)."""
    if isinstance(node, list):
        return any(not _unnamed(b) or _has_named_union(b) for b in node)
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    if isinstance(kind, (dict, list)):
        return _has_named_union(kind)
    if kind in ("record", "error"):
        return any(_has_named_union(f.get("type")) for f in node.get("fields", []))
    if kind == "array":
        return _has_named_union(node.get("items"))
    if kind == "map":
        return _has_named_union(node.get("values"))
    return False


def _unnamed(branch: Any) -> bool:
    kind = branch.get("type") if isinstance(branch, dict) else branch
    primitives = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
    return kind in (*primitives, "array", "map")


def _avro_int_backed(branch: Any) -> bool:
    kind = branch.get("type") if isinstance(branch, dict) else branch
    return kind in ("int", "long")


class Serde:
    """The codec of generated events over a Confluent-compatible schema registry.

    ``registry`` is a URL (``mock://name`` for confluent's in-memory mock in tests), a
    :class:`SchemaRegistryClient`, or a :class:`SchemaCache` to share between codecs.
    ``auto_register``: register producer schemas on first use instead of only looking them up.
    ``validate``: JSON Schema validation on produce and consume (Avro is always checked by its
    encoding). ``check_compatibility``: check each new writer schema with the compatibility
    engine before reading with it.
    """

    def __init__(
        self,
        registry: str | SchemaRegistryClient | SchemaCache,
        *,
        auto_register: bool = False,
        validate: bool = True,
        check_compatibility: bool = True,
    ) -> None:
        if isinstance(registry, SchemaCache):
            self.schemas = registry
        else:
            client = client_for(registry) if isinstance(registry, str) else registry
            self.schemas = SchemaCache(client, auto_register=auto_register)
        self.validate = validate
        self.check_compatibility = check_compatibility
        self._encoders: dict[type[EventType], Callable[[EventType], bytes]] = {}
        self._decoders: dict[
            tuple[type[EventType], ...], dict[int, Callable[[bytes], EventType]]
        ] = {}
        self._readers: dict[type[EventType], _Reader] = {}
        self._validators: dict[int, Any] = {}

    # -- Codec ------------------------------------------------------------------------------

    def encode(self, event: EventType) -> bytes:
        """Magic byte 0, the 4-byte schema id of the event's schema, then the body."""
        encode = self._encoders.get(type(event))
        if encode is None:
            encode = self._encoder(type(event))
        return encode(event)

    def decode(self, data: bytes, readers: tuple[type[EventType], ...]) -> tuple[EventType, int]:
        """The event, as the class in ``readers`` matching the writer's record name, and the
        writer schema id. Raises the :class:`DecodeError` family, or
        :class:`accord.errors.RegistryError` when the registry cannot be reached."""
        try:
            magic, schema_id = _unpack_header(data)
        except struct.error:
            magic = -1
        if magic != wire.MAGIC:
            wire.schema_id_of(data)  # raises the precise framing error
        by_id = self._decoders.get(readers)
        if by_id is None:
            by_id = self._decoders.setdefault(readers, {})
        decode = by_id.get(schema_id)
        if decode is None:
            install = functools.partial(by_id.__setitem__, schema_id)
            decode = by_id[schema_id] = self._decoder(schema_id, readers, install).decode
        return decode(data), schema_id

    # -- preparation (once per class / schema id) -------------------------------------------

    def schema_id(self, event_type: type[EventType]) -> int:
        """The registry id producers of ``event_type`` write (looked up or registered)."""
        return self.schemas.id_for(event_type)

    def _encoder(self, cls: type[EventType]) -> Callable[[EventType], bytes]:
        schema_id = self.schemas.id_for(cls)
        self.schemas.remember(schema_id, cls.SCHEMA_TYPE, cls.SCHEMA)
        header = wire.header(schema_id)
        encode: Callable[[EventType], bytes]
        if cls.SCHEMA_TYPE == "AVRO":
            reader = self._reader_of(cls)
            if reader.primitive is not None:  # to_primitives, logical-free schema
                encode = avro_io.encoder(reader.primitive, header, cast(Any, cls).to_primitives)
                write = avro_events.event_writer(reader.data, cls, header)
                if write is not None:
                    encode = _CheckedOnce(
                        write,
                        encode,
                        operator.eq,
                        functools.partial(self._encoders.__setitem__, cls),
                    )
            else:
                encode = avro_io.encoder(reader.parsed, header, cls.to_dict)
        else:
            validator = _json_validator(json.loads(cls.SCHEMA)) if self._validates(cls) else None
            encode = _JsonEncoder(cls.EVENT_NAME, header, validator).encode
        self._encoders[cls] = encode
        return encode

    def _validates(self, cls: type[EventType]) -> bool:
        return self.validate and bool(getattr(cls, "VALIDATE", True))

    def _reader_of(self, cls: type[EventType]) -> _Reader:
        found = self._readers.get(cls)
        if found is None:
            found = self._readers[cls] = _reader(cls)
        return found

    def _decoder(
        self,
        schema_id: int,
        readers: tuple[type[EventType], ...],
        install: Callable[[Callable[[bytes], EventType]], None] | None = None,
    ) -> _Decoder:
        """How messages of ``schema_id`` are decoded for ``readers``; ``install`` replaces the
        caller's cached decoder by a checked compiled one (see :class:`_CheckedOnce`)."""
        try:
            writer = self.schemas.writer(schema_id)
        except DecodeError as exc:
            return _Refusal(type(exc), exc.reason, schema_id)
        reader = self._pick_reader(writer, readers)
        if reader is None:
            known = ", ".join(sorted(cls.RECORD_NAME or cls.EVENT_NAME for cls in readers))
            return _Refusal(
                UnknownWriterSchema,
                f"schema id {schema_id} is {writer.record_name or 'an unnamed schema'!r}, not"
                f" an event this consumer reads ({known or 'none'})",
                schema_id,
            )
        cls = reader.cls
        if writer.schema_type != cls.SCHEMA_TYPE:
            return _Refusal(
                IncompatibleWriterSchema,
                f"schema id {schema_id} is a {writer.schema_type} schema but {cls.EVENT_NAME}"
                f" is read as {cls.SCHEMA_TYPE}",
                schema_id,
            )
        same = _fingerprint(writer.schema_type, writer.data) == cls.FINGERPRINT
        if not same and self.check_compatibility:
            reason = reader_verdict(writer.data, reader.data)
            if reason is not None:
                return _Refusal(
                    IncompatibleWriterSchema,
                    f"{cls.EVENT_NAME} (reader) cannot read schema id {schema_id}: {reason}",
                    schema_id,
                )
        if cls.SCHEMA_TYPE == "AVRO":
            return self._avro_decoder(writer, reader, same, install)
        validator = self._writer_validator(writer) if self._validates(cls) else None
        return _JsonDecoder(cls, validator, schema_id)

    def _avro_decoder(
        self,
        writer: WriterSchema,
        reader: _Reader,
        same: bool,
        install: Callable[[Callable[[bytes], EventType]], None] | None = None,
    ) -> _Decoder:
        if same:
            # Same binary encoding: decode with the reader schema itself (its names), skipping
            # per-message schema resolution, and its logical types where that is safe.
            cls = reader.cls
            if reader.primitive is not None and primitives_tell_branches(reader.data):
                build = cast(Any, cls).from_primitives
                general = _AvroDecoder(cls, reader.primitive, None, writer.schema_id, build)
                read = avro_events.event_reader(reader.data, cls, wire.HEADER_SIZE)
                if read is None:
                    return general
                return _CheckedOnce(read, general.decode, avro_events.same_event, install)
            return _AvroDecoder(cls, reader.parsed, None, writer.schema_id, cls.from_dict)
        try:
            parsed_writer = fastavro.parse_schema(writer.data)
        except Exception as exc:
            return _Refusal(
                UnknownWriterSchema,
                f"schema id {writer.schema_id} is not a usable Avro schema: {exc}",
                writer.schema_id,
            )
        cls = reader.cls
        return _AvroDecoder(cls, parsed_writer, reader.parsed, writer.schema_id, cls.from_dict)

    def _writer_validator(self, writer: WriterSchema) -> Any:
        found = self._validators.get(writer.schema_id)
        if found is None:
            found = self._validators[writer.schema_id] = _json_validator(writer.data)
        return found

    def _pick_reader(
        self, writer: WriterSchema, readers: tuple[type[EventType], ...]
    ) -> _Reader | None:
        fallback = None
        for cls in readers:
            reader = self._reader_of(cls)
            if writer.record_name and writer.record_name == cls.RECORD_NAME:
                return reader
            if writer.record_name and writer.record_name in reader.names:
                fallback = fallback or reader
        return fallback
