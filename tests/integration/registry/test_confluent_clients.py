"""confluent-kafka's own clients against accord's registry, on SQLite and on PostgreSQL:
the registry is Confluent-compatible when these work unchanged."""

from __future__ import annotations

import json

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from tests.integration.registry.conftest import LiveRegistry

pytestmark = pytest.mark.integration

ORDER_V1 = {
    "type": "record",
    "name": "OrderPlaced",
    "namespace": "com.acme.order",
    "fields": [{"name": "order_id", "type": "string"}, {"name": "amount", "type": "long"}],
}
ORDER_V2 = {
    **ORDER_V1,
    "fields": [*ORDER_V1["fields"], {"name": "note", "type": ["null", "string"], "default": None}],
}
ORDER_BREAKING = {**ORDER_V1, "fields": [*ORDER_V1["fields"], {"name": "email", "type": "string"}]}
ADDRESS = {
    "type": "record",
    "name": "Address",
    "namespace": "com.acme.common",
    "fields": [{"name": "street", "type": "string"}, {"name": "city", "type": "string"}],
}
CUSTOMER = {
    "type": "record",
    "name": "Customer",
    "namespace": "com.acme.user",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "home", "type": "com.acme.common.Address"},
        {"name": "work", "type": ["null", "com.acme.common.Address"], "default": None},
    ],
}
STOCK = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "StockUpdated",
    "type": "object",
    "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 0}},
    "required": ["sku", "quantity"],
}
MONEY = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"amount": {"type": "integer"}, "currency": {"type": "string"}},
    "required": ["amount", "currency"],
}
INVOICE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Invoice",
    "type": "object",
    "properties": {"id": {"type": "string"}, "total": {"$ref": "money.json"}},
    "required": ["id", "total"],
}


def avro(doc: object) -> Schema:
    return Schema(json.dumps(doc), "AVRO")


def ctx(topic: str) -> SerializationContext:
    return SerializationContext(topic, MessageField.VALUE)


@pytest.fixture
def client(registry: LiveRegistry) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": registry.url})


def test_register_lookup_and_get_by_id(client: SchemaRegistryClient) -> None:
    schema_id = client.register_schema("orders-value", avro(ORDER_V1))
    again = client.register_schema("orders-value", avro(ORDER_V1))
    elsewhere = client.register_schema("archive-value", avro(ORDER_V1))
    found = client.lookup_schema("orders-value", avro(ORDER_V1))
    fetched = client.get_schema(schema_id)

    assert again == schema_id
    assert elsewhere == schema_id  # the same schema under another subject keeps its id
    assert (found.schema_id, found.version, found.subject) == (schema_id, 1, "orders-value")
    assert json.loads(fetched.schema_str or "null") == ORDER_V1
    assert fetched.schema_type == "AVRO"


def test_versions_latest_and_compatibility(client: SchemaRegistryClient) -> None:
    first = client.register_schema("orders-value", avro(ORDER_V1))
    second = client.register_schema("orders-value", avro(ORDER_V2))

    assert second != first
    assert client.get_versions("orders-value") == [1, 2]
    assert client.get_latest_version("orders-value").schema_id == second
    assert client.get_version("orders-value", 1).schema_id == first
    assert client.test_compatibility("orders-value", avro(ORDER_V2)) is True
    assert client.test_compatibility("orders-value", avro(ORDER_BREAKING)) is False
    assert client.test_compatibility_all_versions("orders-value", avro(ORDER_BREAKING)) is False
    assert client.get_subjects() == ["orders-value"]
    assert client.get_subjects_by_schema_id(first) == ["orders-value"]


def test_incompatible_registration_is_409_with_the_reason(client: SchemaRegistryClient) -> None:
    client.register_schema("orders-value", avro(ORDER_V1))

    with pytest.raises(SchemaRegistryError) as caught:
        client.register_schema("orders-value", avro(ORDER_BREAKING))

    assert caught.value.http_status_code == 409
    assert "email" in caught.value.error_message


