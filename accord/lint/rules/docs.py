"""Documentation: docs on records, fields, enums, properties, definitions; owners and docs in
the manifest."""

from __future__ import annotations

from accord.lint.elements import (
    AvroEnum,
    AvroField,
    AvroRecord,
    EventElement,
    Finding,
    JsonDefinition,
    JsonProperty,
    JsonRoot,
    ServiceElement,
)
from accord.lint.registry import rule
from accord.lint.rules.common import has_text


@rule("AVRO_RECORD_MISSING_DOC", on=AvroRecord, categories=("docs", "avro"))
def avro_record_missing_doc(record: AvroRecord) -> Finding | None:
    """Avro records have a `doc`.

    ## What it does
    Reports every record (top-level or nested) without a non-empty `doc`.

    ## Why is this bad?
    The schema is the only contract between teams: the team consuming an event will never
    talk to the producer's code. A record without a doc says what it contains, not what
    happened or when it is published.

    ## Example
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": []}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "OrderPlaced",
     "doc": "A customer placed an order and the order service accepted it.", "fields": []}
    ```

    ## Fix
    Add a `doc` saying what happened, who publishes it and when. Docs do not change the
    binary encoding, so this is always a compatible change.
    """
    if has_text(record.node.get("doc")):
        return None
    return record.finding(
        f"record {record.name!r} has no doc", fix='add "doc": "<what happened, and when>"'
    )


@rule("AVRO_FIELD_MISSING_DOC", on=AvroField, categories=("docs", "avro"))
def avro_field_missing_doc(field: AvroField) -> Finding | None:
    """Avro fields have a `doc`.

    ## What it does
    Reports every record field without a non-empty `doc`.

    ## Why is this bad?
    A field name rarely says the unit, the time zone, who sets it or when it is null. The
    consumer cannot ask: the doc is the only place to say it.

    ## Example
    ```json
    {"name": "total", "type": {"type": "bytes", "logicalType": "decimal",
                               "precision": 12, "scale": 2}}
    ```

    ## Use instead
    ```json
    {"name": "total", "type": {"type": "bytes", "logicalType": "decimal",
                               "precision": 12, "scale": 2},
     "doc": "Amount the customer owes, in the order's currency."}
    ```

    ## Fix
    Add a `doc` to the field (a compatible change).
    """
    doc = field.node.get("doc")
    if type(doc) is str and doc and not doc.isspace():  # has_text(), inline: runs per field
        return None
    return field.finding(
        f"field {field.name!r} of record {field.record.name!r} has no doc",
        fix='add "doc": "<meaning, unit, when it is null>"',
    )


@rule("AVRO_ENUM_MISSING_DOC", on=AvroEnum, categories=("docs", "avro"))
def avro_enum_missing_doc(enum: AvroEnum) -> Finding | None:
    """Avro enums have a `doc`.

    ## What it does
    Reports every enum without a non-empty `doc`.

    ## Why is this bad?
    Consumers must know what each symbol means and what to do with symbols they do not know
    yet; only the doc can say so.

    ## Example
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["UNKNOWN", "ACTIVE"], "default": "UNKNOWN"}
    ```

    ## Use instead
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["UNKNOWN", "ACTIVE"], "default": "UNKNOWN",
     "doc": "Whether the account may place orders. Readers map unknown symbols to UNKNOWN."}
    ```

    ## Fix
    Add a `doc` to the enum (a compatible change).
    """
    if has_text(enum.node.get("doc")):
        return None
    return enum.finding(
        f"enum {enum.name!r} has no doc", fix='add "doc": "<what each symbol means>"'
    )


@rule("JSON_SCHEMA_MISSING_DESCRIPTION", on=JsonRoot, categories=("docs", "jsonschema"))
def json_schema_missing_description(root: JsonRoot) -> Finding | None:
    """A JSON Schema event has a top-level `description`.

    ## What it does
    Reports a JSON Schema document without a non-empty top-level `description`.

    ## Why is this bad?
    The schema is the only contract between teams; its description says what happened, who
    publishes the event and when.

    ## Example
    ```json
    {"title": "StockUpdated", "type": "object"}
    ```

    ## Use instead
    ```json
    {"title": "StockUpdated", "description": "The stock of one SKU changed.", "type": "object"}
    ```

    ## Fix
    Add a `description` (an annotation: it never changes what validates).
    """
    if has_text(root.node.get("description")):
        return None
    return root.finding(
        "the schema has no `description`", fix='add "description": "<what happened>"'
    )


@rule("JSON_PROPERTY_MISSING_DESCRIPTION", on=JsonProperty, categories=("docs", "jsonschema"))
def json_property_missing_description(prop: JsonProperty) -> Finding | None:
    """JSON Schema properties have a `description`.

    ## What it does
    Reports every entry of `properties` (at any depth) without a non-empty `description`.
    A property that is only a `$ref` needs its own description too: the definition says what
    the type is, the property says what it means here.

    ## Why is this bad?
    A property name rarely says the unit, the format, who sets it or when it is null; the
    description is the only place consumers can read it.

    ## Example
    ```json
    {"properties": {"quantity": {"type": "integer", "minimum": 0}}}
    ```

    ## Use instead
    ```json
    {"properties": {"quantity": {"type": "integer", "minimum": 0,
                                 "description": "Units this change concerns."}}}
    ```

    ## Fix
    Add a `description` to the property.
    """
    node = prop.node
    text = node.get("description") if type(node) is dict else None
    if type(text) is str and text and not text.isspace():  # has_text(), inline: per property
        return None
    return prop.finding(
        f"property {prop.name!r} has no description",
        fix='add "description": "<meaning, unit, when it is null>"',
    )


