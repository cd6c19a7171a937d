"""The serde's error paths and caches (registry: confluent's in-memory mock, or a closed port
for an outage)."""

from __future__ import annotations

import datetime
import decimal
import json
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from accord.codegen.generate import generate
from accord.codegen.writer import write_all
from accord.contracts import load
from accord.errors import RegistryError
from accord.runtime import avro_io, wire
from accord.runtime.events import (
    IncompatibleWriterSchema,
    UndecodableMessage,
    UnknownWriterSchema,
)
from accord.runtime.schema_client import SchemaCache, client_for
from accord.runtime.serde import EventValidationError, Serde
from services.inventory.contracts import StockChange, StockUpdated
from services.order.contracts import OrderLine, OrderPlaced
from tests.unit.codegen.support import import_package, write_project

NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)


def order() -> OrderPlaced:
    line = OrderLine(sku="A-1", quantity=2, unit_price=decimal.Decimal("9.99"))
    return OrderPlaced(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        order_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        lines=(line,),
        total=decimal.Decimal("19.98"),
        currency="EUR",
    )


def stock(sku: str = "A-1") -> StockUpdated:
    return StockUpdated(
        event_id=uuid.uuid4(),
        occurred_at=NOW,
        sku=sku,
        change=StockChange.RESTOCKED,
        quantity=5,
        on_hand=5,
        reserved=0,
    )


@pytest.fixture
def url() -> str:
    return f"mock://serde-{uuid.uuid4().hex}"


@pytest.fixture
def serde(url: str) -> Serde:
    return Serde(url, auto_register=True)


def test_framing_errors_are_undecodable(serde: Serde) -> None:
    with pytest.raises(UndecodableMessage, match="too short"):
        serde.decode(b"\x00\x00", (OrderPlaced,))
    with pytest.raises(UndecodableMessage, match="magic byte 1"):
        serde.decode(b"\x01\x00\x00\x00\x01payload", (OrderPlaced,))


def test_unknown_schema_id(serde: Serde) -> None:
    with pytest.raises(UnknownWriterSchema, match="no schema with id 4242") as caught:
        serde.decode(wire.frame(4242, b"x"), (OrderPlaced,))
    assert caught.value.schema_id == 4242


def test_corrupt_and_trailing_avro_bodies_are_undecodable(serde: Serde) -> None:
    data = serde.encode(order())
    with pytest.raises(UndecodableMessage, match="corrupt Avro body"):
        serde.decode(data[:-6], (OrderPlaced,))
    with pytest.raises(UndecodableMessage, match="unread bytes"):
        serde.decode(data + b"\x00\x01", (OrderPlaced,))


def test_json_bodies_that_are_not_json_or_fail_the_writer_schema(serde: Serde) -> None:
    header = serde.encode(stock())[: wire.HEADER_SIZE]
    with pytest.raises(UndecodableMessage, match="not JSON"):
        serde.decode(header + b"{nope", (StockUpdated,))
    bad = json.dumps(stock().to_dict() | {"quantity": -1}).encode()
    with pytest.raises(UndecodableMessage, match="/quantity"):
        serde.decode(header + bad, (StockUpdated,))


def test_json_validation_on_produce_is_switchable(url: str) -> None:
    with pytest.raises(EventValidationError) as caught:
        Serde(url, auto_register=True).encode(stock(sku=""))
    assert caught.value.pointer == "/sku"
    unvalidated = Serde(url, auto_register=True, validate=False)
    data = unvalidated.encode(stock(sku=""))
    assert unvalidated.decode(data, (StockUpdated,))[0].sku == ""
    with pytest.raises(UndecodableMessage, match="/sku"):
        Serde(url).decode(data, (StockUpdated,))


def test_avro_writer_for_a_json_reader_is_incompatible(url: str, serde: Serde) -> None:
    avro = '{"type":"record","name":"StockUpdated","fields":[{"name":"sku","type":"string"}]}'
    schema_id = client_for(url).register_schema("x-StockUpdated", Schema(avro, "AVRO"))
    with pytest.raises(IncompatibleWriterSchema, match="AVRO schema but StockUpdated"):
        serde.decode(wire.frame(schema_id, b"\x02a"), (StockUpdated,))


def test_lookup_without_auto_register_needs_a_registered_schema(url: str) -> None:
    with pytest.raises(RegistryError) as caught:
        Serde(url).encode(order())
    assert caught.value.status == 404
    assert "accord registry push" in (caught.value.hint or "")
    Serde(url, auto_register=True).encode(order())
    assert Serde(url).encode(order())[0] == 0  # now registered: lookup succeeds


class Counting:
    """A registry client that counts the calls reaching it."""

    def __init__(self, client: SchemaRegistryClient) -> None:
        self.client = client
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.client, name)
        if callable(attr):

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls[name] = self.calls.get(name, 0) + 1
                return attr(*args, **kwargs)

            return counted
        return attr


def test_registry_is_called_once_per_class_and_id(url: str) -> None:
    counting = Counting(client_for(url))
    producer = Serde(SchemaCache(counting, auto_register=True))  # type: ignore[arg-type]
    consumer = Serde(SchemaCache(Counting(client_for(url)), auto_register=False))  # type: ignore[arg-type]
    for _ in range(50):
        event = order()
        assert consumer.decode(producer.encode(event), (OrderPlaced,))[0] == event
    assert counting.calls == {"register_schema": 1}
    assert consumer.schemas.client.calls == {"get_schema": 1}  # type: ignore[attr-defined]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_registry_outage_is_a_registry_error_not_a_decode_error() -> None:
    down = f"http://127.0.0.1:{_closed_port()}"
    client = client_for(down, {"max.retries": 0, "timeout": 2})
    serde = Serde(client)
    with pytest.raises(RegistryError, match="unreachable"):
        serde.encode(order())
    with pytest.raises(RegistryError, match="unreachable"):
        serde.decode(wire.frame(7, b"\x00"), (OrderPlaced,))


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "public-api"])
def test_fastavro_direct_calls_and_public_fallback_agree(
    url: str, direct: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert avro_io.DIRECT  # the pinned fastavro passes the import-time probe
    monkeypatch.setattr(avro_io, "DIRECT", direct)
    serde = Serde(url, auto_register=True)
    event = order()
    data = serde.encode(event)
    assert serde.decode(data, (OrderPlaced,))[0] == event
    monkeypatch.setattr(avro_io, "DIRECT", not direct)
    other = Serde(url, auto_register=True)
    assert other.encode(event) == data  # byte for byte
    assert other.decode(data, (OrderPlaced,))[0] == event


def test_manifest_can_switch_json_validation_off(tmp_path: Path, url: str) -> None:
    schema = {
        "title": "Note",
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 3}},
    }
    manifest = write_project(tmp_path, {"Note.json": schema})
    data = json.loads(manifest.read_text())
    data["codegen"]["python"]["validate_json"] = False
    manifest.write_text(json.dumps(data))
    write_all(generate(load(manifest)))
    note = import_package(tmp_path / "pkg" / "svc", f"novalidate_{uuid.uuid4().hex}").Note
    assert note.VALIDATE is False
    serde = Serde(url, auto_register=True)
    assert serde.decode(serde.encode(note(text="x")), (note,))[0] == note(text="x")
