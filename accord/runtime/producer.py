"""Producing to Kafka: an idempotent producer that is rebuilt when it can no longer deliver,
and :class:`KafkaPublisher`, the direct (non-outbox) :class:`~accord.runtime.events.Publisher`.

Every producer is idempotent with ``acks=all``: the broker drops retried duplicates and keeps
each partition in order. A delivery that fails is an error the caller sees
(:class:`DeliveryFailed` from ``flush()`` or the next ``publish()``), never only a log line.

After a restart of the embedded broker (which forgets producer ids) an idempotent producer
retries ``UNKNOWN_PRODUCER_ID`` until its messages time out; so any timed-out or fatal delivery
makes :class:`RecordProducer` replace its librdkafka producer and create its topics again.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from confluent_kafka import KafkaError, Message, Producer

from accord.errors import RuntimeFailure
from accord.runtime import headers as h
from accord.runtime.events import Codec, EventType
from accord.runtime.metrics import Counter, Metrics
from accord.runtime.records import plan_for
from accord.runtime.settings import KafkaSettings
from accord.runtime.topics import DEFAULT_PARTITIONS, ensure_topics

log = logging.getLogger("accord.runtime.producer")

PRODUCER_DEFAULTS: Mapping[str, Any] = {
    "enable.idempotence": True,
    "acks": "all",
    "linger.ms": 5,
    "message.timeout.ms": 30_000,
}

# Delivery errors after which the producer's state is stale (broker restarted or unreachable
# past the timeout): replacing the producer is what lets delivery resume.
_STALE_PRODUCER = frozenset(
    {
        KafkaError._MSG_TIMED_OUT,
        KafkaError._FATAL,
        KafkaError.UNKNOWN_PRODUCER_ID,
        KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER,
        KafkaError.INVALID_PRODUCER_EPOCH,
    }
)

_POLL_EVERY = 64
DeliveryCallback = Callable[[KafkaError | None, Message], None]


@dataclass(frozen=True)
class DeliveryFailure:
    """One message the broker did not acknowledge."""

    topic: str
    event_type: str
    event_id: str
    error: str
    code: str

    def render(self) -> str:
        return f"{self.event_type} {self.event_id} -> {self.topic}: {self.error} [{self.code}]"


class DeliveryFailed(RuntimeFailure):
    """Events the broker did not acknowledge (``failures``, oldest first)."""

    def __init__(self, failures: list[DeliveryFailure], *, message: str | None = None) -> None:
        lines = [f.render() for f in failures[:10]]
        more = len(failures) - len(lines)
        text = message or f"{len(failures)} event(s) not delivered"
        body = "\n".join(f"  {line}" for line in lines) + (f"\n  ... {more} more" if more else "")
        super().__init__(
            f"{text}\n{body}" if lines else text,
            hint="check that the broker is reachable (ACCORD_BOOTSTRAP_SERVERS); use the outbox"
            " (accord.runtime.outbox) to keep events until it is",
        )
        self.failures = failures


def is_stale_producer_error(error: KafkaError) -> bool:
    return error.fatal() or error.code() in _STALE_PRODUCER


class RecordProducer:
    """A librdkafka producer plus the logic to replace it and to create topics on first use.

    ``successes=False`` asks librdkafka for delivery reports of failures only: ``send()``'s
    callback then runs for failed messages alone, and the ``produced`` counter is worked out
    from what was sent, what is still in flight and what failed. That saves a callback into
    Python per acknowledged message, for publishers that only need to hear about failures.

    Not thread-safe for ``rebuild()``; one owner thread sends and polls.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        config: Mapping[str, Any] | None = None,
        *,
        metrics: Metrics | None = None,
        create_topics: bool = True,
        partitions: int = DEFAULT_PARTITIONS,
        successes: bool = True,
    ) -> None:
        self.settings = settings
        self._config = settings.config(PRODUCER_DEFAULTS, config)
        self._config["error_cb"] = self._on_client_error
        self.successes = successes
        if not successes:
            self._config["delivery.report.only.error"] = True
        self.metrics = metrics or Metrics()
        self.create_topics = create_topics
        self.partitions = partitions
        self._ensured: set[str] = set()
        # A delivery failed in a way that needs a new producer (see :meth:`rebuild`): a plain
        # flag, read once per publish (set from librdkafka's callbacks, cleared by rebuild).
        self.stale = False
        self._producer = Producer(self._config)
        # Failure-only reports: messages sent and failed by the current librdkafka producer,
        # and how many acknowledged ones the ``produced`` counter has been told about.
        self._sent = 0
        self._failed = 0
        self._counted = 0
        self._count_lock = threading.Lock()

    def _on_client_error(self, error: KafkaError) -> None:
        if error.fatal():
            log.error("fatal producer error", extra={"error": error.str()})
            self.stale = True

    def ensure_one(self, topic: str) -> None:
        """:meth:`ensure` for one topic; free when it was ensured before (the common case)."""
        if topic not in self._ensured:
            self.ensure([topic])

    def ensure(self, topics: Iterable[str]) -> None:
        """Create these topics once per producer (again after a rebuild)."""
        missing = set(topics) - self._ensured
        if missing and self.create_topics:
            ensure_topics(self.settings, missing, partitions=self.partitions)
        self._ensured |= missing

    def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None,
        headers: h.KafkaHeaders,
        on_delivery: DeliveryCallback,
    ) -> None:
        """Queue one message; waits (serving callbacks) while the local queue is full.
        ``on_delivery`` gets the outcome (failures only, with ``successes=False``)."""
        report = functools.partial(
            self._delivered if self.successes else self._failed_delivery, on_delivery
        )
        self.send_reported(topic, value, key, headers, report)

    def send_reported(
        self,
        topic: str,
        value: bytes,
        key: bytes | None,
        headers: h.KafkaHeaders,
        report: DeliveryCallback,
    ) -> None:
        """:meth:`send` for a caller whose ``report`` calls :meth:`note_delivery` itself (one
        callable per message instead of two)."""
        produce = self._producer.produce
        while True:
            try:
                produce(topic, value=value, key=key, headers=headers, on_delivery=report)
                break
            except BufferError:
                self.poll(0.05)
        self._sent += 1

    def note_delivery(self, error: KafkaError | None) -> None:
        """Count one delivery report (see :meth:`send_reported`)."""
        if error is not None:
            self._note_failure(error)
        elif self.successes:
            self.metrics.add(Counter.PRODUCED)

    def _delivered(
        self, on_delivery: DeliveryCallback, error: KafkaError | None, message: Message
    ) -> None:
        if error is None:
            self.metrics.add(Counter.PRODUCED)
        else:
            self._note_failure(error)
        on_delivery(error, message)

    def _failed_delivery(
        self, on_delivery: DeliveryCallback, error: KafkaError | None, message: Message
    ) -> None:
        if error is not None:  # librdkafka reports nothing else here
            self._note_failure(error)
        on_delivery(error, message)

    def _note_failure(self, error: KafkaError) -> None:
        self._failed += 1
        self.metrics.add(Counter.PRODUCE_FAILED)
        if is_stale_producer_error(error):
            self.stale = True

    def _count_produced(self) -> None:
        """Failure-only reports: tell the ``produced`` counter about messages acknowledged
        since the last call (sent, neither in flight nor failed)."""
        if self.successes:
            return
        with self._count_lock:
            acknowledged = self._sent - len(self._producer) - self._failed
            if acknowledged > self._counted:
                self.metrics.add(Counter.PRODUCED, acknowledged - self._counted)
                self._counted = acknowledged

    def poll(self, timeout: float = 0.0) -> int:
        served = int(self._producer.poll(timeout))
        self._count_produced()
        return served

    def flush(self, timeout: float) -> int:
        """Wait up to ``timeout`` for deliveries; returns how many are still in flight."""
        remaining = int(self._producer.flush(timeout))
        self._count_produced()
        return remaining

    def in_flight(self) -> int:
        return len(self._producer)

    def rebuild(self, reason: str) -> None:
        """Drop the current producer (its undelivered messages fail with ``_PURGE_QUEUE``) and
        start a new one; topics are created again before the next send."""
        log.warning("rebuilding the producer", extra={"reason": reason})
        self._producer.purge()
        self._producer.flush(0)
        self._count_produced()
        self._producer = Producer(self._config)
        with self._count_lock:  # messages of the old producer still unreported are dropped
            self._sent = self._failed = self._counted = 0
        self._ensured.clear()
        self.stale = False
        self.metrics.add(Counter.PRODUCER_REBUILDS)

    def close(self, timeout: float = 30.0) -> int:
        """Flush; returns the number of messages still undelivered after ``timeout``."""
        return self.flush(timeout)


