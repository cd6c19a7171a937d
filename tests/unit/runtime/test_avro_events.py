"""The readers and writers avro_events writes for generated classes against the serde's
general path (compiled reader/writer + from_primitives/to_primitives), on random instances
(hypothesis) of every Avro event of the reference and golden packages."""

from __future__ import annotations

import datetime
import json
import os
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.runtime import avro_events, avro_io, speedups
from accord.runtime.events import UndecodableMessage
from accord.runtime.serde import Serde
from accord.runtime.speedups import _speedups as speedups_c
from accord.runtime.wire import HEADER_SIZE
from services.user.contracts import UserStatus, UserUpdated
from tests.unit.codegen.support import CASES, SERVICES, Package, golden_package, reference_package

PACKAGES: dict[str, Package] = {
    **{f"services/{s}": reference_package(s) for s in SERVICES},
    **{f"golden/{c}": golden_package(c) for c in CASES},
}
AVRO = [
    (name, cls)
    for name, pkg in PACKAGES.items()
    for cls in pkg.event_classes()
    if cls.SCHEMA_TYPE == "AVRO"
]
IDS = [f"{name}:{cls.EVENT_NAME}" for name, cls in AVRO]
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
HEADER = b"\x00\x00\x00\x00\x07"


def _general_bytes(cls: type[Any], event: Any) -> bytes:
    schema = avro_io.without_logical_types(json.loads(cls.SCHEMA))
    return avro_io.encoder(schema, HEADER, cls.to_primitives)(event)


def test_the_reference_events_get_written_functions() -> None:
    written = {
        cls.EVENT_NAME
        for name, cls in AVRO
        if name == "services/user"
        and avro_events.event_reader(json.loads(cls.SCHEMA), cls, HEADER_SIZE) is not None
        and avro_events.event_writer(json.loads(cls.SCHEMA), cls, HEADER) is not None
    }
    assert written == {"UserCreated", "UserUpdated"}


@pytest.mark.parametrize(("package", "cls"), AVRO, ids=IDS)
@FAST
@given(data=st.data())
def test_written_functions_agree_with_the_general_path(
    package: str, cls: type[Any], data: st.DataObject
) -> None:
    event = data.draw(PACKAGES[package].instances().event(cls))
    schema = json.loads(cls.SCHEMA)
    expected = _general_bytes(cls, event)
    write = avro_events.event_writer(schema, cls, HEADER)
    if write is not None:
        assert write(event) == expected
    read = avro_events.event_reader(schema, cls, HEADER_SIZE)
    if read is not None:
        decoded = read(expected)  # raises unless the body ends where the bytes do
        assert avro_events.same_event(decoded, event)
        with pytest.raises(ValueError, match="the body ends at byte"):
            read(expected + b"\x00")


def _user_updated(**changes: Any) -> UserUpdated:
    fields: dict[str, Any] = {
        "event_id": uuid.UUID(int=1),
        "occurred_at": datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC),
        "user_id": uuid.UUID(int=2),
        "version": 70,
        "email": "ada@example.com",
        "full_name": "Ada Lovelace",
        "status": UserStatus.ACTIVE,
        "country": None,
        "changed_fields": ("email",),
    }
    return UserUpdated(**{**fields, **changes})


def test_same_event_tells_a_list_from_a_tuple() -> None:
    as_list = _user_updated()
    object.__setattr__(as_list, "changed_fields", ["email"])
    assert as_list == _user_updated(changed_fields=["email"])
    assert not avro_events.same_event(as_list, _user_updated())
    assert avro_events.same_event(_user_updated(), _user_updated())


def test_the_serde_falls_back_when_the_written_reader_disagrees() -> None:
    """A written reader that reads something else is caught on the first message: the
    general decoder decodes that one and every later one."""
    cls, event = UserUpdated, _user_updated()
    serde = Serde(f"mock://avro-events-{uuid.uuid4().hex}", auto_register=True)
    data = serde.encode(event)
    schema_id = int.from_bytes(data[1:5], "big")
    decoder = serde._decoder(schema_id, (cls,))
    assert type(decoder).__name__ == "_CheckedOnce"
    wrong = _user_updated(version=71)
    decoder.fast = lambda data: wrong  # type: ignore[union-attr]
    assert decoder.decode(data) == event
    assert decoder.fast is None  # type: ignore[union-attr]
    assert decoder.decode(data) == event


def test_the_serde_encoder_checks_its_written_writer_once() -> None:
    cls, event = UserUpdated, _user_updated()
    serde = Serde(f"mock://avro-events-{uuid.uuid4().hex}", auto_register=True)
    data = serde.encode(event)
    encoder = serde._encoders[cls]
    if speedups.AVAILABLE:  # checked, then put in the wrapper's place, falling back itself
        assert type(encoder) is speedups_c.EventWriter
        assert encoder.fallback is not None
    else:
        assert encoder.checked  # type: ignore[attr-defined]
        assert encoder.fast is not None  # type: ignore[attr-defined]
    assert serde.encode(event) == data


@pytest.mark.skipif(not speedups.AVAILABLE, reason="accord's C codec is not built")
def test_a_checked_compiled_decoder_replaces_the_wrapper_and_falls_back_to_the_general() -> None:
    cls, event = UserUpdated, _user_updated()
    serde = Serde(f"mock://avro-events-{uuid.uuid4().hex}", auto_register=True)
    data = serde.encode(event)
    assert serde.decode(data, (cls,)) == (event, int.from_bytes(data[1:5], "big"))
    decoder = serde._decoders[(cls,)][int.from_bytes(data[1:5], "big")]
    assert type(decoder) is speedups_c.EventReader
    # A body the compiled reader refuses goes to the general decoder, which explains it.
    with pytest.raises(UndecodableMessage, match="unread bytes after the Avro body"):
        serde.decode(data + b"\x00", (cls,))


def test_the_compiled_codec_is_built_where_it_is_required() -> None:
    """CI sets ACCORD_REQUIRE_SPEEDUPS=1: a build that silently fell back to pure Python
    would otherwise skip the native codec's tests and pass."""
    if os.environ.get("ACCORD_REQUIRE_SPEEDUPS", "") in ("", "0"):
        pytest.skip("ACCORD_REQUIRE_SPEEDUPS is not set")
    assert speedups.AVAILABLE
