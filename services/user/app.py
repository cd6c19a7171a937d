"""Wiring: database + runtime + HTTP API of the user service."""

from __future__ import annotations

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, ensure_topics, open_database
from accord.runtime.http import auto_register, service_app
from services.user import api, db
from services.user.contracts import UserProducer

NAME = "user"


def create_app(db_url: str) -> FastAPI:
    def runtime() -> ServiceRuntime:
        database = open_database(db_url)
        database.install(db.SCHEMA)
        rt = ServiceRuntime(NAME, db=database, auto_register=auto_register())
        ensure_topics(rt.settings, {e.TOPIC for e in UserProducer.EVENTS})
        return rt

    return service_app(
        NAME,
        runtime=runtime,
        routes=api.router,
        description="Owns customer accounts; publishes UserCreated and UserUpdated.",
    )
