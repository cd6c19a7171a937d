"""The inventory service's own tables: stock per SKU and reservations per order line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.runtime import Transaction

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS stock (
        sku TEXT PRIMARY KEY,
        on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
        reserved BIGINT NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
        restocked BIGINT NOT NULL DEFAULT 0,
        shipped BIGINT NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS reservations (
        order_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        quantity BIGINT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (order_id, sku)
    )""",
)

RESERVED = "RESERVED"
REFUSED = "REFUSED"
RELEASED = "RELEASED"
SHIPPED = "SHIPPED"


@dataclass(frozen=True)
class Stock:
    sku: str
    on_hand: int
    reserved: int
    restocked: int
    shipped: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "on_hand": self.on_hand,
            "reserved": self.reserved,
            "available": self.available,
            "restocked": self.restocked,
            "shipped": self.shipped,
        }


def get(tx: Transaction, sku: str) -> Stock:
    rows = tx.query(
        "SELECT sku, on_hand, reserved, restocked, shipped FROM stock WHERE sku = ?", (sku,)
    )
    return Stock(*rows[0]) if rows else Stock(sku, 0, 0, 0, 0)


def all_stock(tx: Transaction) -> list[Stock]:
    return [
        Stock(*r)
        for r in tx.query(
            "SELECT sku, on_hand, reserved, restocked, shipped FROM stock ORDER BY sku"
        )
    ]


def restock(tx: Transaction, sku: str, quantity: int) -> Stock:
    if tx.query("SELECT 1 FROM stock WHERE sku = ?", (sku,)):
        tx.execute(
            "UPDATE stock SET on_hand = on_hand + ?, restocked = restocked + ? WHERE sku = ?",
            (quantity, quantity, sku),
        )
    else:
        tx.execute(
            "INSERT INTO stock (sku, on_hand, reserved, restocked, shipped) VALUES (?, ?, 0, ?, 0)",
            (sku, quantity, quantity),
        )
    return get(tx, sku)


def add_reserved(tx: Transaction, sku: str, delta: int) -> Stock:
    tx.execute("UPDATE stock SET reserved = reserved + ? WHERE sku = ?", (delta, sku))
    return get(tx, sku)


def ship(tx: Transaction, sku: str, quantity: int) -> Stock:
    tx.execute(
        "UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ?, shipped = shipped + ?"
        " WHERE sku = ?",
        (quantity, quantity, quantity, sku),
    )
    return get(tx, sku)


def reservations(tx: Transaction, order_id: str) -> list[tuple[str, int, str]]:
    return [
        (str(sku), int(q), str(s))
        for sku, q, s in tx.query(
            "SELECT sku, quantity, status FROM reservations WHERE order_id = ? ORDER BY sku",
            (order_id,),
        )
    ]


def record(tx: Transaction, order_id: str, sku: str, quantity: int, status: str) -> None:
    tx.execute(
        "INSERT INTO reservations (order_id, sku, quantity, status) VALUES (?, ?, ?, ?)",
        (order_id, sku, quantity, status),
    )


def set_status(tx: Transaction, order_id: str, sku: str, status: str) -> None:
    tx.execute(
        "UPDATE reservations SET status = ? WHERE order_id = ? AND sku = ?",
        (status, order_id, sku),
    )


def reservation_counts(tx: Transaction) -> dict[str, int]:
    return {
        str(s): int(n)
        for s, n in tx.query("SELECT status, COUNT(*) FROM reservations GROUP BY status")
    }
