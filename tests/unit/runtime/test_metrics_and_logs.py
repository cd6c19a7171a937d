"""Counters, snapshots and structured log lines."""

from __future__ import annotations

import json
import logging
import threading

from accord.runtime.logs import JsonFormatter
from accord.runtime.metrics import Counter, Metrics


def test_counters_add_up_across_threads() -> None:
    metrics = Metrics()

    def work() -> None:
        for _ in range(1000):
            metrics.add(Counter.PROCESSED)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert metrics.snapshot()[Counter.PROCESSED] == 4000


def test_snapshot_is_a_frozen_sorted_view() -> None:
    metrics = Metrics()
    metrics.add(Counter.DEAD_LETTERED, 2)
    metrics.set_lag({"b[1]": 3, "a[0]": 4})
    metrics.set_outbox_pending(5)
    snapshot = metrics.snapshot()
    metrics.add(Counter.DEAD_LETTERED)
    assert snapshot[Counter.DEAD_LETTERED] == 2
    data = snapshot.to_dict()
    assert list(data["counters"]) == sorted(data["counters"])
    assert data["lag"] == {"total": 7, "partitions": {"a[0]": 4, "b[1]": 3}}
    assert data["outbox_pending"] == 5


def test_log_lines_are_json_with_the_extra_fields() -> None:
    record = logging.LogRecord("accord.runtime.consumer", logging.ERROR, __file__, 1,
                               "event dead-lettered", None, None)  # fmt: skip
    record.topic = "order.events"
    record.offset = 12
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "event dead-lettered"
    assert line["level"] == "error"
    assert line["logger"] == "accord.runtime.consumer"
    assert (line["topic"], line["offset"]) == ("order.events", 12)
    assert "args" not in line


def test_counts_of_finished_threads_are_kept() -> None:
    metrics = Metrics()
    thread = threading.Thread(target=lambda: metrics.add(Counter.PRODUCED, 3))
    thread.start()
    thread.join()
    metrics.add(Counter.PRODUCED)
    assert metrics.snapshot()[Counter.PRODUCED] == 4
    assert metrics.snapshot().to_dict()["counters"]["produced"] == 4
