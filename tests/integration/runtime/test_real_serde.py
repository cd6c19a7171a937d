"""The runtime with the real parts: accord's serde, its registry server and the generated
reference classes (``services/*/contracts``). The user service writes users through its outbox;
the order service keeps a local copy through its generated consumer, with version checks; an
event written with an incompatible schema goes to the dead-letter topic with the reason."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from typing import Any

import fastavro
import httpx
import pytest
from confluent_kafka import Producer

from accord.devstack.pytest_plugin import BrokerEndpoint, RegistryEndpoint
from accord.runtime import (
    EventConsumer,
    KafkaSettings,
    Metadata,
    OutboxPublisher,
    OutboxRelay,
    VersionCheck,
    current,
    read_dead_letters,
)
from accord.runtime.db import Database
from accord.runtime.serde import Serde
from accord.runtime.wire import frame
from services.order.contracts import OrderConsumer
from services.order.contracts import events as order_events
from services.user.contracts import UserCreated, UserProducer, UserStatus, UserUpdated
from tests.integration.runtime.helpers import FAST_GROUP, wait_rows

pytestmark = pytest.mark.integration


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def created(user_id: uuid.UUID, email: str) -> UserCreated:
    return UserCreated(
        event_id=uuid.uuid4(), occurred_at=_now(), user_id=user_id, version=1, email=email,
        full_name="Ada", status=UserStatus.ACTIVE,
    )  # fmt: skip


def updated(user_id: uuid.UUID, version: int, email: str) -> UserUpdated:
    return UserUpdated(
        event_id=uuid.uuid4(), occurred_at=_now(), user_id=user_id, version=version,
        email=email, full_name="Ada", status=UserStatus.ACTIVE, changed_fields=("email",),
    )  # fmt: skip


def register_incompatible_user_updated(registry_url: str) -> tuple[int, dict[str, Any]]:
    """A producer that changed ``version`` from long to string: registered with the subject's
    compatibility switched off, as a careless deploy would."""
    subject = UserUpdated.SUBJECT
    schema = json.loads(UserUpdated.SCHEMA)
    for field in schema["fields"]:
        if field["name"] == "version":
            field["type"] = "string"
    with httpx.Client(base_url=registry_url, timeout=10) as client:
        client.put(f"/config/{subject}", json={"compatibility": "NONE"}).raise_for_status()
        answer = client.post(f"/subjects/{subject}/versions", json={"schema": json.dumps(schema)})
        answer.raise_for_status()
        return int(answer.json()["id"]), schema


def test_user_copies_flow_through_outbox_serde_and_generated_consumer(
    accord_broker: BrokerEndpoint, accord_registry: RegistryEndpoint, db: Database
) -> None:
    settings = KafkaSettings(accord_broker.bootstrap_servers, accord_registry.url)
    serde = Serde(accord_registry.url, auto_register=True)
    group = f"order-{uuid.uuid4().hex[:8]}"
    db.install(["CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, version INTEGER)"])

    # The user service: state change + event in one transaction, relayed from the outbox.
    ada, bob = uuid.uuid4(), uuid.uuid4()
    events: list[Any] = [
        created(ada, "ada@example.com"),
        updated(ada, 3, "ada@v3.example.com"),
        updated(ada, 2, "ada@v2.example.com"),  # arrives late: must not win
        created(bob, "bob@example.com"),
    ]
    relay = OutboxRelay(db, settings)
    with db.transaction() as tx:
        producer = UserProducer(OutboxPublisher(tx, serde))
        for event in events:
            if isinstance(event, UserCreated):
                producer.publish_user_created(event)
            else:
                producer.publish_user_updated(event)
    while relay.run_once():
        pass

    # An incompatible producer, then a good event after it.
    bad_id, bad_schema = register_incompatible_user_updated(accord_registry.url)
    body = io.BytesIO()
    bad = {**updated(bob, 9, "x").to_dict(), "version": "nine"}
    fastavro.schemaless_writer(body, fastavro.parse_schema(bad_schema), bad)
    raw = Producer(settings.config())
    raw.produce(UserUpdated.TOPIC, frame(bad_id, body.getvalue()), key=str(bob).encode())
    raw.flush(10)
    with db.transaction() as tx:
        UserProducer(OutboxPublisher(tx, serde)).publish_user_updated(
            updated(bob, 2, "bob@v2.example.com")
        )
    while relay.run_once():
        pass

    # The order service's local copy of users, through its generated consumer.
    order = OrderConsumer()

    @order.on_user_created
    def on_created(event: order_events.UserCreated, _meta: Metadata) -> None:
        current().tx.execute(
            "INSERT INTO users (id, email, version) VALUES (?, ?, ?)",
            (str(event.user_id), event.email, event.version),
        )

    @order.on_user_updated
    def on_updated(event: order_events.UserUpdated, _meta: Metadata) -> None:
        current().tx.execute(
            "UPDATE users SET email = ?, version = ? WHERE id = ?",
            (event.email, event.version, str(event.user_id)),
        )

    user_versions = VersionCheck("user", key_field="user_id")  # one entity, both events
    consumer = EventConsumer(
        group_id=group,
        handlers={cls: h for cls, h in order.handlers().items() if cls.TOPIC == "user.events"},
        version_checks={"UserCreated": user_versions, "UserUpdated": user_versions},
        codec=Serde(accord_registry.url),
        db=db,
        settings=settings,
        config=FAST_GROUP,
    ).start()
    try:
        wait_rows(db, f"SELECT COUNT(*) FROM users WHERE id = '{bob}' AND version = 2", 1)
        letters = [
            d for d in read_dead_letters(settings, UserUpdated.TOPIC)
            if d.header("dlq.consumer_group") == group
        ]  # fmt: skip
    finally:
        consumer.stop()
    with db.read() as tx:
        users = {r[0]: (r[1], r[2]) for r in tx.query("SELECT id, email, version FROM users")}
    assert users[str(ada)] == ("ada@v3.example.com", 3)
    assert users[str(bob)] == ("bob@v2.example.com", 2)
    assert [d.reason for d in letters] == ["incompatible-schema"]
    assert f"schema id {bad_id}" in letters[0].error
    assert int(letters[0].header("dlq.original_offset") or -1) >= 0
