"""The inventory service's HTTP API (for its clients): restock and read stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from accord.runtime.http import runtime_of
from services.inventory import db, stock

router = APIRouter(tags=["stock"])

Sku = Annotated[str, Path(min_length=1, max_length=64)]


class Restock(BaseModel):
    quantity: Annotated[int, Field(ge=1, le=1_000_000_000)]


@router.post("/stock/{sku}/restock", summary="Add units to a SKU (publishes StockUpdated)")
def restock(sku: Sku, body: Restock, request: Request) -> dict[str, object]:
    rt = runtime_of(request)
    with rt.transaction() as tx:
        result = stock.restock(tx, rt.outbox(tx), sku, body.quantity)
    return result.to_dict()


@router.get("/stock/{sku}", summary="Stock of one SKU")
def get_stock(sku: Sku, request: Request) -> dict[str, object]:
    with runtime_of(request).db.read() as tx:
        return db.get(tx, sku).to_dict()


@router.get("/stock", summary="Stock of every SKU")
def list_stock(request: Request) -> list[dict[str, object]]:
    with runtime_of(request).db.read() as tx:
        return [s.to_dict() for s in db.all_stock(tx)]


@router.get("/reservations-summary", summary="How many reservations are in each status")
def reservations(request: Request) -> dict[str, int]:
    with runtime_of(request).db.read() as tx:
        return db.reservation_counts(tx)
