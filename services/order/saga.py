"""The order saga: every state change of an order and the event it implies, in the caller's
transaction. Requests, event handlers and the hold sweeper all go through these functions, and
every step is guarded by the order's current status (see :func:`db.transition`), so a step
happens once however many times an event is delivered or whoever races to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from accord.runtime import Publisher, Transaction
from services.order import db
from services.order.contracts import (
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderProducer,
    OrderRejected,
    RejectionReason,
    StockChange,
    StockUpdated,
    UserStatus,
)

ACTIVE = UserStatus.ACTIVE.value


def _now() -> datetime:
    return datetime.now(UTC)


def _placed(order: db.Order) -> OrderPlaced:
    return OrderPlaced(
        occurred_at=_now(),
        order_id=uuid.UUID(order.order_id),
        user_id=uuid.UUID(order.user_id),
        lines=tuple(
            OrderLine(sku=ln.sku, quantity=ln.quantity, unit_price=ln.unit_price)
            for ln in order.lines
        ),
        total=Decimal(order.total),
        currency=order.currency,
        note=order.note,
    )


def _reject(
    tx: Transaction,
    publisher: Publisher,
    order: db.Order,
    from_status: str,
    reason: RejectionReason,
    detail: str,
) -> bool:
    if not db.transition(
        tx,
        order.order_id,
        from_status=from_status,
        to_status=db.REJECTED,
        settled_at=_now().isoformat(),
        reason=reason.value,
        detail=detail,
    ):
        return False
    OrderProducer(publisher).publish_order_rejected(
        OrderRejected(
            occurred_at=_now(),
            order_id=uuid.UUID(order.order_id),
            user_id=uuid.UUID(order.user_id),
            reason=reason,
            detail=detail,
        )
    )
    return True


def admit(tx: Transaction, publisher: Publisher, order: db.Order) -> None:
    """A new order (already inserted as PENDING_USER): place it, reject it, or keep holding it,
    depending on what the local copy knows of its user."""
    status = db.user_status(tx, order.user_id)
    if status is None:
        return  # held until the user's events arrive, or the hold expires
    if status != ACTIVE:
        _reject(
            tx,
            publisher,
            order,
            db.PENDING_USER,
            RejectionReason.USER_NOT_ACTIVE,
            f"user {order.user_id} is {status}",
        )
        return
    if db.transition(tx, order.order_id, from_status=db.PENDING_USER, to_status=db.PLACED):
        OrderProducer(publisher).publish_order_placed(_placed(order))


def user_changed(tx: Transaction, publisher: Publisher, user_id: str) -> None:
    """A user event was applied: re-check the orders held for that user."""
    for order in db.held_orders_of(tx, user_id):
        admit(tx, publisher, order)


def stock_answered(tx: Transaction, publisher: Publisher, event: StockUpdated) -> None:
    """One line's answer from inventory; settle the order once the answers decide it."""
    if event.order_id is None or event.change not in (
        StockChange.RESERVED,
        StockChange.INSUFFICIENT,
        StockChange.NOT_RESERVED,
    ):
        return  # restocks, releases and shipments do not concern the saga
    order_id = str(event.order_id)
    db.record_answer(tx, order_id, event.sku, event.change.value)
    order = db.get_order(tx, order_id)
    if order is None or order.status != db.PLACED:
        return
    answers = db.answers(tx, order_id)
    short = sorted(
        sku for sku, change in answers.items() if change == StockChange.INSUFFICIENT.value
    )
    if short or any(c != StockChange.RESERVED.value for c in answers.values()):
        detail = (
            f"not enough stock for {', '.join(short)}" if short else "stock could not be reserved"
        )
        _reject(tx, publisher, order, db.PLACED, RejectionReason.INSUFFICIENT_STOCK, detail)
        return
    if len(answers) == order.line_count and db.transition(
        tx, order_id, from_status=db.PLACED, to_status=db.CONFIRMED, settled_at=_now().isoformat()
    ):
        OrderProducer(publisher).publish_order_confirmed(
            OrderConfirmed(
                occurred_at=_now(),
                order_id=uuid.UUID(order_id),
                user_id=uuid.UUID(order.user_id),
                total=Decimal(order.total),
                currency=order.currency,
            )
        )


def expire_holds(tx: Transaction, publisher: Publisher, now: float) -> int:
    """Reject the held orders whose user never appeared within the bound."""
    expired = 0
    for order_id in db.expired_holds(tx, now):
        order = db.get_order(tx, order_id)
        if order is not None and _reject(
            tx,
            publisher,
            order,
            db.PENDING_USER,
            RejectionReason.UNKNOWN_USER,
            f"user {order.user_id} is unknown (no UserCreated within the hold bound)",
        ):
            expired += 1
    return expired
