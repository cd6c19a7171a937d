"""A replica remembers schemas by id for a bounded time, and forgets them on its own deletes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from accord.registry.errors import ErrorCode, RegistryFault
from accord.registry.idcache import IdCache
from accord.registry.service import Registry, SchemaRequest
from accord.registry.store import open_store

AVRO = json.dumps({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]})


@pytest.fixture
def registry() -> Iterator[Registry]:
    store = open_store("sqlite:///:memory:")
    yield Registry(store, id_cache_ttl=30)
    store.close()


def test_a_hit_is_served_from_the_cache(registry: Registry) -> None:
    schema_id = registry.register("s", SchemaRequest(schema=AVRO)).subject_version.schema.id
    assert registry.ids.get(schema_id) is None  # only reads fill the cache
    first = registry.schema(schema_id)
    assert registry.ids.get(schema_id) is first
    assert registry.schema(schema_id) is first


def test_a_permanent_delete_on_this_replica_forgets_at_once(registry: Registry) -> None:
    schema_id = registry.register("s", SchemaRequest(schema=AVRO)).subject_version.schema.id
    registry.schema(schema_id)
    registry.delete_subject("s")
    registry.delete_subject("s", permanent=True)
    assert registry.ids.get(schema_id) is None
    with pytest.raises(RegistryFault) as caught:
        registry.schema(schema_id)
    assert caught.value.code is ErrorCode.SCHEMA_NOT_FOUND


def test_entries_expire_and_the_cache_is_bounded(registry: Registry) -> None:
    registered = registry.register("s", SchemaRequest(schema=AVRO)).subject_version
    stored = registry.schema(registered.schema.id)
    cache = IdCache(ttl=0.05, max_entries=1)
    cache.put(stored)
    assert cache.get(stored.id) is stored
    time.sleep(0.06)  # expiry is the behaviour under test: wait past the TTL
    assert cache.get(stored.id) is None
    cache.put(stored)
    cache.put(type(stored).of(stored, stored.id + 1))
    assert cache.get(stored.id) is None  # evicted: the oldest of two in a cache of one


def test_local_files_are_not_cached_by_default() -> None:
    store = open_store("sqlite:///:memory:")
    try:
        assert not Registry(store).ids.enabled
    finally:
        store.close()
