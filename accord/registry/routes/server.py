"""Server-level routes: the root, a health check that touches the store, contexts, and the
associations probe every confluent-kafka serializer sends first."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.routes.common import RegistryDep, RegistryJSON

router = APIRouter(tags=["server"])


@router.get("/", summary="Root (Confluent answers {})")
async def root() -> Response:
    return RegistryJSON({})


@router.get("/health", summary="200 when the registry and its store answer")
def health(registry: RegistryDep) -> Response:
    registry.ping()
    return RegistryJSON({"status": "UP"})


@router.get("/contexts", summary="Schema contexts (only the default one)")
def contexts() -> Response:
    return RegistryJSON(["."])


@router.get(
    "/associations/resources/{namespace}/{resource}",
    summary="Associations of a resource (none: clients fall back to the topic strategy)",
)
def associations(namespace: str, resource: str) -> Response:
    raise RegistryFault(
        ErrorCode.ASSOCIATION_NOT_FOUND,
        f"Association for '{namespace}/{resource}' not found; this registry names subjects by"
        " strategy (topic, record, topic_record)",
    )
