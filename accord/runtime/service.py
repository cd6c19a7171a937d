"""One service's runtime in one object: its database, outbox relay and consumer, started and
stopped together, with one status.

    runtime = ServiceRuntime(
        "order",
        db=open_database("sqlite:///order.db"),
        handlers=order_consumer.handlers(),          # generated OrderConsumer, filled in
        version_checks={"UserUpdated": VersionCheck("user", key_field="user_id")},
    ).start()

    with runtime.transaction() as tx:                 # an HTTP request handler, say
        tx.execute("INSERT INTO orders ...", (...))
        OrderProducer(runtime.outbox(tx)).publish_order_placed(OrderPlaced(...))

    runtime.status()                                  # counters, lag, outbox backlog
    runtime.stop()                                    # drains: commit offsets, flush relay
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from accord.runtime.consumer import EventConsumer, VersionCheck
from accord.runtime.db import Database, Transaction
from accord.runtime.events import Codec, EventType, Handler
from accord.runtime.metrics import Metrics
from accord.runtime.outbox import OutboxPublisher, OutboxRelay
from accord.runtime.retry import RetryPolicy
from accord.runtime.settings import KafkaSettings


class ServiceRuntime:
    """Relay + consumer (when there are handlers) over one database, sharing one
    :class:`Metrics`. ``codec`` defaults to accord's serde over ``settings.registry_url``
    (registering producer schemas on first use when ``auto_register``)."""

    def __init__(
        self,
        name: str,
        *,
        db: Database,
        handlers: Mapping[type[EventType], Handler] | None = None,
        codec: Codec | None = None,
        settings: KafkaSettings | None = None,
        version_checks: Mapping[type[EventType] | str, VersionCheck] | None = None,
        retry: RetryPolicy | None = None,
        group_id: str | None = None,
        consumer_config: Mapping[str, Any] | None = None,
        producer_config: Mapping[str, Any] | None = None,
        auto_register: bool = False,
    ) -> None:
        self.name = name
        self.db = db
        self.settings = settings or KafkaSettings.resolve()
        if codec is None:
            from accord.runtime.serde import Serde

            codec = Serde(self.settings.registry_url, auto_register=auto_register)
        self.codec = codec
        self.metrics = Metrics()
        self.relay = OutboxRelay(
            db, self.settings, metrics=self.metrics, producer_config=producer_config
        )
        self.consumer = (
            EventConsumer(
                group_id=group_id or name,
                handlers=handlers,
                codec=codec,
                db=db,
                settings=self.settings,
                retry=retry,
                version_checks=version_checks,
                config=consumer_config,
                metrics=self.metrics,
                on_outbox_commit=self.relay.wake,
            )
            if handlers
            else None
        )
        self._started = threading.Event()

    def start(self) -> ServiceRuntime:
        """Start the relay and the consumer in background threads."""
        self.relay.start()
        if self.consumer is not None:
            self.consumer.start()
        self._started.set()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop consuming (offsets committed), then stop the relay (in-flight rows flushed)."""
        if self.consumer is not None:
            self.consumer.stop(timeout)
        self.relay.stop(timeout)
        self._started.clear()

    def __enter__(self) -> ServiceRuntime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A database transaction; publish through :meth:`outbox` inside it."""
        with self.db.transaction() as tx:
            yield tx

    def outbox(self, tx: Transaction) -> OutboxPublisher:
        """A publisher writing into ``tx``'s outbox; the relay sends right after the commit."""
        return OutboxPublisher(tx, self.codec, on_commit=self.relay.wake, metrics=self.metrics)

    def status(self) -> dict[str, Any]:
        """Counters, lag, outbox backlog and whether this replica's relay is the one
        publishing, as JSON-ready data."""
        # Refresh the outbox gauge; the status must answer even when the database does not.
        with contextlib.suppress(Exception):
            self.relay.pending()
        consumer = self.consumer
        return {
            "service": self.name,
            "running": self._started.is_set(),
            "consumer": None
            if consumer is None
            else {
                "group": consumer.group_id,
                "topics": list(consumer.topics),
                "assigned": consumer.assigned.is_set(),
            },
            # standby: another replica's relay holds the database's outbox lease
            "relay": self.relay.state,
            **self.metrics.snapshot().to_dict(),
        }
