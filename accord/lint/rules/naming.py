"""Naming: records, enums, fields, symbols, namespaces, properties, titles, events, services,
topics. Styles come from ``lint: naming:`` (see :data:`accord.lint.naming.DEFAULT_STYLES`)."""

from __future__ import annotations

from collections.abc import Iterator

from accord.contracts import SchemaFormat
from accord.lint.elements import (
    AvroEnum,
    AvroField,
    AvroRecord,
    EventElement,
    Finding,
    JsonEnum,
    JsonProperty,
    JsonRoot,
    ServiceElement,
    TopicElement,
)
from accord.lint.registry import rule

_RENAME_AVRO = (
    "rename it; to keep reading old data, list the old name under `aliases`, and treat the"
    " rename as a breaking change for consumers that match on the old name"
)


@rule("AVRO_RECORD_NAME_STYLE", on=AvroRecord, categories=("naming", "avro"))
def avro_record_name_style(record: AvroRecord) -> Finding | None:
    """Avro record names follow the configured style (PascalCase by default).

    ## What it does
    Checks the simple name of every Avro record against `lint.naming.record`.

    ## Why is this bad?
    Record names become class names in generated code and part of registry subjects
    (`<topic>-<namespace>.<Name>`). Mixed styles make both harder to read and to search.

    ## Example
    ```json
    {"type": "record", "name": "order_placed", "fields": []}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "OrderPlaced", "fields": []}
    ```

    ## Fix
    Rename the record. A record's full name is its identity for readers and for the registry
    subject: list the old name under `aliases` and coordinate the change with consumers.
    """
    problem = record.ctx.options.naming["record"].problem("record name", record.name)
    return record.finding(problem, fix=_RENAME_AVRO, pointer=record.at("name")) if problem else None


@rule("AVRO_ENUM_NAME_STYLE", on=AvroEnum, categories=("naming", "avro"))
def avro_enum_name_style(enum: AvroEnum) -> Finding | None:
    """Avro enum names follow the configured style (PascalCase by default).

    ## What it does
    Checks the simple name of every Avro enum against `lint.naming.enum`.

    ## Why is this bad?
    Enum names become type names in generated code; a consistent style keeps generated code
    and schemas predictable across teams.

    ## Example
    ```json
    {"type": "enum", "name": "user_status", "symbols": ["ACTIVE"]}
    ```

    ## Use instead
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["ACTIVE"]}
    ```

    ## Fix
    Rename the enum and list the old name under `aliases`.
    """
    problem = enum.ctx.options.naming["enum"].problem("enum name", enum.name)
    return enum.finding(problem, fix=_RENAME_AVRO, pointer=enum.at("name")) if problem else None


@rule("AVRO_FIELD_NAME_STYLE", on=AvroField, categories=("naming", "avro"))
def avro_field_name_style(field: AvroField) -> Finding | None:
    """Avro field names follow the configured style (snake_case by default).

    ## What it does
    Checks every field name of every Avro record against `lint.naming.field`.

    ## Why is this bad?
    Field names are the vocabulary every consumer codes against, in every language. One style
    across all events means nobody has to remember whether it was `userId` or `user_id`.

    ## Example
    ```json
    {"name": "userId", "type": "string"}
    ```

    ## Use instead
    ```json
    {"name": "user_id", "type": "string"}
    ```

    ## Fix
    Rename the field and list the old name under the field's `aliases`, so readers with the new
    schema still read data written with the old one.
    """
    style = field.ctx.options.naming["field"]
    if style.matches(field.name):  # the common case, cached by name alone
        return None
    problem = style.problem("field name", field.name)
    if problem is None:
        return None
    return field.finding(
        f"{problem} (record {field.record.name})",
        fix="rename the field; keep the old name in the field's `aliases`",
        pointer=field.at("name"),
    )


@rule("AVRO_ENUM_SYMBOL_STYLE", on=AvroEnum, categories=("naming", "avro"))
def avro_enum_symbol_style(enum: AvroEnum) -> Iterator[Finding]:
    """Avro enum symbols follow the configured style (SCREAMING_SNAKE_CASE by default).

    ## What it does
    Checks every symbol of every Avro enum against `lint.naming.symbol`.

    ## Why is this bad?
    Symbols are constants in generated code and values in logs and dashboards. Mixing
    `Active` and `SUSPENDED` in one system invites typos that only fail at run time.

    ## Example
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["Active", "suspended"]}
    ```

    ## Use instead
    ```json
    {"type": "enum", "name": "UserStatus", "symbols": ["ACTIVE", "SUSPENDED"]}
    ```

    ## Fix
    Rename the symbols. Renaming a symbol is a breaking change for readers that still use the
    old one: do it before the first release, or add the new symbol and retire the old one.
    """
    style = enum.ctx.options.naming["symbol"]
    for i, symbol in enumerate(enum.node.get("symbols") or ()):
        problem = style.problem("enum symbol", symbol)
        if problem:
            yield enum.finding(f"{problem} (enum {enum.name})", pointer=enum.at("symbols", i))


