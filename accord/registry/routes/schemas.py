"""``/schemas``: schemas by global id or guid, where they are used, and the schema types."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accord.registry.model import SchemaType
from accord.registry.routes.common import (
    Deleted,
    Limit,
    Offset,
    RegistryDep,
    RegistryJSON,
    page,
    raw_schema,
    read,
    registry_of,
)

router = APIRouter(prefix="/schemas", tags=["schemas"])


@router.get("", summary="List the latest or every version of every subject")
def list_schemas(
    registry: RegistryDep,
    subjectPrefix: str = "",
    deleted: Deleted = False,
    latestOnly: bool = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> Response:
    found = registry.schemas(prefix=subjectPrefix, deleted=deleted, latest_only=latestOnly)
    return RegistryJSON(page([v.to_dict() for v in found], offset, limit))


@router.get("/types", summary="The schema types this registry accepts")
def schema_types() -> Response:
    return RegistryJSON([t.value for t in SchemaType])


@router.get(
    "/ids/{schema_id}",
    summary="A schema by its global id (a ?subject= query, as deserializers send, is ignored)",
)
async def by_id(schema_id: int, request: Request) -> Response:
    # The deserializers' hot path: the registry comes from the app state, not a dependency
    # (solving one costs as much as the read), and ``subject`` is not parsed (ids are global).
    registry = registry_of(request)
    found = registry.ids.get(schema_id)  # a replica's cache hit needs no worker thread
    if found is None:
        found = await read(registry, registry.schema, schema_id)
    return RegistryJSON(found.to_dict())


@router.get("/ids/{schema_id}/schema", summary="A schema's text by its global id")
async def text_by_id(schema_id: int, registry: RegistryDep) -> Response:
    return raw_schema((await read(registry, registry.schema, schema_id)).text)


@router.get("/ids/{schema_id}/subjects", summary="Subjects using a schema id")
def subjects_of(
    schema_id: int,
    registry: RegistryDep,
    subject: str | None = None,
    deleted: Deleted = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> Response:
    found = registry.usages(schema_id, subject=subject, deleted=deleted)
    return RegistryJSON(page(sorted({u.subject for u in found}), offset, limit))


@router.get("/ids/{schema_id}/versions", summary="Subject versions using a schema id")
def versions_of(
    schema_id: int,
    registry: RegistryDep,
    subject: str | None = None,
    deleted: Deleted = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> Response:
    found = registry.usages(schema_id, subject=subject, deleted=deleted)
    pairs = [{"subject": u.subject, "version": u.version} for u in found]
    return RegistryJSON(page(pairs, offset, limit))


@router.get("/guids/{guid}", summary="A schema by its guid")
async def by_guid(guid: str, registry: RegistryDep) -> Response:
    found = await read(registry, registry.schema_by_guid, guid)
    return RegistryJSON({**found.to_dict(), "id": found.id})
