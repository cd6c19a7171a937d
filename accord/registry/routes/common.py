"""What every route module shares: the JSON response, request bodies, pagination, the
registry dependency.

Bodies are parsed leniently (unknown properties ignored, as confluent-kafka announces with
``Confluent-Accept-Unknown-Properties``); query booleans accept ``true``/``false`` in any
case, because Python clients send ``True``/``False``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, ParamSpec, TypeVar

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from accord.registry.errors import MEDIA_TYPE
from accord.registry.model import Reference
from accord.registry.service import Registry, SchemaRequest

P = ParamSpec("P")
T = TypeVar("T")


class RegistryJSON(Response):
    """Compact JSON with Confluent's media type."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def raw_schema(text: str) -> Response:
    """A schema document as the whole body (``.../schema`` endpoints)."""
    return Response(text.encode("utf-8"), media_type=MEDIA_TYPE)


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


async def get_registry(request: Request) -> Registry:
    # async: a plain function dependency would cost a second thread-pool hop per request.
    return registry_of(request)


RegistryDep = Annotated[Registry, Depends(get_registry)]


async def read(registry: Registry, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a read on the event loop when the store answers in microseconds, else in a
    worker thread (for the hot read routes, which are ``async``)."""
    if registry.store.quick_reads:
        return call(*args, **kwargs)
    return await run_in_threadpool(call, *args, **kwargs)


Deleted = Annotated[bool, Query(description="Include soft-deleted versions.")]
Normalize = Annotated[bool, Query(description="Compare and store the normalised form.")]
Offset = Annotated[int, Query(ge=0, description="Skip this many items.")]
Limit = Annotated[int, Query(ge=-1, description="At most this many items (-1: all).")]


def page(items: Sequence[Any], offset: int, limit: int) -> list[Any]:
    """Confluent's ``offset``/``limit`` pagination (``limit`` -1 = all)."""
    end = None if limit < 0 else offset + limit
    return list(items[offset:end])


class ReferenceBody(BaseModel):
    """A schema reference: the name the schema uses, and the subject version defining it."""

    model_config = ConfigDict(extra="ignore")
    name: str
    subject: str
    version: int


class SchemaBody(BaseModel):
    """A schema to register, look up or check (Confluent's ``Schema`` object)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    schema_text: str = Field(alias="schema", description="The schema document, as a string.")
    schemaType: str | None = Field(default=None, description="AVRO (default) or JSON.")
    references: list[ReferenceBody] | None = None
    metadata: dict[str, Any] | None = None
    ruleSet: dict[str, Any] | None = None
    id: int | None = Field(default=None, description="IMPORT mode only: the schema id to keep.")
    version: int | None = Field(default=None, description="IMPORT mode only: the version.")

    def request(self) -> SchemaRequest:
        return SchemaRequest(
            schema=self.schema_text,
            schema_type=self.schemaType,
            references=tuple(
                Reference(r.name, r.subject, r.version) for r in self.references or ()
            ),
            metadata=self.metadata,
            rule_set=self.ruleSet,
            id=self.id,
            version=self.version,
        )


class ConfigBody(BaseModel):
    """A config update: ``compatibility`` (or ``compatibilityLevel``), ``normalize``,
    ``compatibilityPolicy`` (strict | lenient), and Confluent's other ServerConfig keys."""

    model_config = ConfigDict(extra="allow")
    compatibility: str | None = None
    compatibilityLevel: str | None = None
    normalize: bool | None = None
    compatibilityPolicy: str | None = None


class ModeBody(BaseModel):
    """A mode: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT."""

    model_config = ConfigDict(extra="ignore")
    mode: str
