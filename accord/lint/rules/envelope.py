"""The event envelope: `event_id` and `occurred_at` on every event, and a usable message key.

These rules see a format-neutral view of the payload (:class:`~accord.lint.elements.Payload`),
so one body covers Avro and JSON Schema.
"""

from __future__ import annotations

from accord.lint.elements import EventElement, Finding, Payload, PayloadField
from accord.lint.registry import rule
from accord.lint.rules.common import INSTANT_TYPES

EVENT_ID = "event_id"
OCCURRED_AT = "occurred_at"


def _shown(field: PayloadField) -> str:
    types = "|".join(sorted(field.types)) or "untyped"
    return f"{types} ({field.logical})" if field.logical else types


@rule("ENVELOPE_EVENT_ID_MISSING", on=Payload, categories=("envelope",))
def envelope_event_id_missing(payload: Payload) -> Finding | None:
    """Every event has an `event_id` field.

    ## What it does
    Reports an event payload (the top-level record or root object) without an `event_id`.

    ## Why is this bad?
    Kafka delivers at least once: every consumer sees duplicates after a rebalance or a
    producer retry. A unique id per event is what an idempotent consumer (an inbox table)
    deduplicates on; without it, duplicates are applied twice.

    ## Example
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": [{"name": "order_id", "type": "string"}]}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": [
      {"name": "event_id", "type": {"type": "string", "logicalType": "uuid"}},
      {"name": "order_id", "type": "string"}]}
    ```

    ## Fix
    Add a required `event_id` field: Avro `{"type": "string", "logicalType": "uuid"}`,
    JSON Schema `{"type": "string", "format": "uuid"}`, listed in `required`.
    """
    if EVENT_ID in payload.fields:
        return None
    return payload.finding(
        "the event has no `event_id` field (consumers cannot deduplicate redeliveries)",
        fix="add a required `event_id`: a string UUID (Avro logicalType uuid / format uuid)",
    )


@rule("ENVELOPE_EVENT_ID_NOT_UUID", on=Payload, categories=("envelope",))
def envelope_event_id_not_uuid(payload: Payload) -> Finding | None:
    """`event_id` is a required string UUID.

    ## What it does
    Reports an `event_id` that is not a non-null string with the `uuid` logical type (Avro) or
    `format: uuid` (JSON Schema), or that is not required.

    ## Why is this bad?
    Ids that are numbers need a central sequence; free strings collide. A nullable or optional
    id means some events cannot be deduplicated at all.

    ## Example
    ```json
    {"name": "event_id", "type": "long"}
    ```

    ## Use instead
    ```json
    {"name": "event_id", "type": {"type": "string", "logicalType": "uuid"}}
    ```

    ## Fix
    Make `event_id` a required string UUID. Changing the type of an existing field is a
    breaking change: do it in a new major version of the event.
    """
    field = payload.fields.get(EVENT_ID)
    if field is None:
        return None
    if field.types == {"string"} and field.logical == "uuid" and field.required:
        return None
    return payload.finding(
        f"`event_id` is {_shown(field)}{'' if field.required else ', not required'};"
        " it must be a required string UUID",
        fix='Avro: {"type": "string", "logicalType": "uuid"}; JSON Schema: {"type": "string",'
        ' "format": "uuid"} listed in `required`',
        pointer=field.pointer,
    )


@rule("ENVELOPE_OCCURRED_AT_MISSING", on=Payload, categories=("envelope",))
def envelope_occurred_at_missing(payload: Payload) -> Finding | None:
    """Every event has an `occurred_at` timestamp.

    ## What it does
    Reports an event payload without an `occurred_at` field.

    ## Why is this bad?
    An event is a fact that happened at a time. Without that time, consumers use the Kafka
    record timestamp (set by the producer library or the broker, not by the business), and
    replays, late events and audits lose the real order of things.

    ## Example
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": [{"name": "order_id", "type": "string"}]}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": [
      {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "order_id", "type": "string"}]}
    ```

    ## Fix
    Add a required `occurred_at`: Avro `{"type": "long", "logicalType": "timestamp-millis"}`,
    JSON Schema `{"type": "string", "format": "date-time"}`.
    """
    if OCCURRED_AT in payload.fields:
        return None
    return payload.finding(
        "the event has no `occurred_at` field (when did it happen?)",
        fix="add a required `occurred_at` timestamp (Avro timestamp-millis / format date-time)",
    )


