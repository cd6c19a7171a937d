"""Schema documents as the registry sees them: parse, validate, canonicalise, fingerprint.

Identity follows Confluent: an Avro schema is stored as Confluent's canonical string (Avro
Java's ``Schema.toString()``), a JSON Schema as compact JSON in the order it came; two JSON
Schemas are the same when their sorted-key canonical forms are. With ``normalize`` the
stored text is the normalised form (Avro: canonical string with custom properties sorted;
JSON: the sorted canonical form), so layout and key order never make a new version.

Validation is accord's own (:func:`accord.contracts.schema_from_data`), run on the
self-contained form (referenced Avro types inlined), so messages carry JSON pointers into
the document the client sent.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from accord.contracts import avro, jsonschema, parse_json, schema_from_data
from accord.contracts.model import SchemaFormat
from accord.registry import errors
from accord.registry.inline import inline_avro, named_definitions
from accord.registry.model import NewSchema, Reference, SchemaType, StoredSchema


@dataclass(frozen=True)
class Dependency:
    """A referenced schema, resolved: the name the referrer uses and the stored schema."""

    name: str
    schema: StoredSchema


@dataclass(frozen=True)
class Resolved:
    """A schema ready for the compatibility engine: self-contained data (Avro references
    inlined) and, for JSON Schema, the referenced documents by the name ``$ref`` uses."""

    schema_type: SchemaType
    data: Any
    references: Mapping[str, Any] = field(default_factory=dict)


def schema_type(value: str | None) -> SchemaType:
    """The ``schemaType`` of a request (missing means AVRO); 42201 for anything else."""
    if value is None or value == "":
        return SchemaType.AVRO
    try:
        return SchemaType(value.upper())
    except ValueError:
        if value.upper() == "PROTOBUF":
            raise errors.invalid_schema(
                "schemaType PROTOBUF is not supported by this registry; use AVRO or JSON"
            ) from None
        raise errors.invalid_schema(f"unknown schemaType {value!r}; use AVRO or JSON") from None


def prepare(
    kind: SchemaType,
    text: str,
    references: Sequence[Reference],
    dependencies: Sequence[Dependency],
    *,
    normalize: bool,
    metadata: Mapping[str, Any] | None = None,
    rule_set: Mapping[str, Any] | None = None,
) -> tuple[NewSchema, Resolved]:
    """Validate a schema sent by a client and compute what is stored; 42201 when invalid.

    ``dependencies`` are every schema the references lead to, transitively.
    """
    if not text or not text.strip():
        raise errors.invalid_schema("the schema is empty; send the schema document as a string")
    data = _parse(kind, text)
    try:
        resolved = _resolve(kind, data, dependencies)
        _validate(kind, resolved.data)
        stored_text = _stored_text(kind, data, normalize=normalize)
        normal = _normal_text(kind, data)
    except errors.RegistryFault:
        raise
    except RecursionError:
        raise errors.invalid_schema("the schema is nested too deeply") from None
    except Exception as exc:  # a validator tripping over odd input is still bad input
        raise errors.invalid_schema(f"{type(exc).__name__}: {exc}") from None
    refs = tuple(references)
    fingerprint = _fingerprint(kind, _identity(kind, stored_text), refs, metadata, rule_set)
    new = NewSchema(
        schema_type=kind,
        text=stored_text,
        references=refs,
        fingerprint=fingerprint,
        normal_fingerprint=_fingerprint(kind, normal, refs, metadata, rule_set),
        guid=str(uuid.UUID(bytes=bytes.fromhex(fingerprint)[:16], version=4)),
        metadata=metadata,
        rule_set=rule_set,
    )
    return new, resolved


def resolve_stored(schema: StoredSchema, dependencies: Sequence[Dependency]) -> Resolved:
    """The self-contained form of a stored schema (it was valid when it was stored)."""
    return _resolve(schema.schema_type, parsed(schema.schema_type, schema.text), dependencies)


@lru_cache(maxsize=4096)
def parsed(kind: SchemaType, text: str) -> Any:
    """Parsed JSON of a stored schema text (cached: the same versions are compared often).

    Callers must not mutate the result."""
    return _parse(kind, text)


def _parse(kind: SchemaType, text: str) -> Any:
    stripped = text.strip()
    if kind is SchemaType.AVRO and stripped in avro.PRIMITIVES:
        return stripped  # a bare primitive name, as Avro's own parsers accept
    data, problems = parse_json(text, None)
    if problems:
        where = problems[0].location
        raise errors.invalid_schema(
            f"{problems[0].message} (line {where.line}, column {where.column} of the schema"
            " string); send the schema as a JSON document inside the `schema` string"
        )
    return data


def _resolve(kind: SchemaType, data: Any, dependencies: Sequence[Dependency]) -> Resolved:
    if not dependencies:
        return Resolved(kind, data)
    if kind is SchemaType.AVRO:
        documents = [parsed(d.schema.schema_type, d.schema.text) for d in dependencies]
        return Resolved(kind, inline_avro(data, named_definitions(documents)))
    docs = {d.name: parsed(d.schema.schema_type, d.schema.text) for d in dependencies}
    return Resolved(kind, data, docs)


def _validate(kind: SchemaType, data: Any) -> None:
    fmt = SchemaFormat.AVRO if kind is SchemaType.AVRO else SchemaFormat.JSON
    _schema, problems = schema_from_data(data, fmt, text="")
    if not problems:
        return
    parts = []
    for p in problems[:10]:
        where = p.location.pointer or "/"
        parts.append(f"{p.message} at {where}" + (f" ({p.fix})" if p.fix else ""))
    more = f"; and {len(problems) - 10} more" if len(problems) > 10 else ""
    raise errors.invalid_schema("; ".join(parts) + more)


def _stored_text(kind: SchemaType, data: Any, *, normalize: bool) -> str:
    if normalize:
        return _normal_text(kind, data)
    if kind is SchemaType.AVRO:
        return avro.confluent_canonical_string(data)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _normal_text(kind: SchemaType, data: Any) -> str:
    if kind is SchemaType.AVRO:
        return avro.confluent_canonical_string(_sorted_keys(data))
    return jsonschema.canonical_form(data)


def _identity(kind: SchemaType, stored_text: str) -> str:
    if kind is SchemaType.AVRO:
        return stored_text
    return jsonschema.canonical_form(json.loads(stored_text))


def _sorted_keys(node: Any) -> Any:
    """Objects with sorted keys (list order kept): custom properties in a fixed order."""
    if isinstance(node, dict):
        return {k: _sorted_keys(node[k]) for k in sorted(node)}
    if isinstance(node, list):
        return [_sorted_keys(item) for item in node]
    return node


def _fingerprint(
    kind: SchemaType,
    identity: str,
    references: Sequence[Reference],
    metadata: Mapping[str, Any] | None,
    rule_set: Mapping[str, Any] | None,
) -> str:
    payload = json.dumps(
        [
            kind.value,
            identity,
            [[r.name, r.subject, r.version] for r in references],
            metadata,
            rule_set,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
