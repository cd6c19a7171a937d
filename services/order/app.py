"""Wiring: database + runtime (consumer of user and stock events) + HTTP API + hold sweeper."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI

from accord.runtime import ServiceRuntime, dead_letter_topic, ensure_topics, open_database
from accord.runtime.http import auto_register, service_app
from services.order import api, db, handlers, saga
from services.order.contracts import OrderConsumer, OrderProducer

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
        rt = ServiceRuntime(
            NAME,
            db=database,
            handlers=handlers.consumer().handlers(),
            version_checks=handlers.VERSION_CHECKS,
            auto_register=auto_register(),
        )
        topics = {e.TOPIC for e in OrderProducer.EVENTS} | set(OrderConsumer.TOPICS)
        ensure_topics(rt.settings, topics | {dead_letter_topic(t) for t in OrderConsumer.TOPICS})
        return rt

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