@rule("AVRO_NAMESPACE_STYLE", on=AvroRecord, categories=("naming", "avro"))
def avro_namespace_style(record: AvroRecord) -> Finding | None:
    """Avro namespaces follow the configured style (lower-case dotted by default).

    ## What it does
    Checks each namespace a record declares (the `namespace` attribute, or the dotted part of
    its `name`) against `lint.naming.namespace`.

    ## Why is this bad?
    Namespaces become package names in generated code and part of registry subjects; Java
    and Python both expect lower-case dotted packages.

    ## Example
    ```json
    {"type": "record", "name": "OrderPlaced", "namespace": "Com.Acme.Order", "fields": []}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.order", "fields": []}
    ```

    ## Fix
    Rename the namespace; the full name changes, so list the old full name under `aliases`.
    """
    if "namespace" in record.node:
        pointer = record.at("namespace")
    elif "." in str(record.node.get("name", "")):
        pointer = record.at("name")
    else:
        return None
    namespace = record.namespace
    if not namespace:
        return None
    problem = record.ctx.options.naming["namespace"].problem("namespace", namespace)
    return record.finding(problem, fix=_RENAME_AVRO, pointer=pointer) if problem else None


@rule("AVRO_NAMESPACE_MISSING", on=AvroRecord, categories=("naming", "avro"))
def avro_namespace_missing(record: AvroRecord) -> Finding | None:
    """The top-level Avro record has a namespace.

    ## What it does
    Reports a top-level record (the event payload) whose full name has no namespace.

    ## Why is this bad?
    With the `record` and `topic_record` subject strategies the full record name is part of
    the registry subject. Two teams that both define `Created` without a namespace share one
    subject and break each other's compatibility checks.

    ## Example
    ```json
    {"type": "record", "name": "UserCreated", "fields": []}
    ```

    ## Use instead
    ```json
    {"type": "record", "name": "UserCreated", "namespace": "com.acme.user", "fields": []}
    ```

    ## Fix
    Add a `namespace` naming the owning domain (for example `com.acme.user`).
    """
    if not record.top or record.namespace:
        return None
    return record.finding(
        f"record {record.name!r} has no namespace",
        fix='add "namespace": "<your.domain>" so its full name is unique across teams',
    )


@rule("JSON_PROPERTY_NAME_STYLE", on=JsonProperty, categories=("naming", "jsonschema"))
def json_property_name_style(prop: JsonProperty) -> Finding | None:
    """JSON Schema property names follow the configured style (snake_case by default).

    ## What it does
    Checks every name under `properties` against `lint.naming.property`.

    ## Why is this bad?
    Property names are the vocabulary consumers code against; one style across Avro and JSON
    events means the same concept is spelt the same way everywhere.

    ## Example
    ```json
    {"properties": {"orderId": {"type": "string"}}}
    ```

    ## Use instead
    ```json
    {"properties": {"order_id": {"type": "string"}}}
    ```

    ## Fix
    Rename the property (and its entry in `required`). Renaming is a breaking change for
    consumers: do it before the first release, or add the new property beside the old one.
    """
    style = prop.ctx.options.naming["property"]
    if style.matches(prop.name):  # the common case, cached by name alone
        return None
    problem = style.problem("property name", prop.name)
    return prop.finding(problem) if problem else None


@rule("JSON_TITLE_MISSING", on=JsonRoot, categories=("naming", "jsonschema"))
def json_title_missing(root: JsonRoot) -> Finding | None:
    """A JSON Schema event has a `title`.

    ## What it does
    Reports a JSON Schema document without a top-level `title`.

    ## Why is this bad?
    Confluent's serializers use the `title` as the record name: without one, the
    `record` and `topic_record` subject strategies have no name to build the subject from,
    and generated code has no class name.

    ## Example
    ```json
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
    ```

    ## Use instead
    ```json
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "StockUpdated",
     "type": "object"}
    ```

    ## Fix
    Add a `title` naming the event, in the record naming style.
    """
    if "title" in root.node:
        return None
    return root.finding("the schema has no `title`", fix='add "title": "<EventName>"')


@rule("JSON_TITLE_STYLE", on=JsonRoot, categories=("naming", "jsonschema"))
def json_title_style(root: JsonRoot) -> Finding | None:
    """The `title` of a JSON Schema event follows the configured style (PascalCase by default).

    ## What it does
    Checks the top-level `title` against `lint.naming.title`.

    ## Why is this bad?
    The title is the record name of a JSON Schema (registry subjects, generated class names);
    it should look like the Avro record names next to it.

    ## Example
    ```json
    {"title": "stock updated", "type": "object"}
    ```

    ## Use instead
    ```json
    {"title": "StockUpdated", "type": "object"}
    ```

    ## Fix
    Rename the title. It is part of the registry subject under the `record` and
    `topic_record` strategies, so the subject changes too.
    """
    title = root.node.get("title")
    if not isinstance(title, str):
        return None
    problem = root.ctx.options.naming["title"].problem("title", title)
    return root.finding(problem, pointer="/title") if problem else None