class KafkaPublisher:
    """Publishes events straight to Kafka (no outbox): for events that do not go with a
    database change, tools and tests. Use it as a context manager, or call :meth:`close`, so
    queued events are flushed on shutdown.

        with KafkaPublisher(codec) as publisher:
            publisher.publish(OrderPlaced(...))
        # here every event was acknowledged, or DeliveryFailed was raised
    """

    def __init__(
        self,
        codec: Codec,
        settings: KafkaSettings | None = None,
        *,
        config: Mapping[str, Any] | None = None,
        metrics: Metrics | None = None,
        create_topics: bool = True,
    ) -> None:
        self.codec = codec
        self.producer = RecordProducer(
            settings or KafkaSettings.resolve(),
            config,
            metrics=metrics,
            create_topics=create_topics,
            successes=False,  # only failures need a report: they are raised to the caller
        )
        self._lock = threading.Lock()
        self._failures: list[DeliveryFailure] = []
        self._sent = 0

    def publish(self, event: EventType, *, headers: Mapping[str, str] | None = None) -> None:
        """Queue ``event``; raises :class:`DeliveryFailed` for earlier events that failed."""
        if self._failures:
            self._raise_failures()
        producer = self.producer
        if producer.stale:
            producer.rebuild("a delivery failed with stale producer state")
        plan = plan_for(type(event))
        value = self.codec.encode(event)
        key, kafka_headers, event_id = plan.kafka_record(event, value, headers)
        topic = plan.topic
        producer.ensure_one(topic)
        producer.send_reported(
            topic,
            value,
            key,
            kafka_headers,
            functools.partial(self._report, topic, plan.event_type, event_id),
        )
        self._sent += 1
        if self._sent % _POLL_EVERY == 0:  # serve failure reports without a call per event
            producer.poll(0)

    def _report(
        self, topic: str, event_type: str, event_id: str, error: KafkaError | None, _m: Message
    ) -> None:
        self.producer.note_delivery(error)
        if error is not None:
            failure = DeliveryFailure(topic, event_type, event_id, error.str(), error.name())
            with self._lock:
                self._failures.append(failure)

    def _raise_failures(self) -> None:
        if not self._failures:
            return
        with self._lock:
            failures, self._failures = self._failures, []
        if failures:
            raise DeliveryFailed(failures)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every queued event is acknowledged; :class:`DeliveryFailed` otherwise."""
        remaining = self.producer.flush(timeout)
        self._raise_failures()
        if remaining:
            raise DeliveryFailed(
                [], message=f"{remaining} event(s) still unacknowledged after {timeout:g} s"
            )

    def close(self, timeout: float = 30.0) -> None:
        self.flush(timeout)

    def __enter__(self) -> KafkaPublisher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.producer.flush(5.0)  # best effort; the original error matters more
