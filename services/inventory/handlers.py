"""What the inventory service does with order events; each handler shares its transaction
with the inbox, so a redelivered event changes nothing."""

from __future__ import annotations

from accord.runtime import Metadata, current
from services.inventory import stock
from services.inventory.contracts import (
    InventoryConsumer,
    OrderConfirmed,
    OrderPlaced,
    OrderRejected,
)


def on_order_placed(event: OrderPlaced, meta: Metadata) -> None:
    ctx = current()
    stock.reserve(ctx.tx, ctx.outbox, event)


def on_order_confirmed(event: OrderConfirmed, meta: Metadata) -> None:
    ctx = current()
    stock.ship(ctx.tx, ctx.outbox, event)


def on_order_rejected(event: OrderRejected, meta: Metadata) -> None:
    ctx = current()
    stock.release(ctx.tx, ctx.outbox, event)


def consumer() -> InventoryConsumer:
    c = InventoryConsumer()
    c.on_order_placed(on_order_placed)
    c.on_order_confirmed(on_order_confirmed)
    c.on_order_rejected(on_order_rejected)
    return c
