"""Wiring: database + runtime (consumer of order events) + HTTP API of the inventory service."""

from __future__ import annotations

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, dead_letter_topic, ensure_topics, open_database
from accord.runtime.http import auto_register, service_app
from services.inventory import api, db, handlers
from services.inventory.contracts import InventoryConsumer, InventoryProducer

NAME = "inventory"


def create_app(db_url: str) -> FastAPI:
    def runtime() -> ServiceRuntime:
        database = open_database(db_url)
        database.install(db.SCHEMA)
        rt = ServiceRuntime(
            NAME,
            db=database,
            handlers=handlers.consumer().handlers(),
            auto_register=auto_register(),
        )
        topics = {e.TOPIC for e in InventoryProducer.EVENTS} | set(InventoryConsumer.TOPICS)
        ensure_topics(
            rt.settings, topics | {dead_letter_topic(t) for t in InventoryConsumer.TOPICS}
        )
        return rt

    return service_app(
        NAME,
        runtime=runtime,
        routes=api.router,
        description="Owns stock levels; reserves, ships and releases stock for orders.",
    )
