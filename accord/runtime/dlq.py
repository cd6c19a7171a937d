"""Dead-letter topics: where events go that cannot be processed, with the reason why.

An event is dead-lettered when it cannot be decoded (not Confluent framing, unknown or
incompatible writer schema) or when its handler failed every retry. The dead letter keeps the
original key, value and headers and adds ``dlq.*`` headers: the reason, the error, the original
topic / partition / offset, the attempts made and the consumer group. The consumer waits for the
broker's acknowledgement of the dead letter before it moves past the event, so an event is never
dropped. ``accord dlq list`` shows dead letters and ``accord dlq replay`` sends them back to
their original topic (after the bug is fixed or the schema registered).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    TopicPartition,
)

from accord.errors import RuntimeFailure
from accord.runtime import headers as h
from accord.runtime.producer import RecordProducer
from accord.runtime.settings import KafkaSettings

DLQ_SUFFIX = ".dlq"
_ERROR_LIMIT = 2000  # characters of the error message kept in the header


def dead_letter_topic(topic: str, suffix: str = DLQ_SUFFIX) -> str:
    return f"{topic}{suffix}"


@dataclass(frozen=True)
class DeadLetter:
    """A message read back from a dead-letter topic."""

    topic: str  # the dead-letter topic
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Mapping[str, bytes]

    def header(self, name: str) -> str | None:
        raw = self.headers.get(name)
        return raw.decode("utf-8", "replace") if raw is not None else None

    @property
    def original_topic(self) -> str:
        return self.header(h.DLQ_ORIGINAL_TOPIC) or self.topic.removesuffix(DLQ_SUFFIX)

    @property
    def reason(self) -> str:
        return self.header(h.DLQ_REASON) or "unknown"

    @property
    def error(self) -> str:
        return self.header(h.DLQ_ERROR) or ""

    @property
    def attempts(self) -> int:
        return int(self.header(h.DLQ_ATTEMPTS) or 0)

    @property
    def ref(self) -> str:
        """``<dlq topic>/<partition>/<offset>``: names this dead letter for ``replay``."""
        return f"{self.topic}/{self.partition}/{self.offset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "reason": self.reason,
            "error": self.error,
            "error_type": self.header(h.DLQ_ERROR_TYPE),
            "attempts": self.attempts,
            "event_type": self.header(h.EVENT_TYPE),
            "event_id": self.header(h.EVENT_ID),
            "original": {
                "topic": self.original_topic,
                "partition": _int_or_none(self.header(h.DLQ_ORIGINAL_PARTITION)),
                "offset": _int_or_none(self.header(h.DLQ_ORIGINAL_OFFSET)),
            },
            "consumer_group": self.header(h.DLQ_CONSUMER_GROUP),
            "failed_at": self.header(h.DLQ_FAILED_AT),
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
            "value_bytes": len(self.value or b""),
        }


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def dead_letter_headers(
    message: Message,
    *,
    reason: str,
    error: BaseException | str,
    attempts: int,
    group: str,
) -> h.KafkaHeaders:
    """The original headers (minus old ``dlq.*`` ones) plus this failure's ``dlq.*`` headers."""
    original: h.KafkaHeaders = [
        (k, v) for k, v in h.from_kafka(message.headers()).items() if not k.startswith("dlq.")
    ]
    text = error if isinstance(error, str) else (str(error) or type(error).__name__)
    error_type = "" if isinstance(error, str) else type(error).__name__
    added = {
        h.DLQ_REASON: reason,
        h.DLQ_ERROR: text[:_ERROR_LIMIT],
        h.DLQ_ERROR_TYPE: error_type,
        h.DLQ_ORIGINAL_TOPIC: message.topic() or "",
        h.DLQ_ORIGINAL_PARTITION: str(message.partition()),
        h.DLQ_ORIGINAL_OFFSET: str(message.offset()),
        h.DLQ_ATTEMPTS: str(attempts),
        h.DLQ_CONSUMER_GROUP: group,
        h.DLQ_FAILED_AT: datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    return [*original, *h.to_kafka(added)]


class DeadLetterWriter:
    """Writes dead letters and waits for the broker's acknowledgement of each."""

    def __init__(self, producer: RecordProducer, *, suffix: str = DLQ_SUFFIX) -> None:
        self.producer = producer
        self.suffix = suffix

    def write(
        self,
        message: Message,
        *,
        reason: str,
        error: BaseException | str,
        attempts: int,
        group: str,
        timeout: float = 30.0,
    ) -> str:
        """Produce the dead letter and wait for its ack; returns the dead-letter topic.
        Raises :class:`RuntimeFailure` when the broker did not acknowledge it in time."""
        topic = dead_letter_topic(message.topic() or "", self.suffix)
        if self.producer.stale:
            self.producer.rebuild("a dead letter failed with stale producer state")
        self.producer.ensure([topic])
        outcome: list[KafkaError | None] = []
        headers = dead_letter_headers(
            message, reason=reason, error=error, attempts=attempts, group=group
        )
        self.producer.send(
            topic,
            message.value() or b"",
            message.key(),
            headers,
            lambda err, _msg: outcome.append(err),
        )
        deadline = time.monotonic() + timeout
        while not outcome and time.monotonic() < deadline:
            self.producer.flush(0.2)
        if not outcome or outcome[0] is not None:
            detail = outcome[0].str() if outcome and outcome[0] is not None else "no ack in time"
            raise RuntimeFailure(f"cannot write dead letter to {topic}: {detail}")
        return topic


def read_dead_letters(
    settings: KafkaSettings, topic: str, *, limit: int | None = None, timeout: float = 10.0
) -> list[DeadLetter]:
    """Every dead letter on ``topic`` (oldest first per partition, sorted by partition and
    offset), read without joining a consumer group."""
    if not topic.endswith(DLQ_SUFFIX):
        topic = dead_letter_topic(topic)
    consumer = Consumer(
        settings.config(
            {
                "group.id": f"accord-dlq-reader-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
            }
        )
    )
    try:
        try:
            metadata = consumer.list_topics(topic, timeout=timeout)
        except KafkaException as exc:
            raise RuntimeFailure(
                f"cannot reach Kafka at {settings.bootstrap_servers}: {exc.args[0].str()}",
                hint="start the dev stack (`accord dev up`) or set ACCORD_BOOTSTRAP_SERVERS",
            ) from None
        info = metadata.topics.get(topic)
        if info is None or info.error is not None or not info.partitions:
            return []
        remaining = set()
        assignment = []
        for partition in sorted(info.partitions):
            low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=timeout
            )
            if high > low:
                remaining.add(partition)
                assignment.append(TopicPartition(topic, partition, OFFSET_BEGINNING))
        if not assignment:
            return []
        consumer.assign(assignment)
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + timeout
        while remaining and time.monotonic() < deadline:
            for message in consumer.consume(500, 0.2):
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        remaining.discard(message.partition())
                    continue
                letters.append(_dead_letter(message))
        letters.sort(key=lambda d: (d.partition, d.offset))
        return letters[:limit] if limit is not None else letters
    finally:
        consumer.close()


