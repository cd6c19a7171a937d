"""The ASGI app: Confluent's Schema Registry REST API over a store.

>>> app = create_app("sqlite:///registry.db")          # doctest: +SKIP
>>> uvicorn.run(app, port=8081)                         # doctest: +SKIP

Routes live in :mod:`accord.registry.routes` (one module per URL prefix), the rules in
:mod:`accord.registry.service`, storage in :mod:`accord.registry.store`. Every error leaves
as a Confluent body ``{"error_code": ..., "message": ...}``: a client's mistake is a 4xx
(clients retry 5xx for seconds), a 5xx (50001) only means the store failed, and no response
ever carries a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from accord import __version__
from accord.registry.auth import AuthConfig, AuthMiddleware
from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.guard import DEFAULT_MAX_BODY, BodyGuard
from accord.registry.routes import compatibility, config, mode, schemas, server, subjects
from accord.registry.routes.common import RegistryJSON
from accord.registry.service import Registry
from accord.registry.store import Store, open_store

log = logging.getLogger("accord.registry")

# Routes are matched in order, one regex after another: the cheap root first, then the
# deserializers' hot path (/schemas/ids/{id}), then the serializers' (/subjects/...).
ROUTERS = (
    server.router,
    schemas.router,
    subjects.router,
    compatibility.router,
    config.router,
    mode.router,
)

DESCRIPTION = (
    "accord's schema registry speaks Confluent Schema Registry's REST API, so confluent-kafka's"
    " serializers and every other Confluent client work against it unchanged. Errors are"
    ' `{"error_code": 40401, "message": "..."}` with Confluent\'s codes.'
)


def create_app(
    store: Store | str,
    *,
    auth: AuthConfig | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> FastAPI:
    """The registry app over ``store`` (a store, or a store URL opened and migrated now).

    ``auth`` None leaves the registry open; ``max_body`` caps request bodies (bytes).
    """
    owned = isinstance(store, str)
    the_store = open_store(store) if isinstance(store, str) else store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            the_store.close()

    app = FastAPI(
        title="accord schema registry",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=RegistryJSON,
    )
    app.state.registry = Registry(the_store)
    # Routes go straight into the app's own table (FastAPI walks included routers one by one
    # on every request, which costs more than the hot handlers), with the API docs last.
    docs = list(app.router.routes)
    app.router.routes[:] = [route for router in ROUTERS for route in router.routes] + docs
    app.add_exception_handler(RegistryFault, _fault)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crash)
    app.add_middleware(BodyGuard, max_body=max_body)
    if auth is not None:
        app.add_middleware(AuthMiddleware, config=auth)  # outermost: checked first
    return app


def _error(status: int, code: int, message: str) -> Response:
    return RegistryJSON({"error_code": code, "message": message}, status_code=status)


async def _fault(_request: Request, exc: RegistryFault) -> Response:
    return _error(exc.status, int(exc.code), exc.message)


_BODY_CODES = {"/config": ErrorCode.INVALID_COMPATIBILITY_LEVEL, "/mode": ErrorCode.INVALID_MODE}
_BODY_EXAMPLES = {
    "/config": '{"compatibility": "BACKWARD"}',
    "/mode": '{"mode": "READWRITE"}',
}


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """Bad bodies and parameters: a 4xx naming the field, never FastAPI's 422 list."""
    first = exc.errors()[0]
    where, *rest = [str(p) for p in first.get("loc", ("request",))]
    field = ".".join(rest)
    prefix = "/" + request.url.path.strip("/").split("/", 1)[0]
    if where == "body":
        if first.get("type") == "json_invalid":
            detail = (first.get("ctx") or {}).get("error", first.get("msg"))
            return _error(400, 400, f"Malformed JSON body: {detail} (at character {field})")
        code = _BODY_CODES.get(prefix, ErrorCode.INVALID_SCHEMA)
        if not field:
            example = _BODY_EXAMPLES.get(prefix, '{"schema": "<the schema as a string>"}')
            return _error(422, int(code), f"A JSON object body is required, such as {example}")
        return _error(422, int(code), f"Invalid request body: field {field!r}: {first.get('msg')}")
    if where == "path" and field == "schema_id":
        return _error(404, int(ErrorCode.SCHEMA_NOT_FOUND), "Schema not found: ids are integers")
    return _error(400, 400, f"Invalid {where} parameter {field!r}: {first.get('msg')}")


async def _http_error(request: Request, exc: HTTPException) -> Response:
    message = str(exc.detail)
    if exc.status_code == 404:
        message = f"HTTP 404 Not Found: {request.method} {request.url.path} is not an endpoint"
    elif exc.status_code == 405:
        message = f"HTTP 405 Method Not Allowed: {request.method} {request.url.path}"
    return _error(exc.status_code, exc.status_code, message)


async def _crash(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(
        500,
        int(ErrorCode.STORE_ERROR),
        f"Internal error in the registry ({type(exc).__name__}); the server log has the details",
    )
