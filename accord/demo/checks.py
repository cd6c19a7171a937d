"""The demo's verdict: the three databases, read directly, must tell one consistent story."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.demo.scenario import RESTOCK, Ids, OrderPlan
from accord.demo.trace import Row
from accord.runtime import Database


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    with db.read() as tx:
        rows: list[tuple[Any, ...]] = tx.query(sql)
    return rows


def run_checks(
    dbs: Mapping[str, Database],
    plans: tuple[OrderPlan, ...],
    ids: Ids,
    trace: list[Row],
    statuses: Mapping[str, Mapping[str, Any]],
) -> list[Check]:
    orders = {
        oid: (status, reason)
        for oid, status, reason in _rows(
            dbs["order"], "SELECT order_id, status, reason FROM orders"
        )
    }
    lines = _rows(dbs["order"], "SELECT order_id, sku, quantity FROM order_lines")
    stock = {
        sku: (on_hand, reserved, restocked)
        for sku, on_hand, reserved, restocked in _rows(
            dbs["inventory"], "SELECT sku, on_hand, reserved, restocked FROM stock"
        )
    }
    reservations = _rows(
        dbs["inventory"], "SELECT order_id, sku, quantity, status FROM reservations"
    )
    users = {r[0]: r[1:] for r in _rows(dbs["user"], "SELECT user_id, version, status FROM users")}
    copies = {
        r[0]: r[1:] for r in _rows(dbs["order"], "SELECT user_id, version, status FROM users")
    }
    checks: list[Check] = []

    open_orders = sorted(
        oid for oid, (status, _) in orders.items() if status not in ("CONFIRMED", "REJECTED")
    )
    checks.append(
        Check(
            "every order settled",
            not open_orders and len(orders) == len(plans),
            f"{len(orders)} orders, {len(open_orders)} still open",
        )
    )

    wrong = []
    for plan in plans:
        got = orders.get(ids.orders.get(plan.label, ""))
        if got != (plan.expect_status, plan.expect_reason):
            wrong.append(
                f"{plan.label} is {got}, expected {(plan.expect_status, plan.expect_reason)}"
            )
    checks.append(
        Check("each order ended as the story says", not wrong, "; ".join(wrong) or "6 of 6")
    )

    confirmed: Counter[str] = Counter()
    for oid, sku, qty in lines:
        if orders.get(oid, ("",))[0] == "CONFIRMED":
            confirmed[sku] += qty
    bad_stock = []
    for sku, initial in RESTOCK.items():
        on_hand, reserved, restocked = stock.get(sku, (None, None, None))
        expected = initial - confirmed[sku]
        if (on_hand, reserved, restocked) != (expected, 0, initial):
            bad_stock.append(
                f"{sku}: on hand {on_hand} (expected {initial} - {confirmed[sku]} = {expected}),"
                f" reserved {reserved}"
            )
    checks.append(
        Check(
            "stock = restocked - confirmed quantities, nothing left reserved",
            not bad_stock,
            "; ".join(bad_stock)
            or ", ".join(f"{s} {RESTOCK[s]}-{confirmed[s]}={stock[s][0]}" for s in RESTOCK),
        )
    )

    shipped = sorted((o, s, q) for o, s, q, st in reservations if st == "SHIPPED")
    expected_shipped = sorted(
        (o, s, q) for o, s, q in lines if orders.get(o, ("",))[0] == "CONFIRMED"
    )
    held = [r for r in reservations if r[3] == "RESERVED"]
    checks.append(
        Check(
            "inventory shipped exactly the confirmed order lines",
            shipped == expected_shipped and not held,
            f"{len(shipped)} lines shipped, {len(expected_shipped)} confirmed,"
            f" {len(held)} still reserved",
        )
    )

    stale = sorted(uid for uid, row in users.items() if copies.get(uid) != row)
    checks.append(
        Check(
            "the order service's copy of users matches the user service",
            not stale,
            f"{len(users)} users, {len(stale)} differ" + (f": {', '.join(stale)}" if stale else ""),
        )
    )

    counters = {name: s.get("counters", {}) for name, s in statuses.items()}
    dead = {n: c.get("dead_lettered", 0) for n, c in counters.items() if c.get("dead_lettered")}
    backlog = {n: s.get("outbox_pending") for n, s in statuses.items() if s.get("outbox_pending")}
    checks.append(
        Check(
            "no dead letters, no outbox backlog",
            not dead and not backlog,
            f"dead-lettered {dead or 0}, outbox backlog {backlog or 0}",
        )
    )

    by_order: dict[str, set[str]] = {}
    for row in trace:
        if row.key.startswith("order "):
            by_order.setdefault(row.key, set()).add(row.event)
    missing = []
    for plan in plans:
        seen = by_order.get(f"order {plan.label}", set())
        final = "OrderConfirmed" if plan.expect_status == "CONFIRMED" else "OrderRejected"
        if final not in seen:
            missing.append(f"{plan.label} lacks {final}")
    checks.append(
        Check(
            "the trace shows every order's saga",
            not missing,
            "; ".join(missing) or f"{len(plans)} sagas",
        )
    )
    return checks
