"""ServiceRuntime: two services wired only through Kafka, each with its relay and consumer;
the status (counters, lag, outbox backlog) read over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.devstack.ports import wait_until
from accord.runtime import KafkaSettings, Metadata, ServiceRuntime, current, serve_status
from accord.runtime.db import SqliteDatabase
from tests.integration.runtime.helpers import FAST_GROUP, count
from tests.integration.runtime.support import JsonTestCodec, event_types

pytestmark = pytest.mark.integration


def test_two_services_through_kafka_with_status_over_http(
    settings: KafkaSettings, accord_topics: Any, codec: JsonTestCodec, tmp_path: Path
) -> None:
    carts_topic, totals_topic = accord_topics("carts", "totals")
    item_added, _ = event_types(carts_topic)
    _, cart_renamed = event_types(totals_topic)

    carts = ServiceRuntime(
        "carts", db=SqliteDatabase(tmp_path / "carts.db"), codec=codec, settings=settings
    )

    def on_item(event: Any, _meta: Metadata) -> None:
        # React with an event of our own, in the same transaction as the inbox record.
        current().publish(cart_renamed(cart_id=event.cart_id, name="busy", version=event.seq))

    billing_db = SqliteDatabase(tmp_path / "billing.db")
    billing = ServiceRuntime(
        "billing",
        db=billing_db,
        codec=codec,
        settings=settings,
        handlers={item_added: on_item},
        consumer_config=FAST_GROUP,
    )
    server = serve_status(billing.status)
    url = f"http://127.0.0.1:{server.server_address[1]}/status"
    with carts, billing:
        for seq in range(20):
            with carts.transaction() as tx:
                carts.outbox(tx).publish(item_added(cart_id=f"c{seq % 4}", seq=seq))
        wait_until(
            lambda: (
                count(billing_db, "SELECT COUNT(*) FROM accord_outbox WHERE sent_ms IS NOT NULL")
                >= 20
            ),
            timeout=60,
            what="billing's reactions relayed",
        )
        status = httpx.get(url, timeout=5).json()
        wait_until(
            lambda: httpx.get(url, timeout=5).json()["lag"]["total"] == 0,
            timeout=10,
            what="lag measured as 0",
        )
    server.shutdown()
    assert status["service"] == "billing"
    assert status["consumer"]["topics"] == [carts_topic]
    assert status["counters"]["processed"] == 20
    assert status["counters"]["outbox_written"] == 20
    assert status["counters"]["relayed"] == 20
    assert status["outbox_pending"] == 0
    assert carts.metrics.snapshot()["relayed"] == 20
    assert billing.status()["running"] is False
