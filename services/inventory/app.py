"""Wiring: database + runtime (consumer of order events) + HTTP API of the inventory service."""

from __future__ import annotations

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, open_database
from accord.runtime.http import auto_register, service_app
from services.inventory import api, db, handlers

NAME = "inventory"


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
            auto_register=auto_register(),
        )

    return service_app(
        NAME,
        runtime=runtime,
        routes=api.router,
        description="Owns stock levels; reserves, ships and releases stock for orders.",
    )