def test_config_per_subject_and_global(client: SchemaRegistryClient) -> None:
    client.register_schema("orders-value", avro(ORDER_V1))

    assert client.get_compatibility() == "BACKWARD"
    client.set_compatibility(subject_name="orders-value", level="NONE")
    assert client.get_compatibility("orders-value") == "NONE"
    assert client.register_schema("orders-value", avro(ORDER_BREAKING)) > 0  # NONE allows it
    client.set_compatibility(level="FULL_TRANSITIVE")
    assert client.get_compatibility() == "FULL_TRANSITIVE"
    level = client.get_config("orders-value").compatibility_level
    assert level is not None
    assert level.value == "NONE"


def test_deletes_soft_then_permanent(client: SchemaRegistryClient, registry: LiveRegistry) -> None:
    schema_id = client.register_schema("orders-value", avro(ORDER_V1))
    client.register_schema("orders-value", avro(ORDER_V2))

    assert client.delete_version("orders-value", 2) == 2
    assert client.get_versions("orders-value") == [1]
    assert client.delete_subject("orders-value") == [1]
    with pytest.raises(SchemaRegistryError) as gone:
        client.get_versions("orders-value")
    assert gone.value.error_code == 40401
    assert client.get_schema(schema_id).schema_str  # soft-deleted schemas keep their id
    assert client.delete_subject("orders-value", permanent=True) == [1, 2]
    with pytest.raises(SchemaRegistryError) as purged:  # a new client: no cached schemas
        SchemaRegistryClient({"url": registry.url}).get_schema(schema_id)
    assert purged.value.error_code == 40403


def test_avro_serializer_and_deserializer_round_trip(client: SchemaRegistryClient) -> None:
    serialize = AvroSerializer(client, json.dumps(ORDER_V1))
    deserialize = AvroDeserializer(client)
    order = {"order_id": "o-1", "amount": 1299}

    payload = serialize(order, ctx("orders"))

    schema_id = client.get_latest_version("orders-value").schema_id
    assert payload[0] == 0
    assert int.from_bytes(payload[1:5], "big") == schema_id
    assert deserialize(payload, ctx("orders")) == order


def test_avro_references_resolve_for_serdes(client: SchemaRegistryClient) -> None:
    client.register_schema("com.acme.common.Address", avro(ADDRESS))
    ref = SchemaReference("com.acme.common.Address", "com.acme.common.Address", 1)
    customer_id = client.register_schema(
        "customers-value", Schema(json.dumps(CUSTOMER), "AVRO", [ref])
    )
    serialize = AvroSerializer(
        client, conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    deserialize = AvroDeserializer(client)
    customer = {"id": "c-1", "home": {"street": "Main 1", "city": "Oslo"}, "work": None}

    payload = serialize(customer, ctx("customers"))

    assert int.from_bytes(payload[1:5], "big") == customer_id
    assert deserialize(payload, ctx("customers")) == customer
    assert client.get_referenced_by("com.acme.common.Address", 1) == [customer_id]
    with pytest.raises(SchemaRegistryError) as referenced:
        client.delete_subject("com.acme.common.Address")
    assert referenced.value.error_code == 42206


def test_json_serializer_and_deserializer_round_trip(client: SchemaRegistryClient) -> None:
    serialize = JSONSerializer(json.dumps(STOCK), client)
    deserialize = JSONDeserializer(None, schema_registry_client=client)
    stock = {"sku": "A-1", "quantity": 5}

    payload = serialize(stock, ctx("inventory"))

    registered = client.get_latest_version("inventory-value")
    assert registered.schema.schema_type == "JSON"
    assert int.from_bytes(payload[1:5], "big") == registered.schema_id
    assert deserialize(payload, ctx("inventory")) == stock


def test_json_references_resolve_for_serdes(client: SchemaRegistryClient) -> None:
    client.register_schema("money", Schema(json.dumps(MONEY), "JSON"))
    ref = SchemaReference("money.json", "money", 1)
    client.register_schema("invoices-value", Schema(json.dumps(INVOICE), "JSON", [ref]))
    serialize = JSONSerializer(
        None, client, conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    deserialize = JSONDeserializer(None, schema_registry_client=client)
    invoice = {"id": "i-1", "total": {"amount": 100, "currency": "EUR"}}

    payload = serialize(invoice, ctx("invoices"))

    assert deserialize(payload, ctx("invoices")) == invoice
