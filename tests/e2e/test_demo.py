"""The reference system end to end: real broker, real registry, three real service
processes, each with its own database, wired only through Kafka."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from accord.contracts import load
from accord.demo.run import PLAN, run_demo
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

PG = "postgresql://postgres@127.0.0.1:5432"


def _sagas(timeline: list[dict[str, object]]) -> dict[str, list[str]]:
    by_order: dict[str, list[str]] = {}
    for row in timeline:
        key = str(row["key"])
        if key.startswith("order "):
            by_order.setdefault(key.removeprefix("order "), []).append(str(row["event"]))
    return by_order


def test_accord_demo_runs_the_saga_and_checks_consistency() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "accord", "demo", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    doc = json.loads(done.stdout)
    assert doc["consistent"] is True
    assert [c["ok"] for c in doc["checks"]] == [True] * len(doc["checks"])
    assert len(doc["checks"]) >= 7
    timeline = doc["timeline"]
    assert [r["time"] for r in timeline] == sorted(r["time"] for r in timeline)
    sagas = _sagas(timeline)
    for plan in PLAN:
        events = sagas[plan.label]
        final = "OrderConfirmed" if plan.expect_status == "CONFIRMED" else "OrderRejected"
        assert events[-1] == final, (plan.label, events)
        placed = plan.expect_reason not in ("USER_NOT_ACTIVE", "UNKNOWN_USER")
        assert ("OrderPlaced" in events) is placed, (plan.label, events)
    statuses = {o["status"] for o in doc["orders"]}
    assert statuses == {"CONFIRMED", "REJECTED"}
    # Every event of one order's saga carries the same trace id, across the three services.
    traced = [r for r in timeline if r["key"] == "order #1"]
    assert len({r["trace"] for r in traced}) == 1


@pytest.fixture
def pg_databases() -> Iterator[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    names = {svc: f"accord_e2e_{tag}_{svc}" for svc in ("user", "order", "inventory")}
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {svc: f"{PG}/{name}" for svc, name in names.items()}
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_services_run_on_postgresql_too(pg_databases: dict[str, str]) -> None:
    result = run_demo(load(ROOT), database=pg_databases.__getitem__)
    failed = [c for c in result.checks if not c.ok]
    assert result.consistent, failed
    assert len(result.orders) == len(PLAN)
