"""The consumer loop: decode, deduplicate, handle in a transaction, commit, and never stop on a
bad event.

For each batch polled from the broker:

1. Skip events whose ``event_type`` header names a type no handler consumes (a topic may carry
   several types). Decode the others with the codec; bytes that are not an event this service
   reads (corrupt framing, unknown or incompatible writer schema) go to ``<topic>.dlq`` at once.
2. Open one database transaction and record the event ids in the inbox (one statement). If
   some id was there already (a redelivery), roll back and redo the batch checking each id:
   skip the events the inbox holds. With a :class:`VersionCheck`, skip events older than what
   was applied. Run the handlers; commit. If a handler raises, roll the batch back and
   process its events one at a time, each in its own transaction, retrying the failing one with
   backoff (:class:`~accord.runtime.retry.RetryPolicy`) and dead-lettering it when retries run
   out; the events after it are processed as usual.
3. Only then commit the offsets to Kafka, per partition up to the first event not settled yet
   (stopped while retrying one: that one and all after it are left for the next run). A crash
   anywhere before that redelivers the batch, and the inbox makes the redelivery harmless:
   at-least-once delivery, effects applied once.

Events of one key are on one partition and one partition is processed in order by one thread,
so per-key order holds. On a rebalance the offsets of the partitions given up are committed
first; ``stop()`` finishes the event at hand, commits and leaves the group.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from confluent_kafka import Consumer, KafkaError, Message, TopicPartition

from accord.errors import RegistryError, RuntimeFailure
from accord.runtime import context, inbox, tracing
from accord.runtime import headers as h
from accord.runtime.context import HandlerContext
from accord.runtime.db import Database, Transaction
from accord.runtime.dlq import DLQ_SUFFIX, DeadLetterWriter, dead_letter_topic
from accord.runtime.events import (
    Codec,
    DecodeError,
    EventType,
    Handler,
    IncompatibleWriterSchema,
    Metadata,
    UndecodableMessage,
    UnknownWriterSchema,
)
from accord.runtime.metrics import Counter, Metrics
from accord.runtime.producer import RecordProducer
from accord.runtime.retry import RetryPolicy
from accord.runtime.settings import KafkaSettings
from accord.runtime.topics import DEFAULT_PARTITIONS, ensure_topics

log = logging.getLogger("accord.runtime.consumer")
T = TypeVar("T")

CONSUMER_DEFAULTS: Mapping[str, Any] = {
    "enable.auto.commit": False,
    "enable.auto.offset.store": False,
    # Without a committed offset, start at the beginning: "latest" lands mid-log on the
    # embedded broker, and a new service must see the history anyway.
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 1000,
    "fetch.wait.max.ms": 100,
}
_INFRA_BACKOFF_MAX_S = 5.0
# Objects a batch keeps alive per event, give or take (message, headers, event, metadata...),
# times a few batches: see _tune_collector.
_OBJECTS_PER_EVENT = 50


@dataclass(frozen=True)
class VersionCheck:
    """Skip an event whose ``version_field`` is not above the highest version applied for the
    same ``entity`` and ``key_field`` value (events of several types may share an entity)."""

    entity: str
    key_field: str
    version_field: str = "version"


class _Ignored:
    """An event of a type this consumer does not handle (the topic carries several)."""


_IGNORED = _Ignored()


class _Stopping(Exception):
    """Stop was requested while waiting to retry; leave the rest of the batch uncommitted."""


class _Redelivered(Exception):
    """Some event of the batch is in the inbox already: take the slower, checking path."""


class _HandlerFailed(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _Item(NamedTuple):
    """A decoded event of the batch, with its index among the batch's messages and its inbox
    entry (event id, topic, partition, offset). A tuple: one is made per event, and
    ``_new_item`` makes it in one C call."""

    message: Message
    event: EventType
    metadata: Metadata
    entry: inbox.InboxEntry
    handler: Handler
    at: int  # the message's index in the batch

    @property
    def event_id(self) -> str:
        return self.entry[0]


_new_item = tuple.__new__  # _new_item(_Item, (message, event, metadata, entry, handler, at))


# Where a message sits: (topic, partition) and the offset to commit once it is settled.
_Position = tuple[tuple[str, int], int]


@dataclass
class _Offsets:
    """Next offsets to commit, per partition, for events whose processing has committed."""

    pending: dict[tuple[str, int], int] = field(default_factory=dict)

    def done(self, message: Message) -> None:
        key = (message.topic() or "", message.partition() or 0)
        self.pending[key] = (message.offset() or 0) + 1

    def advance(self, positions: Sequence[_Position | None], settled: Sequence[bool]) -> None:
        """Take the batch's messages in order; per partition, move the offset past each
        settled message up to the first unsettled one (which must be redelivered, so nothing
        after it may be committed). None positions are broker events, not records."""
        blocked: set[tuple[str, int]] = set()
        pending = self.pending
        for position, done in zip(positions, settled, strict=False):
            if position is None:
                continue
            key, next_offset = position
            if not done:
                blocked.add(key)
            elif key not in blocked:
                pending[key] = next_offset

    def take(self, only: Sequence[TopicPartition] | None = None) -> list[TopicPartition]:
        keys = (
            sorted(self.pending)
            if only is None
            else sorted(k for k in ((tp.topic, tp.partition) for tp in only) if k in self.pending)
        )
        return [TopicPartition(t, p, self.pending.pop((t, p))) for t, p in keys]


class EventConsumer:
    """Runs generated handlers over a consumer group (see the module docstring).

    consumer = EventConsumer(
        group_id="order",
        handlers=order_contracts.handlers(),   # {UserCreated: on_user_created, ...}
        codec=codec, db=db,
    )
    consumer.start()        # background thread; or consumer.run() to block
    ...
    consumer.stop()

    ``batch_size`` events at most go through one transaction and one offset commit.
    ``tune_gc`` (default on) freezes what exists at start out of the cycle collector's view
    and raises its first threshold to a few batches' worth of objects (process-wide; see
    ``_tune_collector``).
    """

    def __init__(
        self,
        *,
        group_id: str,
        handlers: Mapping[type[EventType], Handler],
        codec: Codec,
        db: Database,
        settings: KafkaSettings | None = None,
        retry: RetryPolicy | None = None,
        version_checks: Mapping[type[EventType] | str, VersionCheck] | None = None,
        config: Mapping[str, Any] | None = None,
        metrics: Metrics | None = None,
        batch_size: int = 500,
        dlq_suffix: str = DLQ_SUFFIX,
        create_topics: bool = True,
        partitions: int = DEFAULT_PARTITIONS,
        on_outbox_commit: Callable[[], None] | None = None,
        tune_gc: bool = True,
    ) -> None:
        if not handlers:
            raise ValueError("EventConsumer needs at least one handler")
        self.group_id = group_id
        self.handlers = dict(handlers)
        self.codec = codec
        self.db = db
        self.settings = settings or KafkaSettings.resolve()
        self.retry = retry or RetryPolicy()
        self.version_checks = _by_class(self.handlers, version_checks or {})
        self.metrics = metrics or Metrics()
        self.batch_size = batch_size
        self.create_topics = create_topics
        self.partitions = partitions
        self.on_outbox_commit = on_outbox_commit
        self.tune_gc = tune_gc
        self.topics = tuple(sorted({cls.TOPIC for cls in self.handlers}))
        self._readers = {
            topic: tuple(sorted((c for c in self.handlers if topic == c.TOPIC), key=_name))
            for topic in self.topics
        }
        # Per topic, the event_type header values (bytes, as they arrive) of handled events.
        self._wanted = {
            t: frozenset(c.EVENT_NAME.encode("utf-8") for c in readers)
            for t, readers in self._readers.items()
        }
        self._config = self.settings.config(CONSUMER_DEFAULTS, config, {"group.id": group_id})
        self.dead_letters = DeadLetterWriter(
            RecordProducer(self.settings, metrics=self.metrics, create_topics=create_topics),
            suffix=dlq_suffix,
        )
        self.assigned = threading.Event()  # set once partitions are assigned (tests wait on it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._offsets = _Offsets()
        self._consumer: Consumer | None = None
        self._last_lag = 0.0
        self._last_topic_check = 0.0
        inbox.install(db)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> EventConsumer:
        """Run in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(
            target=self.run, name=f"accord-consumer-{self.group_id}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the event at hand, commit offsets, leave the group."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self, stop: threading.Event | None = None) -> None:
        """Consume until ``stop`` (or :meth:`stop`) is set."""
        if stop is not None:
            self._stop = stop
        if self.create_topics:
            self._ensure_topics()
        if self.tune_gc:
            _tune_collector(self.batch_size)
        consumer = Consumer(self._config)
        self._consumer = consumer
        consumer.subscribe(
            list(self.topics),
            on_assign=self._on_assign,
            on_revoke=self._on_revoke,
            on_lost=self._on_lost,
        )
        try:
            while not self._stop.is_set():
                messages = self._poll(consumer)
                if messages:
                    with contextlib.suppress(_Stopping):
                        self._process(messages)
                    self._commit(asynchronous=True)
                self._update_lag()
        finally:
            self._commit(asynchronous=False)
            consumer.close()
            self._consumer = None
            self.dead_letters.producer.close(5.0)

    def _poll(self, consumer: Consumer) -> list[Message]:
        """Up to ``batch_size`` messages: what the client holds now, or else the first to
        arrive within 0.2 s with whatever came along. ``consume(n, timeout)`` alone would wait
        for ``n`` messages or the whole timeout, so a batch that is not full (the last of a
        burst, an event alone) would sit there for up to 0.2 s before being handled."""
        messages = consumer.consume(self.batch_size, 0)
        if messages or self.batch_size == 1:
            return messages or consumer.consume(1, 0.2)
        messages = consumer.consume(1, 0.2)
        if messages:
            messages += consumer.consume(self.batch_size - 1, 0)
        return messages

    # -- rebalance -----------------------------------------------------------------------

    def _on_assign(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        log.info("partitions assigned", extra={"partitions": _names(partitions)})
        if partitions:
            self.assigned.set()

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Everything processed so far has committed in the database: hand its offsets over
        # with the partitions, so the next owner does not redo it.
        offsets = self._offsets.take(partitions)
        if offsets:
            try:
                consumer.commit(offsets=offsets, asynchronous=False)
            except Exception as exc:  # the inbox covers a lost commit
                log.warning("commit on revoke failed", extra={"error": str(exc)})
        log.info("partitions revoked", extra={"partitions": _names(partitions)})
        self.assigned.clear()

    def _on_lost(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._offsets.take(partitions)  # cannot commit for partitions we no longer own
        log.warning("partitions lost", extra={"partitions": _names(partitions)})
        self.assigned.clear()

    def _commit(self, *, asynchronous: bool) -> None:
        offsets = self._offsets.take()
        if offsets and self._consumer is not None:
            try:
                if asynchronous:
                    self._consumer.commit(offsets=offsets, asynchronous=True)
                else:
                    self._consumer.commit(offsets=offsets, asynchronous=False)
            except Exception as exc:  # redelivery is safe: the inbox skips processed events
                log.warning("offset commit failed", extra={"error": str(exc)})

    # -- one batch -----------------------------------------------------------------------

    def _process(self, messages: list[Message]) -> None:
        """Decode, apply, and move the offsets past what is settled (handled and committed,
        dead-lettered or ignored), also when stopping halfway."""
        items: list[_Item] = []
        positions: list[_Position | None] = []
        settled: list[bool] = []
        consumed = ignored = 0
        try:
            for message in messages:
                error = message.error()
                if error is not None:
                    positions.append(None)
                    settled.append(True)
                    self._on_kafka_error(error)
                    continue
                consumed += 1
                topic = message.topic() or ""
                partition = message.partition() or 0
                offset = message.offset() or 0
                positions.append(((topic, partition), offset + 1))
                settled.append(False)
                item = self._decode(message, topic, partition, offset, len(settled) - 1)
                if item.__class__ is _Item:
                    items.append(item)
                else:
                    ignored += item is _IGNORED
                    settled[-1] = True  # dead-lettered or not ours
            self.metrics.add(Counter.CONSUMED, consumed)
            if ignored:
                self.metrics.add(Counter.IGNORED, ignored)
            if items:
                self._apply(items, settled)
        finally:
            self._offsets.advance(positions, settled)

    def _decode(
        self, message: Message, topic: str, partition: int, offset: int, index: int
    ) -> _Item | _Ignored | None:
        raw = message.headers()
        headers: dict[str, bytes] = dict(raw) if raw else {}  # type: ignore[arg-type]
        if None in headers.values():
            headers = h.from_kafka(raw)
        event_type = headers.get(h.EVENT_TYPE)
        if event_type is not None and event_type not in self._wanted[topic]:
            # Another event type on a shared topic that this service does not consume.
            return _IGNORED
        readers = self._readers.get(topic, ())
        value = message.value()
        failures = 0
        while True:
            try:
                if value is None:
                    raise UndecodableMessage("message has no value (a tombstone)")
                event, schema_id = self.codec.decode(value, readers)
                break
            except DecodeError as exc:
                self._dead_letter(message, _decode_reason(exc), exc, attempts=0)
                return None
            except RegistryError as exc:
                # The registry is down, not the event bad: wait for it, however long.
                failures += 1
                log.warning("registry unavailable; decode retried", extra={"error": str(exc)})
                self._wait(min(_INFRA_BACKOFF_MAX_S, self.retry.delay_s(failures)))
        handler = self.handlers.get(type(event))
        if handler is None:
            error = UnknownWriterSchema(
                f"decoded as {type(event).__name__}, which this consumer has no handler for",
                schema_id=schema_id,
            )
            self._dead_letter(message, "unknown-schema", error, attempts=0)
            return None
        timestamp_type, timestamp = message.timestamp()
        if _FAST_METADATA:  # _metadata(...), written out: a Python call per event less
            metadata = _new(Metadata)
            _set_attribute(
                metadata,
                "__dict__",
                {
                    "topic": topic,
                    "partition": partition,
                    "offset": offset,
                    "key": message.key(),
                    "headers": headers,
                    "schema_id": schema_id,
                    "timestamp_ms": timestamp if timestamp_type else None,
                },
            )
        else:
            metadata = _metadata(
                topic,
                partition,
                offset,
                message.key(),
                headers,
                schema_id,
                timestamp if timestamp_type else None,
            )
        raw_id = headers.get(h.EVENT_ID)
        event_id = (
            (raw_id.decode("utf-8", "replace") if raw_id else None)
            or _str_or_none(getattr(event, "event_id", None))
            or f"{topic}/{partition}/{offset}"
        )
        return _new_item(
            _Item, (message, event, metadata, (event_id, topic, partition, offset), handler, index)
        )

    def _apply(self, items: list[_Item], settled: list[bool]) -> None:
        """All items in one transaction; on a handler failure, one at a time."""
        try:
            processed, duplicates, stale = self._infra_retry(lambda: self._apply_batch(items))
        except _HandlerFailed:
            for item in items:
                self._apply_one(item)
                settled[item.at] = True
            return
        for item in items:
            settled[item.at] = True
        for counter, n in (
            (Counter.PROCESSED, processed),
            (Counter.DUPLICATES, duplicates),
            (Counter.STALE, stale),
        ):
            if n:
                self.metrics.add(counter, n)

    def _apply_batch(self, items: list[_Item]) -> tuple[int, int, int]:
        """Processed, duplicate and stale events of the batch, all in one transaction."""
        entries = [i.entry for i in items]
        try:
            return self._apply_new(items, entries)
        except _Redelivered:
            return self._apply_checked(items, entries)

    def _apply_new(
        self, items: list[_Item], entries: list[inbox.InboxEntry]
    ) -> tuple[int, int, int]:
        """The common case: no event of the batch is in the inbox yet. Record them all, then
        run every handler; :class:`_Redelivered` (the transaction rolled back) otherwise."""
        with self.db.transaction() as tx:
            if not inbox.claim(tx, self.group_id, entries):
                raise _Redelivered
            processed = self._handle_all(self._context(tx, items[0].metadata), items)
        return processed, 0, len(items) - processed

    def _apply_checked(
        self, items: list[_Item], entries: list[inbox.InboxEntry]
    ) -> tuple[int, int, int]:
        """Skip the events the inbox already holds, and duplicates within the batch."""
        with self.db.transaction() as tx:
            already = inbox.seen(tx, self.group_id, [entry[0] for entry in entries])
            base = self._context(tx, items[0].metadata)
            fresh: list[inbox.InboxEntry] = []
            processed = stale = 0
            for item, entry in zip(items, entries, strict=True):
                if item.event_id in already:
                    continue
                already.add(item.event_id)
                if self._handle(base.for_event(item.metadata), item):
                    processed += 1
                else:
                    stale += 1
                fresh.append(entry)
            inbox.record(tx, self.group_id, fresh)
        return processed, len(items) - len(fresh), stale

    def _apply_one(self, item: _Item) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = self._infra_retry(lambda: self._apply_single(item))
            except _HandlerFailed as failed:
                if self.retry.gives_up_after(attempt, failed.error):
                    self._dead_letter(item.message, "handler", failed.error, attempts=attempt)
                    return
                self.metrics.add(Counter.RETRIED)
                log.warning(
                    "handler failed; retrying",
                    extra={**_where(item), "attempt": attempt, "error": repr(failed.error)},
                )
                self._wait(self.retry.delay_s(attempt))
                continue
            self.metrics.add(outcome)
            return

    def _apply_single(self, item: _Item) -> Counter:
        with self.db.transaction() as tx:
            if inbox.seen(tx, self.group_id, [item.event_id]):
                return Counter.DUPLICATES
            fresh = self._handle(self._context(tx, item.metadata), item)
            inbox.record(tx, self.group_id, [item.entry])
        return Counter.PROCESSED if fresh else Counter.STALE

    def _context(self, tx: Transaction, metadata: Metadata) -> HandlerContext:
        return HandlerContext(
            tx=tx,
            metadata=metadata,
            group=self.group_id,
            codec=self.codec,
            on_outbox_commit=self.on_outbox_commit,
            metrics=self.metrics,
        )

    def _handle_all(self, base: HandlerContext, items: list[_Item]) -> int:
        """:meth:`_handle` for every item, each with ``base`` for its metadata; how many were
        not stale. Without version checks the per-event body is written out here: a Python
        call per event less."""
        if self.version_checks:
            return sum(self._handle(base.for_event(i.metadata), i) for i in items)
        # One context and one trace cell for the batch, made current once; per event, only
        # their fields change.
        fields = base.batch_fields()
        incoming = tracing.Incoming()
        handler_token = context.enter(base)
        trace_token = tracing.activate(incoming)
        try:
            for item in items:
                metadata = item.metadata
                fields["metadata"] = metadata
                incoming.header = metadata.headers.get(h.TRACEPARENT)
                try:
                    item.handler(item.event, metadata)
                except Exception as exc:
                    raise _HandlerFailed(exc) from exc
        finally:
            tracing.deactivate(trace_token)
            context.leave(handler_token)
        return len(items)

    def _handle(self, ctx: HandlerContext, item: _Item) -> bool:
        """Run the handler; False when the version check says the event is stale."""
        handler_token = context.enter(ctx)
        trace_token = tracing.activate(item.metadata.headers.get(h.TRACEPARENT))
        try:
            if self.version_checks:
                check = self.version_checks.get(type(item.event))
                if check is not None and not ctx.is_newer(
                    check.entity,
                    str(getattr(item.event, check.key_field)),
                    int(getattr(item.event, check.version_field)),
                ):
                    return False
            item.handler(item.event, item.metadata)
        except Exception as exc:
            raise _HandlerFailed(exc) from exc
        finally:
            tracing.deactivate(trace_token)
            context.leave(handler_token)
        return True

    def _infra_retry(self, work: Callable[[], T]) -> T:
        """Run ``work``; retry failures of the database itself (not of handlers) until it
        works again or stop is requested: those say nothing about the event."""
        failures = 0
        while True:
            try:
                return work()
            except _HandlerFailed:
                raise
            except Exception as exc:
                failures += 1
                log.error("database transaction failed; retrying", extra={"error": repr(exc)})
                self._wait(min(_INFRA_BACKOFF_MAX_S, self.retry.delay_s(failures)))

    def _dead_letter(
        self, message: Message, reason: str, error: BaseException, *, attempts: int
    ) -> None:
        failures = 0
        while True:
            try:
                topic = self.dead_letters.write(
                    message, reason=reason, error=error, attempts=attempts, group=self.group_id
                )
                break
            except RuntimeFailure as exc:
                failures += 1
                log.error("dead letter not written; retrying", extra={"error": exc.message})
                self._wait(min(_INFRA_BACKOFF_MAX_S, self.retry.delay_s(failures)))
        self.metrics.add(Counter.DEAD_LETTERED)
        log.error(
            "event dead-lettered",
            extra={
                "topic": message.topic(),
                "partition": message.partition(),
                "offset": message.offset(),
                "dead_letter_topic": topic,
                "reason": reason,
                "error": str(error),
                "attempts": attempts,
            },
        )

    def _wait(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise _Stopping

    # -- broker events -------------------------------------------------------------------

    def _on_kafka_error(self, error: KafkaError) -> None:
        code = error.code()
        if code == KafkaError._PARTITION_EOF:
            return
        if error.fatal():
            raise RuntimeFailure(f"consumer failed: {error.str()}")
        if code in (KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_TOPIC):
            # The broker lost our topics (the embedded one forgets everything on restart).
            if self.create_topics and time.monotonic() - self._last_topic_check > 2.0:
                self._last_topic_check = time.monotonic()
                log.warning("subscribed topic missing; creating it", extra={"error": error.str()})
                try:
                    self._ensure_topics()
                except RuntimeFailure as exc:
                    log.warning("cannot create topics yet", extra={"error": exc.message})
            return
        log.warning("broker error (the client retries)", extra={"error": error.str()})

    def _ensure_topics(self) -> None:
        topics = [*self.topics]
        topics += [dead_letter_topic(t, self.dead_letters.suffix) for t in self.topics]
        ensure_topics(self.settings, topics, partitions=self.partitions)

    def _update_lag(self) -> None:
        now = time.monotonic()
        consumer = self._consumer
        if consumer is None or now - self._last_lag < 1.0:
            return
        self._last_lag = now
        try:
            assignment = consumer.assignment()
            positions = consumer.position(assignment) if assignment else []
        except Exception:
            return
        lag: dict[str, int] = {}
        for tp in positions:
            try:
                # cached: the watermark of the last fetch response. Asking the broker (a
                # ListOffsets request) is a round trip, and the embedded broker answers it
                # wrongly (1 for a partition of 150 records).
                low, high = consumer.get_watermark_offsets(tp, cached=True)
            except Exception:
                continue
            if high < 0:
                continue
            position = tp.offset if tp.offset >= 0 else low
            lag[f"{tp.topic}[{tp.partition}]"] = max(0, high - position)
        self.metrics.set_lag(lag)


_METADATA_FIELDS = (
    "topic",
    "partition",
    "offset",
    "key",
    "headers",
    "schema_id",
    "timestamp_ms",
)
_FAST_METADATA = tuple(Metadata.__dataclass_fields__) == _METADATA_FIELDS
_new = object.__new__
_set_attribute = object.__setattr__


def _metadata(
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    headers: dict[str, bytes],
    schema_id: int,
    timestamp_ms: int | None,
) -> Metadata:
    """``Metadata(...)`` for the per-event path. Its frozen-dataclass ``__init__`` sets the
    seven fields one ``object.__setattr__`` at a time; filling ``__dict__`` at once makes the
    same object at a third of the cost (checked against the fields at import)."""
    if not _FAST_METADATA:
        return Metadata(topic, partition, offset, key, headers, schema_id, timestamp_ms)
    meta = _new(Metadata)
    _set_attribute(
        meta,
        "__dict__",
        {
            "topic": topic,
            "partition": partition,
            "offset": offset,
            "key": key,
            "headers": headers,
            "schema_id": schema_id,
            "timestamp_ms": timestamp_ms,
        },
    )
    return meta


def _tune_collector(batch_size: int) -> None:
    """Make the cycle collector cheap for a process that handles batches of events.

    What exists at start (modules, the service's set-up) lives as long as the process: frozen,
    no full collection walks it again. A batch keeps its messages, events and records alive
    until it ends, and they die by reference counting then; with the default threshold (700
    new objects) the collector would run many times per batch and walk them each time, to free
    nothing. So the youngest generation may grow to a few batches' worth of objects first.
    Both are process-wide; the threshold is only ever raised.
    """
    gc.freeze()
    young, middle, old = gc.get_threshold()
    if young:  # 0: the process turned automatic collection off; leave it so
        gc.set_threshold(max(young, _OBJECTS_PER_EVENT * batch_size), middle, old)


def _by_class(
    handlers: Mapping[type[EventType], Handler],
    checks: Mapping[type[EventType] | str, VersionCheck],
) -> dict[type[EventType], VersionCheck]:
    """Version checks keyed by handled class; a key may be the class or its event name. A key
    naming no handled event is a mistake worth failing for (another service's class of the
    same event, a typo): the check would silently never run."""
    found: dict[type[EventType], VersionCheck] = {}
    for key, check in checks.items():
        matches = [c for c in handlers if c is key or key == c.EVENT_NAME]
        if not matches:
            name = key if isinstance(key, str) else f"{key.__module__}.{key.__qualname__}"
            handled = ", ".join(sorted(f"{c.__module__}.{c.__qualname__}" for c in handlers))
            raise ValueError(
                f"version check for {name}, which no handler consumes (handled: {handled})"
            )
        found.update(dict.fromkeys(matches, check))
    return found


def _name(cls: type[EventType]) -> str:
    return cls.EVENT_NAME


def _names(partitions: Sequence[TopicPartition]) -> list[str]:
    return sorted(f"{tp.topic}[{tp.partition}]" for tp in partitions)


def _where(item: _Item) -> dict[str, Any]:
    meta = item.metadata
    return {
        "topic": meta.topic,
        "partition": meta.partition,
        "offset": meta.offset,
        "event_id": item.event_id,
        "event_type": type(item.event).__name__,
    }


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _decode_reason(error: DecodeError) -> str:
    if isinstance(error, IncompatibleWriterSchema):
        return "incompatible-schema"
    if isinstance(error, UnknownWriterSchema):
        return "unknown-schema"
    return "undecodable"
