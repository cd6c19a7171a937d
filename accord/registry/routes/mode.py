"""``/mode``: READWRITE, READONLY or IMPORT, global and per subject."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from accord.registry.model import GLOBAL
from accord.registry.routes.common import ModeBody, RegistryDep, RegistryJSON

router = APIRouter(prefix="/mode", tags=["mode"])


@router.get("", summary="The global mode")
def get_global(registry: RegistryDep) -> Response:
    return RegistryJSON({"mode": registry.get_mode(GLOBAL).value})


@router.put("", summary="Set the global mode (IMPORT on a non-empty registry needs force)")
def put_global(body: ModeBody, registry: RegistryDep, force: bool = False) -> Response:
    return RegistryJSON({"mode": registry.set_mode(GLOBAL, body.mode, force=force).value})


@router.delete("", summary="Reset the global mode to READWRITE")
def delete_global(registry: RegistryDep) -> Response:
    return RegistryJSON({"mode": registry.delete_mode(GLOBAL).value})


@router.get("/{subject}", summary="A subject's mode (defaultToGlobal=true: falls back)")
def get_subject(subject: str, registry: RegistryDep, defaultToGlobal: bool = False) -> Response:
    return RegistryJSON(
        {"mode": registry.get_mode(subject, default_to_global=defaultToGlobal).value}
    )


@router.put("/{subject}", summary="Set a subject's mode")
def put_subject(
    subject: str, body: ModeBody, registry: RegistryDep, force: bool = False
) -> Response:
    return RegistryJSON({"mode": registry.set_mode(subject, body.mode, force=force).value})


@router.delete("/{subject}", summary="Remove a subject's mode (the global one applies)")
def delete_subject(subject: str, registry: RegistryDep) -> Response:
    return RegistryJSON({"mode": registry.delete_mode(subject).value})
