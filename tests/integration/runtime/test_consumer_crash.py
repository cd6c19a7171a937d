"""A consumer SIGKILLed in the middle of a batch and restarted loses no event and applies none
twice: its uncommitted transaction rolls back, Kafka redelivers from the last committed offset,
and the inbox skips what had committed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from accord.devstack.ports import wait_until
from accord.runtime import KafkaPublisher, KafkaSettings
from accord.runtime.db import SqliteDatabase
from tests.conftest import ROOT
from tests.integration.runtime.helpers import count
from tests.integration.runtime.support import JsonTestCodec, event_types

pytestmark = pytest.mark.integration

EVENTS = 3000


def start_consumer(
    db: Path, settings: KafkaSettings, topic: str, *extra: str
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.runtime.apps", "consume", str(db),
         settings.bootstrap_servers, topic, f"g-{topic}", "--batch-size", "200", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def applied(db: SqliteDatabase) -> int:
    try:
        return count(db, "SELECT COUNT(*) FROM applied")
    except Exception:  # the table does not exist until the consumer starts
        return 0


def test_consumer_killed_mid_batch_loses_nothing_and_applies_nothing_twice(
    settings: KafkaSettings, accord_topic: str, codec: JsonTestCodec, tmp_path: Path
) -> None:
    item_added, _ = event_types(accord_topic)
    events = [item_added(cart_id=f"cart-{i % 11}", seq=i) for i in range(EVENTS)]
    with KafkaPublisher(codec, settings) as publisher:
        for event in events:
            publisher.publish(event)
    db = SqliteDatabase(tmp_path / "consumer.db")

    # SIGKILL inside the handler of the 1,100th event: earlier batches have committed, the
    # current one has run part of its handlers in an open transaction.
    first = start_consumer(db.path, settings, accord_topic, "--die-after", "1100")
    first.communicate(timeout=90)
    assert first.returncode == -signal.SIGKILL
    at_kill = applied(db)
    assert 0 < at_kill < 1100  # the open batch rolled back

    second = start_consumer(db.path, settings, accord_topic)
    try:
        wait_until(lambda: applied(db) >= EVENTS, timeout=90, what=f"{EVENTS} events applied",
                   alive=lambda: None if second.poll() is None else "consumer exited")  # fmt: skip
    finally:
        second.send_signal(signal.SIGTERM)  # graceful: commits offsets, prints its counters
        out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err.decode()[-2000:]
    counters = json.loads(out.decode().strip().splitlines()[-1])["counters"]

    assert count(db, "SELECT COUNT(*) FROM applied") == EVENTS
    assert count(db, "SELECT COUNT(DISTINCT event_id) FROM applied") == EVENTS
    # Everything after the last committed batch was handled again by the restarted consumer;
    # events whose transaction had committed but whose offset had not were skipped.
    assert counters["processed"] == EVENTS - at_kill
    assert counters["consumed"] == counters["processed"] + counters["duplicates"]
