"""Topology: who produces and consumes what, and what shares a topic (the decoupling rules)."""

from __future__ import annotations

from collections.abc import Iterator

from accord.diagnostics import Severity
from accord.lint.elements import EventElement, Finding, ServiceElement, TopicElement
from accord.lint.registry import rule


def _names(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


@rule("TOPOLOGY_CONSUMED_WITHOUT_PRODUCER", on=EventElement, categories=("topology", "manifest"))
def topology_consumed_without_producer(event: EventElement) -> Finding | None:
    """Every consumed event has a producing service.

    ## What it does
    Reports events that some service lists under `consumes` while no service lists them
    under `produces`.

    ## Why is this bad?
    The consumer waits for events that nobody publishes: the feature built on them never
    runs, and nobody owns the schema the consumer depends on.

    ## Example
    ```yaml
    services:
      inventory: {consumes: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
      inventory: {consumes: [OrderPlaced]}
    ```

    ## Fix
    Add the event to the `produces` list of the service that owns the fact, or stop
    consuming it.
    """
    name = event.event.name
    consumers = event.ctx.consumers.get(name, [])
    if not consumers or event.ctx.producers.get(name):
        return None
    return event.finding(
        f"event {name!r} is consumed by {_names(consumers)} but no service produces it",
        fix="list it under `produces` of the service that owns the fact",
    )


@rule("TOPOLOGY_MULTIPLE_PRODUCERS", on=EventElement, categories=("topology", "manifest"))
def topology_multiple_producers(event: EventElement) -> Finding | None:
    """Every event has exactly one producing service.

    ## What it does
    Reports events that more than one service lists under `produces`.

    ## Why is this bad?
    An event is a fact about data one service owns. Two producers mean two owners of the same
    fact: they drift apart in what they put in it, the ordering per key is lost across
    them, and no one can change the schema alone.

    ## Example
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
      checkout: {produces: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
      checkout: {produces: [CheckoutCompleted]}
    ```

    ## Fix
    Keep one producer; the other publishes its own event (which the owner may consume).
    """
    producers = event.ctx.producers.get(event.event.name, [])
    if len(producers) < 2:
        return None
    return event.finding(
        f"event {event.event.name!r} has {len(producers)} producers: {_names(producers)}",
        fix="keep one owner; let the others publish their own events",
    )


@rule(
    "TOPOLOGY_EVENT_NOT_CONSUMED",
    on=EventElement,
    categories=("topology", "manifest"),
    severity=Severity.WARNING,
)
def topology_event_not_consumed(event: EventElement) -> Finding | None:
    """Every event has at least one consuming service.

    ## What it does
    Reports events that no service lists under `consumes`.

    ## Why is this bad?
    An event nobody reads still costs: a schema to evolve compatibly, a topic to run, code to
    maintain. Often it means a consumer is missing from the manifest, so the gate does not
    protect it.

    ## Example
    ```yaml
    services:
      order: {produces: [OrderPlaced, OrderArchived]}
      inventory: {consumes: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
      inventory: {consumes: [OrderPlaced]}
    ```

    ## Fix
    Declare the service that consumes it, or retire the event.
    """
    name = event.event.name
    if event.ctx.consumers.get(name, []):
        return None
    return event.finding(
        f"no service consumes event {name!r}",
        fix="declare its consumers under `consumes`, or retire the event",
    )


@rule("TOPOLOGY_SELF_CONSUMPTION", on=ServiceElement, categories=("topology", "manifest"))
def topology_self_consumption(service: ServiceElement) -> Iterator[Finding]:
    """A service does not consume the events it produces.

    ## What it does
    Reports every event that a service lists under both `produces` and `consumes`.

    ## Why is this bad?
    A service reading its own events uses Kafka as a slow, eventually consistent function
    call to itself: its own state lags behind what it already announced, and a failed
    handler leaves it inconsistent with the world it told.

    ## Example
    ```yaml
    services:
      order: {produces: [OrderPlaced], consumes: [OrderPlaced]}
    ```

    ## Use instead
    ```yaml
    services:
      order: {produces: [OrderPlaced]}
    ```

    ## Fix
    Update the service's own state in the same transaction that writes the event (the
    outbox), and drop the event from `consumes`.
    """
    s = service.service
    for i, name in enumerate(s.consumes):
        if name in s.produces:
            yield service.finding(
                f"service {s.name!r} consumes {name!r}, which it produces itself",
                fix="update its own state with the outbox write; drop the event from `consumes`",
                pointer=service.at("consumes", i),
            )


@rule("TOPOLOGY_TOPIC_KEY_MISMATCH", on=TopicElement, categories=("topology", "manifest"))
def topology_topic_key_mismatch(topic: TopicElement) -> Iterator[Finding]:
    """Events that share a topic share their message key (same field name and type).

    ## What it does
    For every topic carrying several events, reports each event whose `key` field (or its
    type) differs from that of the topic's first event in accord.yaml.

    ## Why is this bad?
    Events share a topic so that consumers see them in order, and order holds only within a
    partition: the events of one entity must hash to the same partition, so they need the
    same key. `OrderPlaced` keyed by `order_id` and `OrderShipped` keyed by `shipment_id`
    land on different partitions and overtake each other.

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: ..., topic: order.events, key: order_id}
      OrderShipped: {schema: ..., topic: order.events, key: shipment_id}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced: {schema: ..., topic: order.events, key: order_id}
      OrderShipped: {schema: ..., topic: order.events, key: order_id}
    ```

    ## Fix
    Key every event of the topic on the same entity id, or move the event to its own topic.
    """
    first = topic.events[0]
    want = first.event.key
    want_field = first.payload.fields.get(want) if want else None
    for other in topic.events[1:]:
        key = other.event.key
        if key != want:
            yield other.finding(
                f"event {other.event.name!r} on topic {topic.topic!r} is keyed by {key!r},"
                f" event {first.event.name!r} by {want!r}",
                fix="key every event of a topic on the same field, or give it its own topic",
                pointer=other.at("key") if key else other.pointer,
            )
            continue
        got_field = other.payload.fields.get(key) if key else None
        if want_field and got_field and want_field.types - {"null"} != got_field.types - {"null"}:
            yield other.finding(
                f"key {key!r} of event {other.event.name!r} has a different type than in"
                f" {first.event.name!r} on topic {topic.topic!r}",
                fix="give the key field the same type in every event of the topic",
                pointer=other.at("key"),
            )


@rule("TOPOLOGY_TOPIC_MIXED_FORMATS", on=TopicElement, categories=("topology", "manifest"))
def topology_topic_mixed_formats(topic: TopicElement) -> Iterator[Finding]:
    """Events that share a topic use the same schema language (all Avro or all JSON Schema).

    ## What it does
    For every topic carrying several events, reports each event whose schema format differs
    from that of the topic's first event in accord.yaml.

    ## Why is this bad?
    A consumer of a topic is configured with one value deserializer. Confluent's Avro
    deserializer cannot read a JSON Schema event and the other way round, so a topic that
    mixes formats breaks every consumer on the first event of the other kind. (Several event
    types per topic are fine with the `record` and `topic_record` subject strategies; with
    the `topic` strategy the subjects clash, which `accord validate` reports.)

    ## Example
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
      OrderNoted: {schema: schemas/order/OrderNoted.json, topic: order.events}
    ```

    ## Use instead
    ```yaml
    events:
      OrderPlaced: {schema: schemas/order/OrderPlaced.avsc, topic: order.events}
      OrderNoted: {schema: schemas/order/OrderNoted.avsc, topic: order.events}
    ```

    ## Fix
    Write the event in the topic's schema language, or publish it on its own topic.
    """
    first = topic.events[0]
    fmt = first.event.schema.format
    for other in topic.events[1:]:
        if other.event.schema.format is not fmt:
            yield other.finding(
                f"event {other.event.name!r} is {other.event.schema.format.value} but topic"
                f" {topic.topic!r} carries {fmt.value} ({first.event.name!r})",
                fix="use one schema language per topic",
                pointer=other.at("schema"),
            )
