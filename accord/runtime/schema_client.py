"""Schema ids <-> schemas, through any Confluent-compatible registry, cached for good.

Schema ids are immutable in a Confluent registry, so every answer is cached forever: after
warm-up, the serde's hot path never reaches this module at all (it keeps its own per-class and
per-id plans). Misses take a lock so that concurrent first uses make one registry call.

The client is confluent-kafka's own :class:`SchemaRegistryClient`. ``mock://`` URLs give
confluent's in-memory mock; :func:`client_for` shares one client per configuration in the
process, so a test's producer and consumer (and confluent's serializers) see one registry.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from accord.errors import RegistryError
from accord.runtime.events import EventType, UnknownWriterSchema

K = TypeVar("K")
V = TypeVar("V")
_CLIENTS: dict[tuple[tuple[str, str], ...], SchemaRegistryClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(url: str, conf: Mapping[str, Any] | None = None) -> SchemaRegistryClient:
    """One shared client per registry URL and settings (``basic.auth.user.info``,
    ``max.retries``...: confluent's client configuration)."""
    full = {**(conf or {}), "url": url}
    key = tuple(sorted((k, repr(v)) for k, v in full.items()))
    client = _CLIENTS.get(key)
    if client is None:
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = SchemaRegistryClient.new_client(full)
                _CLIENTS[key] = client
    return client


@dataclass(frozen=True)
class WriterSchema:
    """A schema as the registry holds it under one id."""

    schema_id: int
    schema_type: str  # "AVRO" | "JSON"
    text: str
    data: Any  # the parsed JSON document
    record_name: str  # Avro full name / JSON Schema title ("" when none)


def record_name_of(schema_type: str, data: Any) -> str:
    """The record name Confluent's strategies use: Avro full name or JSON Schema title."""
    if not isinstance(data, dict):
        return ""
    if schema_type == "JSON":
        title = data.get("title")
        return title if isinstance(title, str) else ""
    name = data.get("name")
    if data.get("type") not in ("record", "error", "enum", "fixed") or not isinstance(name, str):
        return ""
    namespace = data.get("namespace")
    if "." in name or not isinstance(namespace, str) or not namespace:
        return name
    return f"{namespace}.{name}"


def _registry_error(action: str, exc: Exception) -> RegistryError:
    if isinstance(exc, SchemaRegistryError):
        return RegistryError(
            f"schema registry refused to {action}: {exc.error_message}",
            status=exc.http_status_code,
            error_code=exc.error_code,
        )
    return RegistryError(
        f"schema registry unreachable while trying to {action}: {type(exc).__name__}: {exc}",
        hint="check the registry URL and that the registry is up; the call can be retried",
    )


class SchemaCache:
    """Looks up (or registers) producer schemas and fetches writer schemas by id.

    ``auto_register=True`` registers an event's schema under its subject on first use (as
    Confluent's serializers do by default); otherwise the schema must already be registered
    (``accord registry push``) and a missing one is a :class:`RegistryError` with code 40403.
    """

    def __init__(
        self, client: SchemaRegistryClient, *, auto_register: bool = False, normalize: bool = False
    ) -> None:
        self.client = client
        self.auto_register = auto_register
        self.normalize = normalize
        self._ids: dict[type[EventType], int] = {}
        self._writers: dict[int, WriterSchema] = {}
        self._lock = threading.Lock()

    def id_for(self, event_type: type[EventType]) -> int:
        """The registry id of ``event_type``'s schema under its subject."""
        found = self._ids.get(event_type)
        return found if found is not None else self._once(self._ids, event_type, self._fetch_id)

    def _once(self, cache: dict[K, V], key: K, fetch: Callable[[K], V]) -> V:
        """Fetch a missing entry under the lock, so concurrent first uses make one call."""
        with self._lock:
            found = cache.get(key)
            if found is None:
                found = cache[key] = fetch(key)
        return found

    def _fetch_id(self, event_type: type[EventType]) -> int:
        schema = Schema(event_type.SCHEMA, event_type.SCHEMA_TYPE)
        subject = event_type.SUBJECT
        try:
            if self.auto_register:
                return int(self.client.register_schema(subject, schema, self.normalize))
            registered = self.client.lookup_schema(subject, schema, self.normalize)
            if registered.schema_id is None:
                raise RegistryError(f"the registry gave no id for subject {subject!r}")
            return int(registered.schema_id)
        except SchemaRegistryError as exc:
            if exc.http_status_code == 404:
                raise RegistryError(
                    f"the schema of {event_type.EVENT_NAME} is not registered under subject"
                    f" {subject!r}",
                    status=404,
                    error_code=exc.error_code,
                    hint="register it (`accord registry push`) or let producers register it"
                    " (auto_register=True)",
                ) from None
            raise _registry_error(f"look up subject {subject!r}", exc) from None
        except RegistryError:
            raise
        except Exception as exc:
            raise _registry_error(f"look up subject {subject!r}", exc) from None

    def writer(self, schema_id: int) -> WriterSchema:
        """The schema registered under ``schema_id``; :class:`UnknownWriterSchema` if none."""
        found = self._writers.get(schema_id)
        if found is not None:
            return found
        return self._once(self._writers, schema_id, self._fetch_writer)

    def remember(self, schema_id: int, schema_type: str, text: str) -> WriterSchema:
        """Record a schema known to sit under ``schema_id`` (what this process registered)."""
        writer = _writer_schema(schema_id, schema_type, text)
        self._writers.setdefault(schema_id, writer)
        return self._writers[schema_id]

    def _fetch_writer(self, schema_id: int) -> WriterSchema:
        try:
            schema = self.client.get_schema(schema_id)
        except SchemaRegistryError as exc:
            if exc.http_status_code == 404:
                raise UnknownWriterSchema(
                    f"the registry has no schema with id {schema_id}", schema_id=schema_id
                ) from None
            raise _registry_error(f"fetch schema id {schema_id}", exc) from None
        except Exception as exc:
            raise _registry_error(f"fetch schema id {schema_id}", exc) from None
        if schema.references:
            raise UnknownWriterSchema(
                f"schema id {schema_id} uses schema references, which accord's serde does not"
                " resolve",
                schema_id=schema_id,
            )
        return _writer_schema(schema_id, schema.schema_type or "AVRO", schema.schema_str or "")


def _writer_schema(schema_id: int, schema_type: str, text: str) -> WriterSchema:
    schema_type = schema_type.upper()
    if schema_type not in ("AVRO", "JSON"):
        raise UnknownWriterSchema(
            f"schema id {schema_id} is a {schema_type} schema; accord reads AVRO and JSON",
            schema_id=schema_id,
        )
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UnknownWriterSchema(
            f"schema id {schema_id} is not valid JSON: {exc}", schema_id=schema_id
        ) from None
    return WriterSchema(schema_id, schema_type, text, data, record_name_of(schema_type, data))
