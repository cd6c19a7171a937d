"""Stock decisions and the StockUpdated events they imply, in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from accord.runtime import Publisher, Transaction
from services.inventory import db
from services.inventory.contracts import (
    InventoryProducer,
    OrderConfirmed,
    OrderPlaced,
    OrderRejected,
    StockChange,
    StockUpdated,
)


def _event(
    stock: db.Stock,
    change: StockChange,
    quantity: int,
    order_id: uuid.UUID | None = None,
    line_count: int | None = None,
) -> StockUpdated:
    return StockUpdated(
        occurred_at=datetime.now(UTC),
        sku=stock.sku,
        change=change,
        quantity=quantity,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        order_id=order_id,
        line_count=line_count,
    )


def restock(tx: Transaction, publisher: Publisher, sku: str, quantity: int) -> db.Stock:
    stock = db.restock(tx, sku, quantity)
    InventoryProducer(publisher).publish_stock_updated(
        _event(stock, StockChange.RESTOCKED, quantity)
    )
    return stock


def reserve(tx: Transaction, publisher: Publisher, order: OrderPlaced) -> bool:
    """Reserve every line of ``order`` or none; one StockUpdated per line either way."""
    order_id = str(order.order_id)
    if db.reservations(tx, order_id):
        return False  # already decided (the inbox makes this rare; the table makes it certain)
    producer = InventoryProducer(publisher)
    stocks = {line.sku: db.get(tx, line.sku) for line in order.lines}
    enough = all(stocks[line.sku].available >= line.quantity for line in order.lines)
    count = len(order.lines)
    for line in sorted(order.lines, key=lambda ln: ln.sku):
        if enough:
            stock = db.add_reserved(tx, line.sku, line.quantity)
            db.record(tx, order_id, line.sku, line.quantity, db.RESERVED)
            change = StockChange.RESERVED
        else:
            stock = stocks[line.sku]
            db.record(tx, order_id, line.sku, line.quantity, db.REFUSED)
            short = stock.available < line.quantity
            change = StockChange.INSUFFICIENT if short else StockChange.NOT_RESERVED
        producer.publish_stock_updated(_event(stock, change, line.quantity, order.order_id, count))
    return enough


def _settle(tx: Transaction, publisher: Publisher, order_id: uuid.UUID, shipped: bool) -> int:
    producer = InventoryProducer(publisher)
    settled = 0
    for sku, quantity, status in db.reservations(tx, str(order_id)):
        if status != db.RESERVED:
            continue
        if shipped:
            stock = db.ship(tx, sku, quantity)
            db.set_status(tx, str(order_id), sku, db.SHIPPED)
            change = StockChange.SHIPPED
        else:
            stock = db.add_reserved(tx, sku, -quantity)
            db.set_status(tx, str(order_id), sku, db.RELEASED)
            change = StockChange.RELEASED
        producer.publish_stock_updated(_event(stock, change, quantity, order_id))
        settled += 1
    return settled


def ship(tx: Transaction, publisher: Publisher, event: OrderConfirmed) -> int:
    """The order is final: the reserved units leave the warehouse."""
    return _settle(tx, publisher, event.order_id, shipped=True)


def release(tx: Transaction, publisher: Publisher, event: OrderRejected) -> int:
    """The order is closed: give back anything still reserved for it."""
    return _settle(tx, publisher, event.order_id, shipped=False)
