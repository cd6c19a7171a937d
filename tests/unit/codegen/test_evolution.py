"""Schema evolution at a consumer: older and newer producers both decode; an incompatible
writer is refused with the compatibility engine's reason (once per schema id), not a crash."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from accord.runtime import serde as serde_module
from accord.runtime.events import IncompatibleWriterSchema, UnknownWriterSchema
from accord.runtime.serde import Serde
from tests.unit.codegen.support import build_package


def _account(fields: list[dict[str, Any]], symbols: list[str]) -> dict[str, Any]:
    status = {"type": "enum", "name": "Status", "symbols": symbols, "default": "UNKNOWN"}
    return {
        "type": "record",
        "name": "Account",
        "namespace": "test.evo",
        "fields": [
            {"name": "id", "type": "string"},
            *fields,
            {"name": "status", "type": status, "default": "UNKNOWN"},
        ],
    }


NAME = {"name": "name", "type": "string"}
EMAIL = {"name": "email", "type": ["null", "string"], "default": None}
V1 = _account([NAME], ["UNKNOWN", "ACTIVE"])
V2 = _account([NAME, EMAIL], ["UNKNOWN", "ACTIVE", "SUSPENDED"])
V3 = _account([{"name": "name", "type": "int"}], ["UNKNOWN", "ACTIVE"])
OTHER = {"type": "record", "name": "Other", "namespace": "test.evo", "fields": [NAME]}


def _event(tmp_path: Path, name: str, filename: str, schema: dict[str, Any]) -> type[Any]:
    module = f"evo_{name}_{uuid.uuid4().hex}"
    package = build_package(tmp_path / name, {filename: schema}, module)
    return package.event_classes()[0]


def _status(cls: type[Any], symbol: str) -> Any:
    return sys.modules[cls.__module__].Status(symbol)


@pytest.fixture
def versions(tmp_path: Path) -> dict[str, type[Any]]:
    schemas = {"v1": V1, "v2": V2, "v3": V3, "other": OTHER}
    return {
        v: _event(tmp_path, v, "Other.avsc" if v == "other" else "Account.avsc", s)
        for v, s in schemas.items()
    }


@pytest.fixture
def serde() -> Serde:
    return Serde(f"mock://evolution-{uuid.uuid4().hex}", auto_register=True)


def test_newer_reader_decodes_older_and_newer_producers(
    versions: dict[str, type[Any]], serde: Serde
) -> None:
    v1, v2 = versions["v1"], versions["v2"]
    old_bytes = serde.encode(v1(id="a", name="Ann", status=_status(v1, "ACTIVE")))
    new_bytes = serde.encode(v2(id="b", name="Bo", email="b@x", status=_status(v2, "SUSPENDED")))
    assert old_bytes[1:5] != new_bytes[1:5]  # two writer schema ids

    assert serde.decode(old_bytes, (v2,))[0] == v2(
        id="a", name="Ann", email=None, status=_status(v2, "ACTIVE")
    )
    assert serde.decode(new_bytes, (v2,))[0] == v2(
        id="b", name="Bo", email="b@x", status=_status(v2, "SUSPENDED")
    )


def test_older_reader_decodes_newer_producer(versions: dict[str, type[Any]], serde: Serde) -> None:
    v1, v2 = versions["v1"], versions["v2"]
    data = serde.encode(v2(id="b", name="Bo", email="b@x", status=_status(v2, "SUSPENDED")))
    # The field it does not know is dropped; the symbol it does not know becomes the default.
    assert serde.decode(data, (v1,))[0] == v1(id="b", name="Bo", status=_status(v1, "UNKNOWN"))


def test_incompatible_writer_is_refused_with_reason_and_verdict_cached(
    versions: dict[str, type[Any]], serde: Serde, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = serde_module.reader_verdict

    def counting(writer: Any, reader: Any) -> str | None:
        calls.append(1)
        return real(writer, reader)

    monkeypatch.setattr(serde_module, "reader_verdict", counting)
    v1, v3 = versions["v1"], versions["v3"]
    data = serde.encode(v1(id="a", name="Ann", status=_status(v1, "ACTIVE")))
    for _ in range(3):
        with pytest.raises(IncompatibleWriterSchema) as caught:
            serde.decode(data, (v3,))
        assert "/fields/1" in caught.value.reason or "name" in caught.value.reason
        assert caught.value.schema_id == int.from_bytes(data[1:5], "big")
    assert len(calls) == 1


def test_writer_of_another_record_is_unknown(versions: dict[str, type[Any]], serde: Serde) -> None:
    data = serde.encode(versions["other"](name="x"))
    with pytest.raises(UnknownWriterSchema, match=r"test\.evo\.Other"):
        serde.decode(data, (versions["v1"],))


def test_json_schema_newer_reader_reads_older_writer_and_closed_older_reader_refuses(
    tmp_path: Path, serde: Serde
) -> None:
    # Confluent's JSON Schema rules: adding an optional property is backward compatible for a
    # closed content model; a closed reader cannot take the new property (forward).
    base = {
        "title": "Parcel",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "weight"],
        "properties": {"id": {"type": "string"}, "weight": {"type": "integer"}},
    }
    newer = {**base, "properties": {**base["properties"], "note": {"type": "string"}}}
    old_cls = _event(tmp_path, "j1", "Parcel.json", base)
    new_cls = _event(tmp_path, "j2", "Parcel.json", newer)
    old_bytes = serde.encode(old_cls(id="p1", weight=3))
    new_bytes = serde.encode(new_cls(id="p2", weight=4, note="fragile"))
    assert serde.decode(old_bytes, (new_cls,))[0] == new_cls(id="p1", weight=3, note=None)
    assert serde.decode(new_bytes, (new_cls,))[0] == new_cls(id="p2", weight=4, note="fragile")
    with pytest.raises(IncompatibleWriterSchema, match="note"):
        serde.decode(new_bytes, (old_cls,))
