"""``/subjects``: list, look up, register, read and delete subjects and their versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from accord.registry.routes.common import (
    Deleted,
    Limit,
    Normalize,
    Offset,
    RegistryDep,
    RegistryJSON,
    SchemaBody,
    page,
    raw_schema,
    read,
)

router = APIRouter(prefix="/subjects", tags=["subjects"])


@router.get("", summary="List subjects")
def list_subjects(
    registry: RegistryDep,
    subjectPrefix: str = "",
    deleted: Deleted = False,
    deleted_only: bool = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> Response:
    found = registry.subjects(prefix=subjectPrefix, deleted=deleted, deleted_only=deleted_only)
    return RegistryJSON(page(found, offset, limit))


@router.post("/{subject}", summary="Look up a schema under a subject")
def lookup(
    subject: str,
    body: SchemaBody,
    registry: RegistryDep,
    normalize: Normalize = False,
    deleted: Deleted = False,
) -> Response:
    found = registry.lookup(subject, body.request(), normalize=normalize, deleted=deleted)
    return RegistryJSON(found.to_dict())


@router.delete("/{subject}", summary="Delete a subject (soft, or permanent=true)")
def delete_subject(subject: str, registry: RegistryDep, permanent: bool = False) -> Response:
    return RegistryJSON(registry.delete_subject(subject, permanent=permanent))


@router.get("/{subject}/versions", summary="List a subject's versions")
def list_versions(
    subject: str,
    registry: RegistryDep,
    deleted: Deleted = False,
    deleted_only: bool = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> Response:
    found = registry.versions(subject, deleted=deleted, deleted_only=deleted_only)
    return RegistryJSON(page(found, offset, limit))


@router.post("/{subject}/versions", summary="Register a schema under a subject")
def register(
    subject: str, body: SchemaBody, registry: RegistryDep, normalize: Normalize = False
) -> Response:
    done = registry.register(subject, body.request(), normalize=normalize).subject_version
    return RegistryJSON({"id": done.schema.id, "version": done.version, "guid": done.schema.guid})


@router.get("/{subject}/versions/{version}", summary="Get a version (a number or latest)")
async def get_version(
    subject: str, version: str, registry: RegistryDep, deleted: Deleted = False
) -> Response:
    found = await read(registry, registry.version, subject, version, deleted=deleted)
    return RegistryJSON(found.to_dict())


@router.get("/{subject}/versions/{version}/schema", summary="Get a version's schema text")
def get_version_schema(
    subject: str, version: str, registry: RegistryDep, deleted: Deleted = False
) -> Response:
    return raw_schema(registry.version(subject, version, deleted=deleted).schema.text)


@router.get(
    "/{subject}/versions/{version}/referencedby", summary="Ids of schemas referring to a version"
)
def referenced_by(
    subject: str, version: str, registry: RegistryDep, offset: Offset = 0, limit: Limit = -1
) -> Response:
    return RegistryJSON(page(registry.referenced_by(subject, version), offset, limit))


@router.delete("/{subject}/versions/{version}", summary="Delete a version (soft, or permanent)")
def delete_version(
    subject: str, version: str, registry: RegistryDep, permanent: bool = False
) -> Response:
    return RegistryJSON(registry.delete_version(subject, version, permanent=permanent))


@router.get("/{subject}/metadata", summary="Latest version whose metadata has these properties")
def latest_with_metadata(
    subject: str,
    registry: RegistryDep,
    key: Annotated[list[str] | None, Query()] = None,
    value: Annotated[list[str] | None, Query()] = None,
    deleted: Deleted = False,
) -> Response:
    properties = dict(zip(key or [], value or [], strict=False))
    found = registry.latest_with_metadata(subject, properties, deleted=deleted)
    return RegistryJSON(found.to_dict())
