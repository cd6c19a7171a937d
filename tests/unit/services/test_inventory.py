"""Inventory: all-or-none reservations, shipping, releasing; each decided once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from accord.runtime import Database
from services.inventory import db, stock
from services.inventory.contracts import (
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderRejected,
    RejectionReason,
    StockChange,
    StockUpdated,
)
from tests.unit.services.conftest import Recorder, database


@pytest.fixture
def inv(tmp_path: Path) -> Iterator[Database]:
    yield from database(tmp_path, db.SCHEMA)


def _placed(*lines: tuple[str, int]) -> OrderPlaced:
    return OrderPlaced(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        order_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        lines=tuple(OrderLine(sku=s, quantity=q, unit_price=Decimal("1.00")) for s, q in lines),
        total=Decimal("1.00"),
        currency="EUR",
    )


def _changes(rec: Recorder) -> list[tuple[str, StockChange, int]]:
    out = []
    for e in rec.events:
        assert isinstance(e, StockUpdated)
        out.append((e.sku, e.change, e.quantity))
    return out


def test_reserves_every_line_when_all_are_available(inv: Database, recorder: Recorder) -> None:
    with inv.transaction() as tx:
        stock.restock(tx, recorder, "A", 5)
        stock.restock(tx, recorder, "B", 1)
        order = _placed(("B", 1), ("A", 3))
        assert stock.reserve(tx, recorder, order)
        assert db.get(tx, "A").reserved == 3
        assert db.get(tx, "B").available == 0
    assert _changes(recorder)[2:] == [
        ("A", StockChange.RESERVED, 3),
        ("B", StockChange.RESERVED, 1),
    ]
    answers = recorder.events[2:]
    assert all(isinstance(e, StockUpdated) and e.line_count == 2 for e in answers)
    assert all(isinstance(e, StockUpdated) and e.order_id == order.order_id for e in answers)


def test_reserves_nothing_when_one_line_is_short(inv: Database, recorder: Recorder) -> None:
    with inv.transaction() as tx:
        stock.restock(tx, recorder, "A", 5)
        stock.restock(tx, recorder, "B", 1)
        assert not stock.reserve(tx, recorder, _placed(("A", 3), ("B", 2)))
        assert db.get(tx, "A").reserved == 0
        assert db.get(tx, "B").reserved == 0
    assert _changes(recorder)[2:] == [
        ("A", StockChange.NOT_RESERVED, 3),
        ("B", StockChange.INSUFFICIENT, 2),
    ]


def test_an_order_is_decided_once(inv: Database, recorder: Recorder) -> None:
    order = _placed(("A", 1))
    with inv.transaction() as tx:
        stock.restock(tx, recorder, "A", 1)
        assert stock.reserve(tx, recorder, order)
        assert not stock.reserve(tx, recorder, order)
        assert db.get(tx, "A").reserved == 1
    assert len(recorder.events) == 2


def test_confirmation_ships_and_rejection_releases(inv: Database, recorder: Recorder) -> None:
    shipped, released = _placed(("A", 2)), _placed(("A", 3))
    with inv.transaction() as tx:
        stock.restock(tx, recorder, "A", 10)
        stock.reserve(tx, recorder, shipped)
        stock.reserve(tx, recorder, released)
        confirm = OrderConfirmed(
            event_id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
            order_id=shipped.order_id,
            user_id=shipped.user_id,
            total=Decimal("2.00"),
            currency="EUR",
        )
        reject = OrderRejected(
            event_id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
            order_id=released.order_id,
            user_id=released.user_id,
            reason=RejectionReason.UNKNOWN,
        )
        assert stock.ship(tx, recorder, confirm) == 1
        assert stock.release(tx, recorder, reject) == 1
        # Settling again changes nothing: the reservations are no longer RESERVED.
        assert stock.ship(tx, recorder, confirm) == 0
        assert stock.release(tx, recorder, reject) == 0
        final = db.get(tx, "A")
    assert (final.on_hand, final.reserved, final.shipped) == (8, 0, 2)
    assert _changes(recorder)[-2:] == [
        ("A", StockChange.SHIPPED, 2),
        ("A", StockChange.RELEASED, 3),
    ]
