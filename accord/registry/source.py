"""``accord check --against registry[:URL]``: the previous contracts are what a registry holds.

For each event of the working tree whose subject the registry has, the snapshot carries every
version that is not soft-deleted (oldest first) and the subject's compatibility level as the
registry is configured (its own level, else the global one), which the gate uses instead of
the manifest's. Avro schemas that reference other subjects are inlined, so the gate compares
self-contained documents. Works against any Confluent-compatible registry.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from accord.contracts import schema_from_data
from accord.contracts.model import Contracts, Level, Schema, SchemaFormat
from accord.contracts.sources import PreviousEvent, Snapshot
from accord.errors import RegistryError, SourceError
from accord.registry.client import RegistryClient, credentials_from
from accord.registry.inline import inline_avro, named_definitions

MAX_REFERENCE_DEPTH = 32


class RegistrySource:
    """The manifest's subjects as a registry holds them."""

    def __init__(self, url: str, *, client: RegistryClient | None = None) -> None:
        self._client = client
        self.url = url

    @property
    def description(self) -> str:
        return f"registry {self.url}"

    def snapshot(self, current: Contracts) -> Snapshot:
        client = self._client or RegistryClient(self.url, credentials=credentials_from())
        try:
            events = {}
            for event in sorted(current.events.values(), key=lambda e: e.name):
                found = _previous(client, event.name, event.subject)
                if found is not None:
                    events[event.name] = found
        except RegistryError as exc:
            raise SourceError(
                f"--against {self.description}: {exc.message}", hint=exc.hint
            ) from None
        finally:
            if self._client is None:
                client.close()
        return Snapshot(description=self.description, events=MappingProxyType(events))


def _previous(client: RegistryClient, name: str, subject: str) -> PreviousEvent | None:
    numbers = client.versions(subject)
    if not numbers:
        return None
    versions = tuple(_schema(client, subject, client.version(subject, n)) for n in numbers)
    level = Level.parse(client.effective_level(subject))
    return PreviousEvent(name=name, subject=subject, versions=versions, level=level)


def _schema(client: RegistryClient, subject: str, registered: dict[str, Any]) -> Schema:
    fmt = SchemaFormat.JSON if registered.get("schemaType") == "JSON" else SchemaFormat.AVRO
    shown = f"registry:{subject}@v{registered.get('version')}"
    data = json.loads(registered["schema"])
    if fmt is SchemaFormat.AVRO and registered.get("references"):
        documents = _referenced(client, registered["references"], 1)
        data = inline_avro(data, named_definitions(documents))
    text = json.dumps(data, indent=2, ensure_ascii=False)
    schema, problems = schema_from_data(data, fmt, text=text, file=shown)
    if schema is None:
        detail = "; ".join(p.message for p in problems[:3])
        raise SourceError(f"--against registry: {shown} is not a schema accord can read: {detail}")
    return schema


def _referenced(client: RegistryClient, refs: list[dict[str, Any]], depth: int) -> list[Any]:
    """The documents ``refs`` lead to, dependencies first."""
    if depth > MAX_REFERENCE_DEPTH:
        raise SourceError(f"--against registry: references nest deeper than {MAX_REFERENCE_DEPTH}")
    documents: list[Any] = []
    for ref in refs:
        target = client.version(str(ref["subject"]), int(ref["version"]))
        documents.extend(_referenced(client, target.get("references") or [], depth + 1))
        documents.append(json.loads(target["schema"]))
    return documents
