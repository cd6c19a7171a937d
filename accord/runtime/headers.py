"""Header names the runtime writes on every event, and on dead letters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

EVENT_TYPE = "event_type"  # manifest name, e.g. "OrderPlaced"
EVENT_ID = "event_id"  # the event's unique id (its ``event_id`` field when it has one)
SCHEMA_ID = "schema_id"  # registry id of the writer schema (also in the wire-format prefix)
TRACEPARENT = "traceparent"  # W3C trace context

# Dead-letter headers (``accord.runtime.dlq``), next to the original event's headers.
DLQ_PREFIX = "dlq."
DLQ_REASON = "dlq.reason"  # "undecodable" | "unknown-schema" | "incompatible-schema" | "handler"
DLQ_ERROR = "dlq.error"  # the error message
DLQ_ERROR_TYPE = "dlq.error_type"  # exception class name
DLQ_ORIGINAL_TOPIC = "dlq.original_topic"
DLQ_ORIGINAL_PARTITION = "dlq.original_partition"
DLQ_ORIGINAL_OFFSET = "dlq.original_offset"
DLQ_ATTEMPTS = "dlq.attempts"  # handler attempts made (0: never handed to a handler)
DLQ_CONSUMER_GROUP = "dlq.consumer_group"
DLQ_FAILED_AT = "dlq.failed_at"  # ISO 8601 UTC
DLQ_REPLAYED_FROM = "dlq.replayed_from"  # on a replayed event: "<dlq topic>/<partition>/<offset>"

HeaderValue = str | bytes | None
KafkaHeaders = list[tuple[str, HeaderValue]]  # what confluent-kafka takes and gives


def to_kafka(headers: Mapping[str, str]) -> KafkaHeaders:
    return [(name, value.encode("utf-8")) for name, value in headers.items()]


def from_kafka(
    headers: Mapping[str, HeaderValue] | Iterable[tuple[str, HeaderValue]] | None,
) -> dict[str, bytes]:
    """confluent-kafka's headers as a dict of bytes (the last value wins for a repeated name)."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers or ()
    return {name: _as_bytes(value) for name, value in pairs}


def _as_bytes(value: HeaderValue) -> bytes:
    if value is None:
        return b""
    return value.encode("utf-8") if isinstance(value, str) else value
