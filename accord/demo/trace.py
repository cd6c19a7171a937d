"""The demo's event trace: every event on the contracts' topics, decoded and described.

It reads like any other Kafka client (from the beginning of every partition, no consumer
group), fetches writer schemas from the registry by the id in each message, and turns each
event into one timeline row: when, which service published it, what, about whom, and what
happened.
"""

from __future__ import annotations

import heapq
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fastavro
import orjson
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

from accord.contracts.model import Contracts
from accord.demo.scenario import Ids
from accord.runtime.schema_client import SchemaCache, client_for
from accord.runtime.wire import unframe


@dataclass(frozen=True)
class Row:
    time_ms: int
    service: str
    event: str
    key: str
    outcome: str
    trace: str  # W3C trace id (first 8 hex digits), "" when absent
    topic: str
    partition: int
    offset: int

    @property
    def clock(self) -> str:
        return datetime.fromtimestamp(self.time_ms / 1000, UTC).strftime("%H:%M:%S.%f")[:-3]

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": datetime.fromtimestamp(self.time_ms / 1000, UTC).isoformat(),
            "service": self.service,
            "event": self.event,
            "key": self.key,
            "outcome": self.outcome,
            "trace": self.trace,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
        }


def describe(event: str, data: dict[str, Any], ids: Ids) -> tuple[str, str]:
    """(key label, outcome) of one event, in the words of the story."""
    if event in ("UserCreated", "UserUpdated"):
        key = ids.label("user", str(data["user_id"]))
        if event == "UserCreated":
            return key, f"created: {data['full_name']} <{data['email']}>, {data['status']}"
        changed = ", ".join(data.get("changed_fields") or []) or "nothing"
        return key, f"v{data['version']}: changed {changed} ({data['status']})"
    if event.startswith("Order"):
        key = ids.label("order", str(data["order_id"]))
        who = ids.label("user", str(data["user_id"]))
        if event == "OrderPlaced":
            lines = ", ".join(f"{ln['quantity']} x {ln['sku']}" for ln in data["lines"])
            return key, f"placed by {who}: {lines} = {data['total']} {data['currency']}"
        if event == "OrderConfirmed":
            return key, f"CONFIRMED ({data['total']} {data['currency']})"
        detail = f": {data['detail']}" if data.get("detail") else ""
        return key, f"REJECTED {data['reason']}{detail}"
    if event == "StockUpdated":
        order = f" for {ids.label('order', str(data['order_id']))}" if data.get("order_id") else ""
        return (
            f"sku {data['sku']}",
            f"{data['change']} {data['quantity']}{order}"
            f" (on hand {data['on_hand']}, reserved {data['reserved']})",
        )
    return "", ""


def _occurred_ms(data: Any) -> int | None:
    """When the event happened (its ``occurred_at``), in ms; None when it does not say."""
    value = data.get("occurred_at") if isinstance(data, dict) else None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return None


class TraceReader:
    """Reads the topics in a background thread; ``rows`` grows as events arrive."""

    # Events of different topics arrive interleaved; rows wait this long so they come out in
    # time order (a reorder buffer), which is what makes the timeline readable.
    REORDER_MS = 600

    def __init__(
        self,
        contracts: Contracts,
        bootstrap: str,
        registry_url: str,
        ids: Ids,
        on_row: Callable[[Row], None],
    ) -> None:
        self.contracts = contracts
        self.ids = ids
        self.on_row = on_row
        self.rows: list[Row] = []
        self.errors: list[str] = []
        self._cache = SchemaCache(client_for(registry_url))
        self._by_record = {e.schema.name or e.name: e for e in contracts.events.values()}
        self._parsed: dict[int, Any] = {}
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": "accord-demo-trace",
                "enable.auto.commit": False,
                "enable.partition.eof": False,
            }
        )
        self._pending: list[tuple[int, str, int, int, Row]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-trace", daemon=True)
        self._lock = threading.Lock()

    def start(self) -> TraceReader:
        metadata = self._consumer.list_topics(timeout=10)
        partitions = [
            TopicPartition(topic, p, OFFSET_BEGINNING)
            for topic in self.contracts.topics
            if topic in metadata.topics
            for p in sorted(metadata.topics[topic].partitions)
        ]
        self._consumer.assign(partitions)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._consumer.close()
        self._emit(until_ms=None)

    def flush(self) -> None:
        """Emit every row read so far (the run is quiet: nothing earlier can arrive)."""
        self._emit(until_ms=None)

    def _emit(self, until_ms: int | None) -> None:
        with self._lock:
            ready = []
            while self._pending and (until_ms is None or self._pending[0][0] <= until_ms):
                ready.append(heapq.heappop(self._pending)[-1])
        for row in ready:
            self.on_row(row)

    def count(self, event: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.rows if event is None or r.event == event)

    def _run(self) -> None:
        while not self._stop.is_set():
            message = self._consumer.poll(0.1)
            self._emit(until_ms=int(time.time() * 1000) - self.REORDER_MS)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() != KafkaError._PARTITION_EOF:
                    self.errors.append(str(error))
                continue
            try:
                row = self._row(message)
            except Exception as exc:  # a trace must not stop on one odd message
                self.errors.append(
                    f"{message.topic()}[{message.partition()}]@{message.offset()}: {exc}"
                )
                continue
            with self._lock:
                self.rows.append(row)
                heapq.heappush(
                    self._pending, (row.time_ms, row.topic, row.partition, row.offset, row)
                )

    def _row(self, message: Any) -> Row:
        schema_id, body = unframe(message.value())
        writer = self._cache.writer(schema_id)
        event = self._by_record.get(writer.record_name)
        name = event.name if event else writer.record_name or f"schema {schema_id}"
        if writer.schema_type == "AVRO":
            parsed = self._parsed.get(schema_id)
            if parsed is None:
                parsed = self._parsed[schema_id] = fastavro.parse_schema(writer.data)
            data = fastavro.schemaless_reader(io.BytesIO(bytes(body)), parsed, None)
        else:
            data = orjson.loads(bytes(body))
        key, outcome = describe(name, data if isinstance(data, dict) else {}, self.ids)
        headers = dict(message.headers() or [])
        traceparent = headers.get("traceparent", b"").decode("ascii", "replace")
        producers = self.contracts.producers_of(name) if event else []
        return Row(
            time_ms=_occurred_ms(data) or int(message.timestamp()[1]),
            service=", ".join(producers) or "?",
            event=name,
            key=key,
            outcome=outcome,
            trace=traceparent.split("-")[1][:8] if traceparent.count("-") >= 3 else "",
            topic=message.topic(),
            partition=message.partition(),
            offset=message.offset(),
        )