@rule("JSON_DEFINITION_MISSING_DESCRIPTION", on=JsonDefinition, categories=("docs", "jsonschema"))
def json_definition_missing_description(definition: JsonDefinition) -> Finding | None:
    """Reusable JSON Schema definitions (`$defs`, `definitions`) have a `description`.

    ## What it does
    Reports every entry of `$defs` / `definitions` without a non-empty `description`.

    ## Why is this bad?
    Definitions are the shared types of a schema (the JSON Schema counterpart of named Avro
    records and enums); every property that refers to one relies on its meaning.

    ## Example
    ```json
    {"$defs": {"StockChange": {"type": "string", "enum": ["RESTOCKED", "SHIPPED"]}}}
    ```

    ## Use instead
    ```json
    {"$defs": {"StockChange": {"type": "string", "enum": ["RESTOCKED", "SHIPPED"],
                               "description": "Kinds of stock change."}}}
    ```

    ## Fix
    Add a `description` to the definition.
    """
    if isinstance(definition.node, dict) and has_text(definition.node.get("description")):
        return None
    if isinstance(definition.node, bool):
        return None  # `true` / `false` schemas have nothing to describe
    return definition.finding(
        f"definition {definition.name!r} has no description",
        fix='add "description": "<what this type means>"',
    )


@rule("EVENT_MISSING_OWNER", on=EventElement, categories=("docs", "manifest"))
def event_missing_owner(event: EventElement) -> Finding | None:
    """Every event in the manifest names its owner.

    ## What it does
    Reports events in accord.yaml without an `owner`.

    ## Why is this bad?
    An event is owned by exactly one team: the one that may change its schema. Without an
    owner, a consumer with a question or a broken pipeline has nobody to turn to, and
    reviewers cannot tell who must approve a change.

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced:
        schema: schemas/order/OrderPlaced.avsc
        topic: order.events
        owner: checkout-team
    ```

    ## Fix
    Add `owner: <team>` to the event.
    """
    if has_text(event.event.owner):
        return None
    return event.finding(
        f"event {event.event.name!r} has no owner", fix="add `owner: <team>` to the event"
    )


@rule(
    "EVENT_MISSING_DOC",
    on=EventElement,
    categories=("docs", "manifest"),
    default=False,
)
def event_missing_doc(event: EventElement) -> Finding | None:
    """Every event in the manifest has a one-line `doc`.

    ## What it does
    Reports events in accord.yaml without a `doc` (off by default: the schema's own doc is
    usually enough; turn it on for catalogues).

    ## Why is this bad?
    The manifest is the map of the system; a line per event lets people read the topology
    without opening every schema (`accord docs` shows it in the catalogue).

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced:
        schema: schemas/order/OrderPlaced.avsc
        topic: order.events
        doc: An order was accepted and awaits stock.
    ```

    ## Fix
    Add `doc: <one line>` to the event.
    """
    if has_text(event.event.doc):
        return None
    return event.finding(f"event {event.event.name!r} has no doc", fix="add `doc: <one line>`")


@rule("SERVICE_MISSING_OWNER", on=ServiceElement, categories=("docs", "manifest"))
def service_missing_owner(service: ServiceElement) -> Finding | None:
    """Every service in the manifest names its owner.

    ## What it does
    Reports services in accord.yaml without an `owner`.

    ## Why is this bad?
    When a consumer lags or a dead-letter topic fills up, someone must be paged. The manifest
    is where people look for that someone.

    ## Example
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {owner: checkout-team, produces: [OrderPlaced]}
    ```

    ## Fix
    Add `owner: <team>` to the service.
    """
    if has_text(service.service.owner):
        return None
    return service.finding(
        f"service {service.service.name!r} has no owner", fix="add `owner: <team>` to the service"
    )


@rule(
    "SERVICE_MISSING_DOC",
    on=ServiceElement,
    categories=("docs", "manifest"),
    default=False,
)
def service_missing_doc(service: ServiceElement) -> Finding | None:
    """Every service in the manifest has a one-line `doc` (off by default).

    ## What it does
    Reports services in accord.yaml without a `doc`.

    ## Why is this bad?
    A line per service says what data it owns, which is what decides where a new event
    belongs.

    ## Example
    ```yaml
    services:
      inventory: {produces: [StockUpdated]}
    ```

    ## Use instead
    ```yaml
    services:
      inventory: {doc: Owns stock levels., produces: [StockUpdated]}
    ```

    ## Fix
    Add `doc: <one line>` to the service.
    """
    if has_text(service.service.doc):
        return None
    return service.finding(
        f"service {service.service.name!r} has no doc", fix="add `doc: <one line>`"
    )
