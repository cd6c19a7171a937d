"""An HTTP front for a service built on :class:`~accord.runtime.ServiceRuntime`.

A service's HTTP API is for its clients (never for other services). This module gives every
such API the same life cycle and the same operational endpoints:

- the runtime (outbox relay + consumer) starts with the app and stops, drained, with it;
- background loops (a sweeper, say) run in threads until shutdown;
- ``GET /health`` answers 200 once the runtime runs (``ready`` is true once the consumer has
  its partitions), ``GET /status`` returns the runtime's counters, lag and outbox backlog.

    app = service_app(
        "order",
        runtime=lambda: ServiceRuntime("order", db=db, handlers=consumer.handlers()),
        routes=router,
    )
    serve(app, "127.0.0.1", 8001)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from accord.runtime.service import ServiceRuntime

Loop = Callable[[ServiceRuntime, threading.Event], None]

log = logging.getLogger("accord.runtime.http")


def service_app(
    name: str,
    *,
    runtime: Callable[[], ServiceRuntime],
    routes: APIRouter,
    description: str = "",
    version: str = "1.0.0",
    loops: Sequence[Loop] = (),
) -> FastAPI:
    """A FastAPI app whose lifespan runs ``runtime()`` and ``loops``."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime().start()
        app.state.runtime = rt
        stop = threading.Event()
        threads = [
            threading.Thread(target=_guarded(loop, rt, stop), name=f"{name}-loop-{i}", daemon=True)
            for i, loop in enumerate(loops)
        ]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            rt.stop()

    app = FastAPI(
        title=f"{name} service", description=description, version=version, lifespan=lifespan
    )

    @app.get("/health", tags=["operations"], summary="Liveness and readiness")
    def health(request: Request) -> JSONResponse:
        status = runtime_of(request).status()
        consumer = status.get("consumer")
        ready = bool(status.get("running")) and (consumer is None or bool(consumer["assigned"]))
        return JSONResponse({"service": name, "ready": ready}, status_code=200)

    @app.get("/status", tags=["operations"], summary="Runtime counters, lag, outbox backlog")
    def status(request: Request) -> dict[str, Any]:
        return runtime_of(request).status()

    app.include_router(routes)
    return app


def runtime_of(request: Request) -> ServiceRuntime:
    """The running :class:`ServiceRuntime` of the app serving ``request`` (for route handlers
    of a :func:`service_app`)."""
    rt: ServiceRuntime = request.app.state.runtime
    return rt


def _guarded(loop: Loop, rt: ServiceRuntime, stop: threading.Event) -> Callable[[], None]:
    def run() -> None:
        while not stop.is_set():
            try:
                loop(rt, stop)
                return
            except Exception:
                log.exception("background loop failed; restarting it in 1 s")
                stop.wait(1.0)

    return run


def serve_args(name: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """``--host``, ``--port`` and ``--db`` for a service's ``__main__`` (env: ``PORT``,
    ``<NAME>_DB_URL``); Kafka and registry addresses come from :class:`KafkaSettings`."""
    parser = argparse.ArgumentParser(
        prog=f"python -m services.{name}", description=f"The {name} service."
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--db",
        default=os.environ.get(f"{name.upper()}_DB_URL", f"sqlite:///.accord/services/{name}.db"),
        help="database URL: sqlite:///PATH (default) or postgresql://...",
    )
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "info"))
    return parser.parse_args(argv)


def auto_register() -> bool:
    """Whether producers register their schemas on first use (``ACCORD_AUTO_REGISTER=1``).

    Off by default: in a governed system CI pushes schemas (``accord registry push``) after
    the gate, and a producer whose schema is not registered keeps its events in the outbox."""
    return os.environ.get("ACCORD_AUTO_REGISTER", "").lower() in ("1", "true", "yes")


def serve(app: FastAPI, host: str, port: int, *, log_level: str = "warning") -> None:
    """Run ``app`` with uvicorn until SIGINT/SIGTERM (the runtime drains on the way out)."""
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
