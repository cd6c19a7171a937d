"""The serde against a real registry server over HTTP (accord's own, started by the pytest
plugin; or the one at ACCORD_REGISTRY_URL): producer and consumer in separate codecs and
clients, confluent-kafka's serializers against the same registry, and schema evolution under
the registry's compatibility check."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from accord.devstack.pytest_plugin import RegistryEndpoint
from accord.errors import RegistryError
from accord.runtime.events import IncompatibleWriterSchema
from accord.runtime.schema_client import SchemaCache
from accord.runtime.serde import Serde
from tests.unit.codegen.support import build_package

pytestmark = pytest.mark.integration

NOW = datetime.datetime(2024, 5, 1, 12, 30, 15, 123000, tzinfo=datetime.UTC)


def _schemas(version: int) -> dict[str, Any]:
    """A small Avro event and a JSON Schema event; version 2 adds an optional field to
    each (compatible under BACKWARD, the registry's default)."""
    fields: list[dict[str, Any]] = [
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {
            "name": "price",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {"name": "tags", "type": {"type": "array", "items": "string"}},
    ]
    props: dict[str, Any] = {"id": {"type": "string", "format": "uuid"}, "n": {"type": "integer"}}
    if version == 2:
        fields.append({"name": "note", "type": ["null", "string"], "default": None})
        props["note"] = {"type": "string"}
    avro = {"type": "record", "name": "Tick", "namespace": "it.serde", "fields": fields}
    json_schema = {
        "title": "Tock",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "n"],
        "properties": props,
    }
    return {"Tick.avsc": avro, "Tock.json": json_schema}


@pytest.fixture(scope="module")
def topic() -> str:
    return f"serde-it-{uuid.uuid4().hex[:10]}"  # fresh subjects on a shared registry


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory, topic: str) -> dict[int, Any]:
    root: Path = tmp_path_factory.mktemp("serde-it")
    return {
        v: build_package(root / f"v{v}", _schemas(v), f"serde_it_v{v}_{topic}", topic=topic).module
        for v in (1, 2)
    }


def _client(registry: RegistryEndpoint) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": registry.url})  # a fresh client: nothing cached


def _tick(module: Any, **extra: Any) -> Any:
    return module.Tick(
        id=uuid.uuid4(), at=NOW, price=decimal.Decimal("12.34"), tags=("a", "b"), **extra
    )


def test_producer_and_consumer_codecs_share_only_the_registry(
    accord_registry: RegistryEndpoint, packages: dict[int, Any]
) -> None:
    v1 = packages[1]
    producer = Serde(SchemaCache(_client(accord_registry), auto_register=True))
    consumer = Serde(SchemaCache(_client(accord_registry)))
    tick, tock = _tick(v1), v1.Tock(id=uuid.uuid4(), n=7)
    assert consumer.decode(producer.encode(tick), (v1.Tick, v1.Tock))[0] == tick
    assert consumer.decode(producer.encode(tock), (v1.Tick, v1.Tock))[0] == tock
    # A producer that only looks schemas up finds the registered ids.
    looking_up = Serde(SchemaCache(_client(accord_registry)))
    assert looking_up.encode(tick)[1:5] == producer.encode(tick)[1:5]


def test_unregistered_schema_without_auto_register(
    accord_registry: RegistryEndpoint, tmp_path: Path
) -> None:
    package = build_package(
        tmp_path, _schemas(1), f"serde_it_unreg_{uuid.uuid4().hex}", topic=f"t-{uuid.uuid4().hex}"
    )
    with pytest.raises(RegistryError) as caught:
        Serde(SchemaCache(_client(accord_registry))).encode(_tick(package.module))
    assert caught.value.status == 404


def test_confluent_clients_and_accord_read_each_other(
    accord_registry: RegistryEndpoint, packages: dict[int, Any]
) -> None:
    v1 = packages[1]
    client = _client(accord_registry)
    serde = Serde(SchemaCache(_client(accord_registry), auto_register=True))
    ctx = SerializationContext(v1.Tick.TOPIC, MessageField.VALUE)
    tick = _tick(v1)
    conf = {"auto.register.schemas": True, "subject.name.strategy": lambda c, n: v1.Tick.SUBJECT}
    ours = serde.encode(tick)
    theirs = AvroSerializer(client, v1.Tick.SCHEMA, lambda o, c: o.to_dict(), conf)(tick, ctx)
    assert ours[1:5] == theirs[1:5]  # the same schema under the same subject: one id
    assert serde.decode(theirs, (v1.Tick,))[0] == tick
    from_dict = lambda d, c: v1.Tick.from_dict(d)  # noqa: E731
    assert AvroDeserializer(client, v1.Tick.SCHEMA, from_dict)(ours, ctx) == tick

    tock = v1.Tock(id=uuid.uuid4(), n=3)
    json_conf = {**conf, "subject.name.strategy": lambda c, n: v1.Tock.SUBJECT}
    to_dict = lambda o, c: o.to_dict()  # noqa: E731
    theirs = JSONSerializer(v1.Tock.SCHEMA, client, to_dict, json_conf)(tock, ctx)
    assert serde.decode(theirs, (v1.Tock,))[0] == tock
    read = JSONDeserializer(v1.Tock.SCHEMA, lambda d, c: v1.Tock.from_dict(d), client)
    assert read(serde.encode(tock), ctx) == tock


def test_older_and_newer_producers_decode_at_one_consumer(
    accord_registry: RegistryEndpoint, packages: dict[int, Any]
) -> None:
    v1, v2 = packages[1], packages[2]
    old = Serde(SchemaCache(_client(accord_registry), auto_register=True))
    new = Serde(SchemaCache(_client(accord_registry), auto_register=True))
    consumer = Serde(SchemaCache(_client(accord_registry)))
    old_tick, new_tick = _tick(v1), _tick(v2, note="hi")
    old_bytes, new_bytes = old.encode(old_tick), new.encode(new_tick)
    assert old_bytes[1:5] != new_bytes[1:5]

    got = consumer.decode(old_bytes, (v2.Tick,))[0]
    assert got == v2.Tick(id=old_tick.id, at=NOW, price=old_tick.price, tags=("a", "b"))
    assert consumer.decode(new_bytes, (v2.Tick,))[0] == new_tick
    assert consumer.decode(new_bytes, (v1.Tick,))[0] == v1.Tick(
        id=new_tick.id, at=NOW, price=new_tick.price, tags=("a", "b")
    )
    # JSON Schema, closed content model: the newer consumer reads the older producer; the
    # older consumer refuses the newer events with the compatibility engine's reason.
    old_tock = old.encode(v1.Tock(id=uuid.uuid4(), n=1))
    new_tock = new.encode(v2.Tock(id=uuid.uuid4(), n=2, note="x"))
    assert consumer.decode(old_tock, (v2.Tock,))[0].note is None
    with pytest.raises(IncompatibleWriterSchema, match="note"):
        consumer.decode(new_tock, (v1.Tock,))


def test_registry_refuses_an_incompatible_producer_schema(
    accord_registry: RegistryEndpoint, packages: dict[int, Any]
) -> None:
    v1 = packages[1]
    Serde(SchemaCache(_client(accord_registry), auto_register=True)).encode(_tick(v1))
    breaking = json.loads(v1.Tick.SCHEMA)
    breaking["fields"][3]["type"] = {"type": "map", "values": "string"}  # tags: array -> map
    with pytest.raises(SchemaRegistryError) as caught:
        _client(accord_registry).register_schema(
            v1.Tick.SUBJECT, Schema(json.dumps(breaking), "AVRO")
        )
    assert caught.value.http_status_code == 409
