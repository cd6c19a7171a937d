"""Wiring: database + runtime (consumer of user and stock events) + HTTP API + hold sweeper."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, open_database
from accord.runtime.http import auto_register, service_app
from services.order import api, db, handlers, saga

NAME = "order"
SWEEP_EVERY_S = 0.5


def sweep_holds(rt: ServiceRuntime, stop: threading.Event) -> None:
    """Reject held orders whose user did not appear within the bound."""
    while not stop.wait(SWEEP_EVERY_S):
        with rt.transaction() as tx:
            saga.expire_holds(tx, rt.outbox(tx), time.time())


def create_app(db_url: str) -> FastAPI:
    def runtime() -> ServiceRuntime:
        database = open_database(db_url)
        database.install(db.SCHEMA)
        # The runtime creates the topics it reads (with their dead-letter topics) and those it
        # publishes to, now and after a broker restart.
        return ServiceRuntime(
            NAME,
            db=database,
            handlers=handlers.consumer().handlers(),
            version_checks=handlers.VERSION_CHECKS,
            auto_register=auto_register(),
        )

    return service_app(
        NAME,
        runtime=runtime,
        routes=api.router,
        description=(
            "Owns orders; keeps a local copy of users from their events; places orders and"
            " settles them from inventory's stock answers."
        ),
        loops=[sweep_holds],
    )
