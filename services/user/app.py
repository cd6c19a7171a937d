"""Wiring: database + runtime + HTTP API of the user service."""

from __future__ import annotations

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, open_database
from accord.runtime.http import auto_register, service_app
from services.user import api, db

NAME = "user"


def create_app(db_url: str) -> FastAPI:
    def runtime() -> ServiceRuntime:
        database = open_database(db_url)
        database.install(db.SCHEMA)
        # The runtime creates the topics it publishes to, now and after a broker restart.
        return ServiceRuntime(NAME, db=database, auto_register=auto_register())

    return service_app(
        NAME,
        runtime=runtime,
        routes=api.router,
        description="Owns customer accounts; publishes UserCreated and UserUpdated.",
    )
