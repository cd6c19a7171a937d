"""Order saga: held orders, user checks, settlement from stock answers in any order."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.runtime import Database, Transaction
from services.order import db, saga
from services.order.contracts import OrderRejected, RejectionReason, StockChange, StockUpdated
from tests.unit.services.conftest import Recorder, database


@pytest.fixture
def orders(tmp_path: Path) -> Iterator[Database]:
    yield from database(tmp_path, db.SCHEMA)


def _order(tx: Transaction, user_id: str, *skus: str, hold_until: float | None = None) -> db.Order:
    lines = tuple(db.Line(s, 1, Decimal("2.50")) for s in skus)
    order = db.Order(
        order_id=str(uuid.uuid4()),
        user_id=user_id,
        status=db.PENDING_USER,
        currency="EUR",
        total=str(Decimal("2.50") * len(lines)),
        note=None,
        line_count=len(lines),
        reason=None,
        detail=None,
        created_at=datetime.now(UTC).isoformat(),
        hold_until=hold_until if hold_until is not None else time.time() + 60,
        settled_at=None,
        lines=lines,
    )
    db.insert_order(tx, order)
    return order


def _user(tx: Transaction, user_id: str, status: str = "ACTIVE", version: int = 1) -> None:
    db.upsert_user(tx, user_id, version, "a@example.com", "A", status, "t")


def _answer(order: db.Order, sku: str, change: StockChange) -> StockUpdated:
    return StockUpdated(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        sku=sku,
        change=change,
        quantity=1,
        on_hand=1,
        reserved=0,
        order_id=uuid.UUID(order.order_id),
        line_count=order.line_count,
    )


def _status(tx: Transaction, order: db.Order) -> tuple[str, str | None]:
    got = db.get_order(tx, order.order_id)
    assert got is not None
    return got.status, got.reason


def test_known_active_user_places_the_order(orders: Database, recorder: Recorder) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        _user(tx, uid)
        order = _order(tx, uid, "A")
        saga.admit(tx, recorder, order)
        assert _status(tx, order) == (db.PLACED, None)
    assert recorder.names() == ["OrderPlaced"]


def test_unknown_user_holds_the_order_until_the_user_arrives(
    orders: Database, recorder: Recorder
) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        order = _order(tx, uid, "A")
        saga.admit(tx, recorder, order)
        assert _status(tx, order) == (db.PENDING_USER, None)
        _user(tx, uid)
        saga.user_changed(tx, recorder, uid)
        saga.user_changed(tx, recorder, uid)  # a redelivered user event places nothing twice
        assert _status(tx, order) == (db.PLACED, None)
    assert recorder.names() == ["OrderPlaced"]


def test_inactive_user_rejects_the_order(orders: Database, recorder: Recorder) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        _user(tx, uid, status="SUSPENDED")
        order = _order(tx, uid, "A")
        saga.admit(tx, recorder, order)
        assert _status(tx, order) == (db.REJECTED, "USER_NOT_ACTIVE")


def test_expired_hold_rejects_with_unknown_user(orders: Database, recorder: Recorder) -> None:
    with orders.transaction() as tx:
        stale = _order(tx, str(uuid.uuid4()), "A", hold_until=time.time() - 1)
        fresh = _order(tx, str(uuid.uuid4()), "A")
        assert saga.expire_holds(tx, recorder, time.time()) == 1
        assert saga.expire_holds(tx, recorder, time.time()) == 0
        assert _status(tx, stale) == (db.REJECTED, "UNKNOWN_USER")
        assert _status(tx, fresh) == (db.PENDING_USER, None)
    [event] = recorder.events
    assert isinstance(event, OrderRejected)
    assert event.reason is RejectionReason.UNKNOWN_USER


@pytest.mark.parametrize("first", ["A", "B"])
def test_confirmed_only_when_every_line_is_reserved(
    orders: Database, recorder: Recorder, first: str
) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        _user(tx, uid)
        order = _order(tx, uid, "A", "B")
        saga.admit(tx, recorder, order)
        second = "B" if first == "A" else "A"
        saga.stock_answered(tx, recorder, _answer(order, first, StockChange.RESERVED))
        assert _status(tx, order) == (db.PLACED, None)
        saga.stock_answered(tx, recorder, _answer(order, first, StockChange.RESERVED))  # again
        assert _status(tx, order) == (db.PLACED, None)
        saga.stock_answered(tx, recorder, _answer(order, second, StockChange.RESERVED))
        assert _status(tx, order) == (db.CONFIRMED, None)
    assert recorder.names() == ["OrderPlaced", "OrderConfirmed"]


def test_one_short_line_rejects_the_order_once(orders: Database, recorder: Recorder) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        _user(tx, uid)
        order = _order(tx, uid, "A", "B")
        saga.admit(tx, recorder, order)
        saga.stock_answered(tx, recorder, _answer(order, "B", StockChange.INSUFFICIENT))
        saga.stock_answered(tx, recorder, _answer(order, "A", StockChange.NOT_RESERVED))
        got = db.get_order(tx, order.order_id)
    assert got is not None
    assert (got.status, got.reason) == (db.REJECTED, "INSUFFICIENT_STOCK")
    assert got.detail == "not enough stock for B"
    assert recorder.names() == ["OrderPlaced", "OrderRejected"]


def test_restocks_and_shipments_do_not_touch_orders(orders: Database, recorder: Recorder) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        _user(tx, uid)
        order = _order(tx, uid, "A")
        saga.admit(tx, recorder, order)
        saga.stock_answered(tx, recorder, _answer(order, "A", StockChange.SHIPPED))
        assert _status(tx, order) == (db.PLACED, None)


def test_a_late_user_update_does_not_overwrite_a_newer_copy(orders: Database) -> None:
    uid = str(uuid.uuid4())
    with orders.transaction() as tx:
        db.upsert_user(tx, uid, 3, "new@example.com", "New", "SUSPENDED", "t3")
        db.upsert_user(tx, uid, 2, "old@example.com", "Old", "ACTIVE", "t2")
        assert db.user_status(tx, uid) == "SUSPENDED"
