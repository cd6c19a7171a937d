"""Small programs the fault tests run as real subprocesses (so they can be SIGKILLed).

    python -m tests.integration.runtime.apps relay   DB BOOTSTRAP [--die-on-batch N]
    python -m tests.integration.runtime.apps consume DB BOOTSTRAP TOPIC GROUP [--die-after N]

``relay`` runs an outbox relay over DB; with ``--die-on-batch N`` it SIGKILLs itself on the
N-th batch after the broker acknowledged the rows and before it marks them sent.
``consume`` applies ItemAdded events from TOPIC into DB's ``applied`` table (one row per
application, no uniqueness: duplicates would show); with ``--die-after N`` it SIGKILLs itself
inside the handler of the N-th event, with its batch transaction open. On SIGTERM it stops
gracefully and prints its counters as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from accord.runtime import EventConsumer, KafkaSettings, Metadata, OutboxRelay
from accord.runtime.db import SqliteDatabase
from tests.integration.runtime.helpers import FAST_GROUP
from tests.integration.runtime.support import (
    APPLIED_DDL,
    JsonTestCodec,
    event_types,
    record_applied,
)


def relay(args: argparse.Namespace) -> None:
    batches = 0

    def before_mark(_ids: Sequence[int]) -> None:
        nonlocal batches
        batches += 1
        if batches == args.die_on_batch:
            os.kill(os.getpid(), signal.SIGKILL)

    db = SqliteDatabase(args.db)
    stop = _stop_on_sigterm()
    OutboxRelay(
        db, KafkaSettings(args.bootstrap), batch_size=args.batch_size, before_mark=before_mark
    ).run(stop)


def consume(args: argparse.Namespace) -> None:
    item_added, _ = event_types(args.topic)
    db = SqliteDatabase(args.db)
    db.install([APPLIED_DDL])
    handled = 0

    def on_item(event: Any, meta: Metadata) -> None:
        nonlocal handled
        record_applied(event, meta)
        handled += 1
        if handled == args.die_after:
            os.kill(os.getpid(), signal.SIGKILL)

    consumer = EventConsumer(
        group_id=args.group,
        handlers={item_added: on_item},
        codec=JsonTestCodec(),
        db=db,
        settings=KafkaSettings(args.bootstrap),
        config=FAST_GROUP,
        batch_size=args.batch_size,
    )
    consumer.run(_stop_on_sigterm())
    print(json.dumps(consumer.metrics.snapshot().to_dict()), flush=True)


def _stop_on_sigterm() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="apps")
    sub = parser.add_subparsers(dest="app", required=True)
    r = sub.add_parser("relay")
    r.add_argument("db")
    r.add_argument("bootstrap")
    r.add_argument("--die-on-batch", type=int, default=0)
    r.add_argument("--batch-size", type=int, default=100)
    c = sub.add_parser("consume")
    c.add_argument("db")
    c.add_argument("bootstrap")
    c.add_argument("topic")
    c.add_argument("group")
    c.add_argument("--die-after", type=int, default=0)
    c.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args(argv)
    {"relay": relay, "consume": consume}[args.app](args)


if __name__ == "__main__":
    main(sys.argv[1:])
