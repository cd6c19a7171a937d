"""The story the demo tells, driven through the services' HTTP APIs (as their clients would).

Every order states the outcome it must reach; the final checks hold the system to them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from accord.errors import RuntimeFailure

RESTOCK = {"BOOK": 10, "LAMP": 3, "MUG": 5}
PRICES = {"BOOK": Decimal("12.50"), "LAMP": Decimal("39.90"), "MUG": Decimal("8.00")}


@dataclass(frozen=True)
class OrderPlan:
    label: str  # "#1"
    user: str  # the user's name in the story
    lines: tuple[tuple[str, int], ...]
    expect_status: str  # CONFIRMED | REJECTED
    expect_reason: str | None
    story: str


@dataclass
class Ids:
    """Names of the story <-> ids in the system, for a readable timeline."""

    users: dict[str, str] = field(default_factory=dict)  # name -> user_id
    orders: dict[str, str] = field(default_factory=dict)  # label -> order_id

    def label(self, kind: str, value: str) -> str:
        if kind == "user":
            for name, uid in self.users.items():
                if uid == value:
                    return f"user {name}"
            return f"user {value[:8]}"
        if kind == "order":
            for label, oid in self.orders.items():
                if oid == value:
                    return f"order {label}"
            return f"order {value[:8]}"
        return f"{kind} {value}"


PLAN = (
    OrderPlan(
        "#1",
        "alice",
        (("BOOK", 2), ("MUG", 1)),
        "CONFIRMED",
        None,
        "Alice buys two books and a mug",
    ),
    OrderPlan(
        "#2",
        "bob",
        (("LAMP", 5),),
        "REJECTED",
        "INSUFFICIENT_STOCK",
        "Bob wants five lamps; there are three",
    ),
    OrderPlan(
        "#3", "carol", (("BOOK", 1),), "CONFIRMED", None, "Carol's order arrives before Carol does"
    ),
    OrderPlan(
        "#4", "bob", (("MUG", 1),), "REJECTED", "USER_NOT_ACTIVE", "Bob, now suspended, tries again"
    ),
    OrderPlan(
        "#5",
        "ghost",
        (("MUG", 1),),
        "REJECTED",
        "UNKNOWN_USER",
        "an order for a user who never appears",
    ),
    OrderPlan(
        "#6", "alice", (("LAMP", 3), ("BOOK", 1)), "CONFIRMED", None, "Alice takes every lamp"
    ),
)


class Scenario:
    """Runs the story. ``say`` reports each step; ``wait_copy`` blocks until the order
    service's local copy of a user reached a version (read from its database)."""

    def __init__(
        self,
        http: dict[str, httpx.Client],
        *,
        say: Callable[[str], None],
        wait_copy: Callable[[str, int, str], None],
        ids: Ids | None = None,
    ) -> None:
        self.http = http
        self.say = say
        self.wait_copy = wait_copy
        self.ids = ids or Ids()

    def _call(self, service: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self.http[service].request(method, path, json=body)
        if response.status_code >= 400:
            raise RuntimeFailure(
                f"{service} service answered {response.status_code} to {method} {path}:"
                f" {response.text[:300]}"
            )
        data: dict[str, Any] = response.json()
        return data

    def _user(self, name: str, full_name: str, *, user_id: str | None = None) -> str:
        body: dict[str, Any] = {"email": f"{name}@example.com", "full_name": full_name}
        if user_id:
            body["user_id"] = user_id
        uid = str(self._call("user", "POST", "/users", body)["user_id"])
        self.ids.users[name] = uid
        return uid

    def _order(self, plan: OrderPlan) -> dict[str, Any]:
        order_id = str(uuid.uuid4())
        self.ids.orders[plan.label] = order_id
        body = {
            "order_id": order_id,
            "user_id": self.ids.users[plan.user],
            "currency": "EUR",
            "lines": [
                {"sku": sku, "quantity": qty, "unit_price": str(PRICES[sku])}
                for sku, qty in plan.lines
            ],
        }
        placed = self._call("order", "POST", "/orders", body)
        self.say(f"order {plan.label}: {plan.story} -> {placed['status']}")
        return placed

    def run(self) -> tuple[OrderPlan, ...]:
        plans = {p.label: p for p in PLAN}
        for sku, qty in RESTOCK.items():
            self._call("inventory", "POST", f"/stock/{sku}/restock", {"quantity": qty})
        self.say("restocked " + ", ".join(f"{q} x {s}" for s, q in RESTOCK.items()))

        self._user("alice", "Alice Martin")
        self._user("bob", "Bob Stone")
        self.say("created users Alice and Bob")
        self._call(
            "user", "PATCH", f"/users/{self.ids.users['alice']}", {"full_name": "Alice Martin-Lee"}
        )
        self.wait_copy(self.ids.users["alice"], 2, "ACTIVE")
        self.wait_copy(self.ids.users["bob"], 1, "ACTIVE")
        self.say("Alice changed her name (the order service's copy now knows Alice and Bob)")

        self._order(plans["#1"])
        self._order(plans["#2"])

        carol = str(uuid.uuid4())
        self.ids.users["carol"] = carol
        held = self._order(plans["#3"])
        if held["status"] != "PENDING_USER":
            raise RuntimeFailure(
                f"order #3 should be held for its unknown user, is {held['status']}"
            )
        self._user("carol", "Carol Diaz", user_id=carol)
        self.say("Carol signed up; her held order is re-checked")

        self._call("user", "PATCH", f"/users/{self.ids.users['bob']}", {"status": "SUSPENDED"})
        self.wait_copy(self.ids.users["bob"], 2, "SUSPENDED")
        self.say("Bob's account was suspended (and the order service's copy knows it)")
        self._order(plans["#4"])

        self.ids.users["ghost"] = str(uuid.uuid4())
        self._order(plans["#5"])
        # #6 must see #1's reservation settled or not: stock is decided in order per SKU.
        self._order(plans["#6"])
        return PLAN
