"""What generated stubs run on: typed producers and consumers over confluent-kafka, the
transactional outbox, the idempotent inbox, retries, dead-letter topics and trace headers.

See ``docs/runtime.md`` for a walk-through. The names below are the public API.
"""

from __future__ import annotations

from accord.runtime.consumer import EventConsumer, VersionCheck
from accord.runtime.context import HandlerContext, current
from accord.runtime.db import Database, Transaction, open_database
from accord.runtime.dlq import DeadLetter, dead_letter_topic, read_dead_letters, replay
from accord.runtime.events import (
    Codec,
    DecodeError,
    EventType,
    Handler,
    IncompatibleWriterSchema,
    Metadata,
    Publisher,
    UndecodableMessage,
    UnknownWriterSchema,
)
from accord.runtime.ids import new_event_id
from accord.runtime.logs import JsonFormatter, configure_logging
from accord.runtime.metrics import Counter, Metrics, MetricsSnapshot
from accord.runtime.outbox import OutboxPublisher, OutboxRelay
from accord.runtime.producer import DeliveryFailed, KafkaPublisher
from accord.runtime.retry import PermanentError, RetryPolicy
from accord.runtime.service import ServiceRuntime
from accord.runtime.settings import KafkaSettings
from accord.runtime.status import serve_status
from accord.runtime.topics import ensure_topics
from accord.runtime.tracing import TraceContext, current_trace, use_trace

__all__ = [
    "Codec",
    "Counter",
    "Database",
    "DeadLetter",
    "DecodeError",
    "DeliveryFailed",
    "EventConsumer",
    "EventType",
    "Handler",
    "HandlerContext",
    "IncompatibleWriterSchema",
    "JsonFormatter",
    "KafkaPublisher",
    "KafkaSettings",
    "Metadata",
    "Metrics",
    "MetricsSnapshot",
    "OutboxPublisher",
    "OutboxRelay",
    "PermanentError",
    "Publisher",
    "RetryPolicy",
    "ServiceRuntime",
    "TraceContext",
    "Transaction",
    "UndecodableMessage",
    "UnknownWriterSchema",
    "VersionCheck",
    "configure_logging",
    "current",
    "current_trace",
    "dead_letter_topic",
    "ensure_topics",
    "new_event_id",
    "open_database",
    "read_dead_letters",
    "replay",
    "serve_status",
    "use_trace",
]
