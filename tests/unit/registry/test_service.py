"""Registry rules through the service layer over an in-memory SQLite store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.model import Reference
from accord.registry.service import Registry, SchemaRequest
from accord.registry.store import open_store


@pytest.fixture
def registry() -> Iterator[Registry]:
    store = open_store("sqlite:///:memory:")
    yield Registry(store)
    store.close()


def avro(name: str, *fields: str, **extra: object) -> SchemaRequest:
    doc = {
        "type": "record",
        "name": name,
        "fields": [{"name": f, "type": "string", "default": ""} for f in fields],
    }
    return SchemaRequest(schema=json.dumps(doc), **extra)  # type: ignore[arg-type]


def refused(call: object) -> ErrorCode:
    with pytest.raises(RegistryFault) as caught:
        call()  # type: ignore[operator]
    return caught.value.code


def test_a_reference_to_version_minus_one_is_pinned_to_the_latest(registry: Registry) -> None:
    registry.register("dep", avro("Dep"))
    registry.register("dep", avro("Dep", "x"))  # BACKWARD: the new field has a default
    ref = Reference("Dep", "dep", -1)

    done = registry.register(
        "main",
        SchemaRequest(
            schema=json.dumps(
                {"type": "record", "name": "Main", "fields": [{"name": "d", "type": "Dep"}]}
            ),
            references=(ref,),
        ),
    ).subject_version

    assert done.schema.references == (Reference("Dep", "dep", 2),)


def test_a_subject_keeps_one_schema_type(registry: Registry) -> None:
    registry.register("mixed", avro("A"))
    as_json = SchemaRequest(schema='{"type": "object"}', schema_type="JSON")

    assert refused(lambda: registry.register("mixed", as_json)) is ErrorCode.INCOMPATIBLE_SCHEMA
    verdict = registry.check("mixed", as_json)
    assert not verdict.compatible
    assert "one schema type" in verdict.messages[0]


def test_import_keeps_ids_and_refuses_conflicts(registry: Registry) -> None:
    registry.set_mode("", "IMPORT")
    registry.register("a", avro("A", id=10))

    assert refused(lambda: registry.register("b", avro("B", id=10))) is ErrorCode.ID_DOES_NOT_MATCH
    assert refused(lambda: registry.register("c", avro("A", id=11))) is ErrorCode.ID_DOES_NOT_MATCH
    assert (
        refused(lambda: registry.register("a", avro("Z", id=12, version=1)))
        is ErrorCode.OPERATION_NOT_PERMITTED
    )
    assert registry.register("a", avro("A", id=10, version=1)).subject_version.version == 1
    registry.set_mode("", "READWRITE")
    assert registry.register("d", avro("D")).subject_version.schema.id == 11


def test_invalid_subjects_and_versions(registry: Registry) -> None:
    assert refused(lambda: registry.register(" ", avro("A"))) is ErrorCode.INVALID_SUBJECT
    assert refused(lambda: registry.register("a\x00b", avro("A"))) is ErrorCode.INVALID_SUBJECT
    registry.register("a", avro("A"))
    assert refused(lambda: registry.version("a", "2147483648")) is ErrorCode.INVALID_VERSION
    assert registry.version("a", "-1").version == 1
    assert registry.version("a", "LATEST").version == 1


def test_lookup_respects_deleted(registry: Registry) -> None:
    registry.register("a", avro("A"))
    registry.register("a", avro("A", "x"))
    registry.delete_version("a", "1")

    assert refused(lambda: registry.lookup("a", avro("A"))) is ErrorCode.SCHEMA_NOT_FOUND
    assert registry.lookup("a", avro("A"), deleted=True).version == 1


def test_re_registering_a_soft_deleted_schema_makes_a_new_version_with_the_same_id(
    registry: Registry,
) -> None:
    first = registry.register("a", avro("A")).subject_version
    registry.register("a", avro("A", "x"))
    registry.delete_version("a", "1")

    again = registry.register("a", avro("A")).subject_version

    assert (again.version, again.schema.id) == (3, first.schema.id)
