"""Round trips (hypothesis): random valid instances -> bytes -> equal instances, for every
Avro and JSON Schema event of the reference packages and the golden packages; our bytes decode
with confluent-kafka's deserializers and confluent's serializers' bytes decode with ours.

Registry: confluent's in-memory mock (``mock://``), one per test module, shared by our serde
and confluent's (de)serializers."""

from __future__ import annotations

import io
import json
from typing import Any

import fastavro
import pytest
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.runtime.schema_client import client_for
from accord.runtime.serde import Serde
from accord.runtime.wire import HEADER_SIZE
from tests.unit.codegen.support import CASES, SERVICES, Package, golden_package, reference_package

REGISTRY = "mock://codegen-roundtrip"
PACKAGES: dict[str, Package] = {
    **{f"services/{s}": reference_package(s) for s in SERVICES},
    **{f"golden/{c}": golden_package(c) for c in CASES},
}
EVENTS = [(name, cls) for name, pkg in PACKAGES.items() for cls in pkg.event_classes()]
IDS = [f"{name}:{cls.EVENT_NAME}" for name, cls in EVENTS]
# Unions of several records read back as plain dicts are ambiguous without fastavro's
# named-type tuples, which confluent's AvroDeserializer does not ask for.
PLAIN_DICT_AMBIGUOUS = {"golden/avro_constructs:Kitchen"}
FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.fixture(scope="module")
def serde() -> Serde:
    return Serde(REGISTRY, auto_register=True)


def _context(cls: type[Any]) -> SerializationContext:
    return SerializationContext(cls.TOPIC, MessageField.VALUE)


def _conf(cls: type[Any]) -> dict[str, Any]:
    return {"auto.register.schemas": True, "subject.name.strategy": lambda ctx, name: cls.SUBJECT}


@pytest.mark.parametrize(("package", "cls"), EVENTS, ids=IDS)
@FAST
@given(data=st.data())
def test_from_dict_inverts_to_dict_and_to_primitives(
    package: str, cls: type[Any], data: st.DataObject
) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    assert cls.from_dict(event.to_dict()) == event
    if cls.SCHEMA_TYPE == "AVRO":  # the serde's form: logical values as their primitives
        assert cls.from_primitives(event.to_primitives()) == event
        assert cls.from_dict(event.to_primitives()) == event  # from_dict takes both forms


@pytest.mark.parametrize(("package", "cls"), EVENTS, ids=IDS)
@FAST
@given(data=st.data())
def test_serde_round_trip(package: str, cls: type[Any], serde: Serde, data: st.DataObject) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    encoded = serde.encode(event)
    assert encoded[0] == 0
    decoded, schema_id = serde.decode(encoded, (cls,))
    assert decoded == event
    assert schema_id == int.from_bytes(encoded[1:5], "big")


@pytest.mark.parametrize(("package", "cls"), EVENTS, ids=IDS)
@FAST
@given(data=st.data())
def test_confluent_deserializer_reads_our_bytes(
    package: str, cls: type[Any], serde: Serde, data: st.DataObject
) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    encoded = serde.encode(event)
    client = client_for(REGISTRY)
    if cls.SCHEMA_TYPE == "AVRO":
        plain = AvroDeserializer(client)(encoded, _context(cls))
        parsed = fastavro.parse_schema(json.loads(cls.SCHEMA))
        body = io.BytesIO(encoded[HEADER_SIZE:])
        assert plain == fastavro.schemaless_reader(body, parsed, None)
        if f"{package}:{cls.EVENT_NAME}" not in PLAIN_DICT_AMBIGUOUS:
            assert cls.from_dict(plain) == event
    else:
        plain = JSONDeserializer(cls.SCHEMA, schema_registry_client=client)(encoded, _context(cls))
        assert cls.from_dict(plain) == event


@pytest.mark.parametrize(("package", "cls"), EVENTS, ids=IDS)
@FAST
@given(data=st.data())
def test_our_serde_reads_confluent_serializer_bytes(
    package: str, cls: type[Any], serde: Serde, data: st.DataObject
) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    client = client_for(REGISTRY)
    to_dict = lambda obj, ctx: obj.to_dict()  # noqa: E731
    if cls.SCHEMA_TYPE == "AVRO":
        serializer: Any = AvroSerializer(client, cls.SCHEMA, to_dict, _conf(cls))
    else:
        serializer = JSONSerializer(cls.SCHEMA, client, to_dict, _conf(cls))
    encoded = serializer(event, _context(cls))
    assert serde.decode(encoded, (cls,))[0] == event
