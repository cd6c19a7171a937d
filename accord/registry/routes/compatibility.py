"""``/compatibility``: would this schema be accepted? With ``verbose=true``, why not."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from accord.registry.compat import Verdict
from accord.registry.routes.common import Normalize, RegistryDep, RegistryJSON, SchemaBody

router = APIRouter(prefix="/compatibility", tags=["compatibility"])


def _answer(verdict: Verdict, verbose: bool) -> Response:
    body: dict[str, object] = {"is_compatible": verdict.compatible}
    if verbose:
        body["messages"] = list(verdict.messages)
    return RegistryJSON(body)


@router.post(
    "/subjects/{subject}/versions", summary="Check against the versions the subject's level names"
)
def check_all(
    subject: str,
    body: SchemaBody,
    registry: RegistryDep,
    normalize: Normalize = False,
    verbose: bool = False,
) -> Response:
    return _answer(registry.check(subject, body.request(), normalize=normalize), verbose)


@router.post("/subjects/{subject}/versions/{version}", summary="Check against one version")
def check_one(
    subject: str,
    version: str,
    body: SchemaBody,
    registry: RegistryDep,
    normalize: Normalize = False,
    verbose: bool = False,
) -> Response:
    verdict = registry.check(subject, body.request(), spec=version, normalize=normalize)
    return _answer(verdict, verbose)
