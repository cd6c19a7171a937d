"""The order service's HTTP API (for its clients): place, read and list orders."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field, field_validator

from accord.runtime.http import runtime_of
from services.order import db, saga

router = APIRouter(tags=["orders"])
CENT = Decimal("0.01")


def hold_seconds() -> float:
    """How long an order waits for its user's UserCreated before it is rejected."""
    return float(os.environ.get("ORDER_USER_WAIT_S", "30"))


class NewLine(BaseModel):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(ge=1, le=1_000_000)]
    unit_price: Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]


class NewOrder(BaseModel):
    user_id: uuid.UUID
    lines: Annotated[list[NewLine], Field(min_length=1, max_length=100)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "EUR"
    note: Annotated[str, Field(max_length=1000)] | None = None
    order_id: uuid.UUID | None = Field(
        default=None, description="Client-chosen id (idempotent placement); generated when absent."
    )

    @field_validator("lines")
    @classmethod
    def _one_line_per_sku(cls, lines: list[NewLine]) -> list[NewLine]:
        skus = [ln.sku for ln in lines]
        if len(set(skus)) != len(skus):
            raise ValueError("each SKU may appear on one line only")
        return lines


@router.post(
    "/orders",
    status_code=202,
    summary="Place an order (publishes OrderPlaced once its user is known)",
    description=(
        "The order is checked against the local copy of users. A known, active user: the order"
        " is PLACED and OrderPlaced is published. An unknown user: the order is held"
        " (PENDING_USER) until the user's UserCreated arrives, then placed, or rejected with"
        " UNKNOWN_USER after ORDER_USER_WAIT_S seconds. Stock is settled asynchronously: poll"
        " GET /orders/{id} for CONFIRMED or REJECTED."
    ),
)
def place_order(body: NewOrder, request: Request) -> dict[str, object]:
    rt = runtime_of(request)
    order_id = str(body.order_id or uuid.uuid4())
    lines = tuple(db.Line(ln.sku, ln.quantity, ln.unit_price.quantize(CENT)) for ln in body.lines)
    total = sum((ln.unit_price * ln.quantity for ln in lines), Decimal("0.00")).quantize(CENT)
    order = db.Order(
        order_id=order_id,
        user_id=str(body.user_id),
        status=db.PENDING_USER,
        currency=body.currency,
        total=str(total),
        note=body.note,
        line_count=len(lines),
        reason=None,
        detail=None,
        created_at=datetime.now(UTC).isoformat(),
        hold_until=time.time() + hold_seconds(),
        settled_at=None,
        lines=lines,
    )
    with rt.transaction() as tx:
        existing = db.get_order(tx, order_id)
        if existing is not None:
            if existing.user_id == order.user_id and existing.lines == order.lines:
                return existing.to_dict()  # a retried request
            raise HTTPException(409, f"order {order_id} already exists with other contents")
        db.insert_order(tx, order)
        saga.admit(tx, rt.outbox(tx), order)
        placed = db.get_order(tx, order_id)
    assert placed is not None
    return placed.to_dict()


@router.get("/orders/{order_id}", summary="Read an order")
def get_order(order_id: uuid.UUID, request: Request) -> dict[str, object]:
    with runtime_of(request).db.read() as tx:
        order = db.get_order(tx, str(order_id))
    if order is None:
        raise HTTPException(404, f"no order {order_id}")
    return order.to_dict()


Status = Literal["PENDING_USER", "PLACED", "CONFIRMED", "REJECTED"]


@router.get("/orders", summary="List orders")
def list_orders(
    request: Request,
    status: Status | None = None,
    user_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[dict[str, object]]:
    with runtime_of(request).db.read() as tx:
        orders = db.list_orders(
            tx, status=status, user_id=str(user_id) if user_id else None, limit=limit
        )
    return [o.to_dict() for o in orders]


@router.get("/orders-summary", summary="How many orders are in each status")
def summary(request: Request) -> dict[str, int]:
    with runtime_of(request).db.read() as tx:
        return db.counts(tx)
