"""What the order service does with the events it consumes. Each handler runs in the
transaction that also records the event in the inbox, so its effects apply exactly once."""

from __future__ import annotations

from collections.abc import Mapping

from accord.runtime import EventType, Metadata, VersionCheck, current
from services.order import db, saga
from services.order.contracts import OrderConsumer, StockUpdated, UserCreated, UserUpdated

# A late UserUpdated (or a redelivered UserCreated) must not overwrite a newer copy.
VERSION_CHECKS: Mapping[type[EventType] | str, VersionCheck] = {
    "UserCreated": VersionCheck("user", key_field="user_id"),
    "UserUpdated": VersionCheck("user", key_field="user_id"),
}


def on_user(event: UserCreated | UserUpdated, meta: Metadata) -> None:
    ctx = current()
    user_id = str(event.user_id)
    db.upsert_user(
        ctx.tx,
        user_id,
        event.version,
        event.email,
        event.full_name,
        event.status.value,
        event.occurred_at.isoformat(),
    )
    saga.user_changed(ctx.tx, ctx.outbox, user_id)


def on_stock_updated(event: StockUpdated, meta: Metadata) -> None:
    ctx = current()
    saga.stock_answered(ctx.tx, ctx.outbox, event)


def consumer() -> OrderConsumer:
    c = OrderConsumer()
    c.on_user_created(on_user)
    c.on_user_updated(on_user)
    c.on_stock_updated(on_stock_updated)
    return c
