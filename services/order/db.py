"""The order service's own tables: orders, their lines, the stock answers received so far,
and the local copy of users."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accord.runtime import Transaction

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        user_id TEXT PRIMARY KEY,
        version BIGINT NOT NULL,
        email TEXT NOT NULL,
        full_name TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        status TEXT NOT NULL,
        currency TEXT NOT NULL,
        total TEXT NOT NULL,
        note TEXT,
        line_count INTEGER NOT NULL,
        reason TEXT,
        detail TEXT,
        created_at TEXT NOT NULL,
        hold_until DOUBLE PRECISION,
        settled_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, hold_until)",
    "CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, status)",
    """CREATE TABLE IF NOT EXISTS order_lines (
        order_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        unit_price TEXT NOT NULL,
        PRIMARY KEY (order_id, line_no)
    )""",
    """CREATE TABLE IF NOT EXISTS stock_answers (
        order_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        change TEXT NOT NULL,
        PRIMARY KEY (order_id, sku)
    )""",
)

PENDING_USER = "PENDING_USER"
PLACED = "PLACED"
CONFIRMED = "CONFIRMED"
REJECTED = "REJECTED"
OPEN = (PENDING_USER, PLACED)

ORDER_COLUMNS = (
    "order_id, user_id, status, currency, total, note, line_count, reason, detail, created_at,"
    " hold_until, settled_at"
)


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Order:
    order_id: str
    user_id: str
    status: str
    currency: str
    total: str
    note: str | None
    line_count: int
    reason: str | None
    detail: str | None
    created_at: str
    hold_until: float | None
    settled_at: str | None
    lines: tuple[Line, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "user_id": self.user_id,
            "status": self.status,
            "currency": self.currency,
            "total": self.total,
            "note": self.note,
            "reason": self.reason,
            "detail": self.detail,
            "created_at": self.created_at,
            "settled_at": self.settled_at,
            "lines": [
                {"sku": ln.sku, "quantity": ln.quantity, "unit_price": str(ln.unit_price)}
                for ln in self.lines
            ],
        }


def _order(row: tuple[Any, ...], lines: tuple[Line, ...] = ()) -> Order:
    (oid, uid, status, currency, total, note, count, reason, detail, created, hold, settled) = row
    return Order(
        order_id=oid,
        user_id=uid,
        status=status,
        currency=currency,
        total=total,
        note=note,
        line_count=count,
        reason=reason,
        detail=detail,
        created_at=created,
        hold_until=hold,
        settled_at=settled,
        lines=lines,
    )


def get_order(tx: Transaction, order_id: str) -> Order | None:
    rows = tx.query(f"SELECT {ORDER_COLUMNS} FROM orders WHERE order_id = ?", (order_id,))
    if not rows:
        return None
    lines = tuple(
        Line(sku, qty, Decimal(price))
        for sku, qty, price in tx.query(
            "SELECT sku, quantity, unit_price FROM order_lines WHERE order_id = ? ORDER BY line_no",
            (order_id,),
        )
    )
    return _order(rows[0], lines)


def insert_order(tx: Transaction, order: Order) -> None:
    tx.execute(
        f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            order.order_id,
            order.user_id,
            order.status,
            order.currency,
            order.total,
            order.note,
            order.line_count,
            order.reason,
            order.detail,
            order.created_at,
            order.hold_until,
            order.settled_at,
        ),
    )
    tx.executemany(
        "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (order.order_id, i, ln.sku, ln.quantity, str(ln.unit_price))
            for i, ln in enumerate(order.lines)
        ],
    )


def transition(
    tx: Transaction,
    order_id: str,
    *,
    from_status: str,
    to_status: str,
    settled_at: str | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> bool:
    """Move an order on only if it is still in ``from_status``: the guard that makes every
    saga step happen once, whoever (handler, sweeper, request) gets there first."""
    cursor = tx.execute(
        "UPDATE orders SET status = ?, settled_at = COALESCE(?, settled_at), reason = ?,"
        " detail = ? WHERE order_id = ? AND status = ?",
        (to_status, settled_at, reason, detail, order_id, from_status),
    )
    return int(cursor.rowcount) == 1


def list_orders(
    tx: Transaction, *, status: str | None, user_id: str | None, limit: int
) -> list[Order]:
    where, params = [], []
    if status:
        where.append("status = ?")
        params.append(status)
    if user_id:
        where.append("user_id = ?")
        params.append(user_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = tx.query(
        f"SELECT {ORDER_COLUMNS} FROM orders{clause} ORDER BY created_at, order_id LIMIT ?",
        (*params, limit),
    )
    return [_order(r) for r in rows]


def held_orders_of(tx: Transaction, user_id: str) -> list[Order]:
    rows = tx.query(
        f"SELECT {ORDER_COLUMNS} FROM orders WHERE user_id = ? AND status = ?"
        " ORDER BY created_at, order_id",
        (user_id, PENDING_USER),
    )
    return [get_order(tx, r[0]) or _order(r) for r in rows]


def expired_holds(tx: Transaction, now: float, limit: int = 100) -> list[str]:
    rows = tx.query(
        "SELECT order_id FROM orders WHERE status = ? AND hold_until < ?"
        " ORDER BY hold_until LIMIT ?",
        (PENDING_USER, now, limit),
    )
    return [r[0] for r in rows]


def record_answer(tx: Transaction, order_id: str, sku: str, change: str) -> None:
    if not tx.query("SELECT 1 FROM stock_answers WHERE order_id = ? AND sku = ?", (order_id, sku)):
        tx.execute(
            "INSERT INTO stock_answers (order_id, sku, change) VALUES (?, ?, ?)",
            (order_id, sku, change),
        )


def answers(tx: Transaction, order_id: str) -> dict[str, str]:
    return dict(tx.query("SELECT sku, change FROM stock_answers WHERE order_id = ?", (order_id,)))


def user_status(tx: Transaction, user_id: str) -> str | None:
    rows = tx.query("SELECT status FROM users WHERE user_id = ?", (user_id,))
    return str(rows[0][0]) if rows else None


def upsert_user(
    tx: Transaction, user_id: str, version: int, email: str, full_name: str, status: str, at: str
) -> None:
    """Apply a user event to the local copy; the runtime's version check already dropped
    events older than what the copy holds."""
    if tx.query("SELECT 1 FROM users WHERE user_id = ?", (user_id,)):
        tx.execute(
            "UPDATE users SET version = ?, email = ?, full_name = ?, status = ?, updated_at = ?"
            " WHERE user_id = ? AND version < ?",
            (version, email, full_name, status, at, user_id, version),
        )
    else:
        tx.execute(
            "INSERT INTO users (user_id, version, email, full_name, status, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, version, email, full_name, status, at),
        )


def counts(tx: Transaction) -> dict[str, int]:
    return {
        str(s): int(n) for s, n in tx.query("SELECT status, COUNT(*) FROM orders GROUP BY status")
    }