def _dead_letter(message: Message) -> DeadLetter:
    return DeadLetter(
        topic=message.topic() or "",
        partition=message.partition() or 0,
        offset=message.offset() or 0,
        key=message.key(),
        value=message.value(),
        headers=h.from_kafka(message.headers()),
    )


def replay(
    settings: KafkaSettings, letters: Sequence[DeadLetter], *, timeout: float = 30.0
) -> list[DeadLetter]:
    """Send dead letters back to their original topics (original key, value and headers, plus
    ``dlq.replayed_from``); returns those the broker acknowledged. Replayed events keep their
    event id, so a consumer that did process one in the meantime skips it."""
    producer = RecordProducer(settings, metrics=None)
    producer.ensure({letter.original_topic for letter in letters})
    acked: list[DeadLetter] = []
    failed: list[tuple[DeadLetter, KafkaError]] = []
    for letter in letters:
        headers: h.KafkaHeaders = [
            (k, v) for k, v in letter.headers.items() if not k.startswith(h.DLQ_PREFIX)
        ]
        headers.append((h.DLQ_REPLAYED_FROM, letter.ref.encode()))

        def done(err: KafkaError | None, _msg: Message, letter: DeadLetter = letter) -> None:
            if err is None:
                acked.append(letter)
            else:
                failed.append((letter, err))

        producer.send(letter.original_topic, letter.value or b"", letter.key, headers, done)
    remaining = producer.flush(timeout)
    if failed or remaining:
        first = f"{failed[0][0].ref}: {failed[0][1].str()}" if failed else "no ack in time"
        raise RuntimeFailure(
            f"{len(letters) - len(acked)} of {len(letters)} dead letters not replayed ({first})",
            hint="the acknowledged ones were replayed; run replay again for the others",
        )
    return acked