@rule("ENVELOPE_OCCURRED_AT_NOT_TIMESTAMP", on=Payload, categories=("envelope",))
def envelope_occurred_at_not_timestamp(payload: Payload) -> Finding | None:
    """`occurred_at` is a required timestamp: Avro `timestamp-*`, JSON `format: date-time`.

    ## What it does
    Reports an `occurred_at` that is not a non-null `long` with a `timestamp-millis`,
    `timestamp-micros` or `timestamp-nanos` logical type (Avro), or a `string` with
    `format: date-time` (JSON Schema), or that is not required.

    ## Why is this bad?
    A plain number does not say its unit; a local timestamp or a date does not say the
    instant. Every consumer would guess, and they guess differently.

    ## Example
    ```json
    {"name": "occurred_at", "type": "string"}
    ```

    ## Use instead
    ```json
    {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
    ```

    ## Fix
    Give `occurred_at` the timestamp type. Changing the type of an existing field is a
    breaking change: do it in a new major version of the event.
    """
    field = payload.fields.get(OCCURRED_AT)
    if field is None:
        return None
    if payload.avro:
        ok = field.types == {"long"} and field.logical in INSTANT_TYPES
    else:
        ok = field.types == {"string"} and field.logical == "date-time"
    if ok and field.required:
        return None
    wanted = (
        '{"type": "long", "logicalType": "timestamp-millis"}'
        if payload.avro
        else '{"type": "string", "format": "date-time"}, listed in `required`'
    )
    return payload.finding(
        f"`occurred_at` is {_shown(field)}{'' if field.required else ', not required'};"
        " it must be a required timestamp",
        fix=f"use {wanted}",
        pointer=field.pointer,
    )


@rule("EVENT_KEY_MISSING", on=EventElement, categories=("envelope", "manifest"))
def event_key_missing(event: EventElement) -> Finding | None:
    """Every event in the manifest names its message `key` field.

    ## What it does
    Reports events in accord.yaml without `key:`. (A `key` that names no top-level field is
    an input error that `accord validate` already reports.)

    ## Why is this bad?
    Kafka orders events per partition, and the key picks the partition. Without a key the
    events of one order or one user are spread over partitions and consumed out of order:
    `OrderConfirmed` may be applied before `OrderPlaced`.

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events, key: order_id}
    ```

    ## Fix
    Add `key: <field>` naming the id of the entity whose events must stay in order.
    """
    if event.event.key:
        return None
    return event.finding(
        f"event {event.event.name!r} has no message key",
        fix="add `key: <field>` (the id of the entity whose events must stay in order)",
    )


@rule("EVENT_KEY_NOT_REQUIRED", on=EventElement, categories=("envelope", "manifest"))
def event_key_not_required(event: EventElement) -> Finding | None:
    """The key field is required and never null.

    ## What it does
    Reports an event whose `key` field is nullable (an Avro union with `null`, a JSON Schema
    type list with `null`) or, in JSON Schema, missing from `required`.

    ## Why is this bad?
    A null key sends the event to an arbitrary partition: ordering is lost for exactly the
    events that lack it, and compacted topics drop them.

    ## Example
    ```json
    {"name": "order_id", "type": ["null", "string"], "default": null}
    ```

    ## Use instead
    ```json
    {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}}
    ```

    ## Fix
    Make the key field non-nullable (and, in JSON Schema, list it in `required`).
    """
    key = event.event.key
    field = event.payload.fields.get(key) if key else None
    if field is None or field.required:
        return None
    return event.payload.finding(
        f"key field {key!r} of event {event.event.name!r} may be null or absent",
        fix="make it non-nullable (and list it in `required` for JSON Schema)",
        pointer=field.pointer,
    )


@rule("EVENT_KEY_NOT_STRING", on=EventElement, categories=("envelope", "manifest"))
def event_key_not_string(event: EventElement) -> Finding | None:
    """The key field is a string (an id, a UUID, a SKU).

    ## What it does
    Reports an event whose `key` field is not string-typed (ignoring a `null` branch, which
    EVENT_KEY_NOT_REQUIRED reports).

    ## Why is this bad?
    Kafka picks the partition from the key's bytes. A string encodes to the same UTF-8 bytes
    in every client and language; numbers, records and enums are encoded differently by
    different serialisers, which silently splits one entity over several partitions.

    ## Example
    ```json
    {"name": "order_id", "type": "long"}
    ```

    ## Use instead
    ```json
    {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}}
    ```

    ## Fix
    Key on a string field (add one, such as the entity's UUID, if needed).
    """
    key = event.event.key
    field = event.payload.fields.get(key) if key else None
    if field is None or field.types - {"null"} == {"string"}:
        return None
    return event.payload.finding(
        f"key field {key!r} of event {event.event.name!r} is {_shown(field)}, not a string",
        fix="key on a string field (for example the entity's UUID)",
        pointer=field.pointer,
    )