@rule("JSON_ENUM_VALUE_STYLE", on=JsonEnum, categories=("naming", "jsonschema"))
def json_enum_value_style(enum: JsonEnum) -> Iterator[Finding]:
    """String values of JSON Schema enums follow the symbol style (SCREAMING_SNAKE_CASE).

    ## What it does
    Checks every string value of every `enum` against `lint.naming.symbol`, the style of Avro
    enum symbols.

    ## Why is this bad?
    Enum values are constants in code and values in dashboards; the same style as the Avro
    symbols of the other events keeps one vocabulary.

    ## Example
    ```json
    {"type": "string", "enum": ["restocked", "Reserved"]}
    ```

    ## Use instead
    ```json
    {"type": "string", "enum": ["RESTOCKED", "RESERVED"]}
    ```

    ## Fix
    Rename the values. Readers that still expect the old values break: change them before the
    first release, or add the new values first.
    """
    style = enum.ctx.options.naming["symbol"]
    values = enum.node.get("enum")
    for i, value in enumerate(values if isinstance(values, list) else ()):
        if isinstance(value, str):
            problem = style.problem("enum value", value)
            if problem:
                yield enum.finding(problem, pointer=enum.at("enum", i))


@rule("EVENT_NAME_STYLE", on=EventElement, categories=("naming", "manifest"))
def event_name_style(event: EventElement) -> Finding | None:
    """Event names in the manifest follow the configured style (PascalCase by default).

    ## What it does
    Checks every key under `events:` in accord.yaml against `lint.naming.event`.

    ## Why is this bad?
    Event names are what services list under `produces` / `consumes` and what generated code
    exposes; a fact in the past tense in PascalCase (`OrderPlaced`) reads the same everywhere.

    ## Example
    ```yaml
    events:
      order-placed: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Fix
    Rename the event in accord.yaml and in every `produces` / `consumes` list.
    """
    problem = event.ctx.options.naming["event"].problem("event name", event.event.name)
    return event.finding(problem) if problem else None


@rule("EVENT_NAME_MATCHES_SCHEMA", on=EventElement, categories=("naming", "manifest"))
def event_name_matches_schema(event: EventElement) -> Finding | None:
    """An event is named like its schema's record (Avro `name`, JSON Schema `title`).

    ## What it does
    Compares each event's name in accord.yaml with the simple name of its schema's top-level
    record (Avro) or its `title` (JSON Schema).

    ## Why is this bad?
    The registry and every Confluent client know the event by its record name; people and
    the manifest know it by the event name. When the two differ, logs, subjects and code
    disagree about what the event is called.

    ## Example
    ```yaml
    events:
      UserSignedUp: {schema: schemas/user/UserCreated.avsc, topic: user.events}
    ```

    ## Use instead
    ```yaml
    events:
      UserCreated: {schema: schemas/user/UserCreated.avsc, topic: user.events}
    ```

    ## Fix
    Rename the event in accord.yaml (cheap) or the record in the schema (a new subject).
    """
    record = event.event.schema.name.rpartition(".")[2]
    if not record or record == event.event.name:
        return None
    kind = "record" if event.event.schema.format is SchemaFormat.AVRO else "title"
    return event.finding(
        f"event {event.event.name!r} has a schema whose {kind} is {record!r}",
        fix=f"name the event {record!r}, or rename the schema's {kind}",
    )


@rule("SERVICE_NAME_STYLE", on=ServiceElement, categories=("naming", "manifest"))
def service_name_style(service: ServiceElement) -> Finding | None:
    """Service names follow the configured style (snake_case by default).

    ## What it does
    Checks every key under `services:` in accord.yaml against `lint.naming.service`.

    ## Why is this bad?
    Service names become package folders of generated code (`services/{service}/contracts`)
    and consumer group ids; names that are not valid identifiers break imports.

    ## Example
    ```yaml
    services:
      Order-Service: {produces: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
    ```

    ## Fix
    Rename the service in accord.yaml.
    """
    name = service.service.name
    problem = service.ctx.options.naming["service"].problem("service name", name)
    return service.finding(problem) if problem else None


@rule("TOPIC_NAME_STYLE", on=TopicElement, categories=("naming", "manifest"))
def topic_name_style(topic: TopicElement) -> Finding | None:
    """Kafka topic names follow the configured style (lower-case dotted by default).

    ## What it does
    Checks every distinct `topic` in accord.yaml against `lint.naming.topic`.

    ## Why is this bad?
    Topic names are shared infrastructure: ACLs, quotas and dashboards match them by prefix.
    Kafka also warns that `.` and `_` collide in metric names, so mixing them is asking for
    trouble.

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: Orders_Events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
    ```

    ## Fix
    Rename the topic (a new topic: migrate producers and consumers).
    """
    problem = topic.ctx.options.naming["topic"].problem("topic", topic.topic)
    return topic.finding(problem) if problem else None
