"""``/config``: compatibility level, policy and normalisation, global and per subject."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from accord.registry.model import GLOBAL
from accord.registry.routes.common import ConfigBody, RegistryDep, RegistryJSON

router = APIRouter(prefix="/config", tags=["config"])


@router.get("", summary="The global config")
def get_global(registry: RegistryDep) -> Response:
    return RegistryJSON(registry.get_config(GLOBAL))


@router.put("", summary="Update the global config")
def put_global(body: ConfigBody, registry: RegistryDep) -> Response:
    return RegistryJSON(registry.set_config(GLOBAL, body.model_dump(exclude_none=True)))


@router.delete("", summary="Reset the global config to the defaults")
def delete_global(registry: RegistryDep) -> Response:
    return RegistryJSON(registry.delete_config(GLOBAL))


@router.get("/{subject}", summary="A subject's config (defaultToGlobal=true: merged)")
def get_subject(subject: str, registry: RegistryDep, defaultToGlobal: bool = False) -> Response:
    return RegistryJSON(registry.get_config(subject, default_to_global=defaultToGlobal))


@router.put("/{subject}", summary="Update a subject's config")
def put_subject(subject: str, body: ConfigBody, registry: RegistryDep) -> Response:
    return RegistryJSON(registry.set_config(subject, body.model_dump(exclude_none=True)))


@router.delete("/{subject}", summary="Remove a subject's config (the global one applies)")
def delete_subject(subject: str, registry: RegistryDep) -> Response:
    return RegistryJSON(registry.delete_config(subject))
