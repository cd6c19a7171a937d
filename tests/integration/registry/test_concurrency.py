"""Concurrent registrations agree on ids (one server, and two replicas on one PostgreSQL), and
a restarted registry keeps everything."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.integration.registry.conftest import (
    LiveRegistry,
    empty_pg,
    start_process,
    stop_process,
)

pytestmark = pytest.mark.integration

CT = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
NEW_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Concurrent",
        "namespace": "com.acme",
        "fields": [{"name": "id", "type": "string"}],
    }
)


def at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run ``call(i)`` for i < count on ``count`` threads released together."""
    gate = threading.Barrier(count)

    def run(i: int) -> Any:
        gate.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def post(url: str, subject: str, schema: str) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/subjects/{subject}/versions", json={"schema": schema}, headers=CT, timeout=60
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_fifty_concurrent_registrations_of_one_new_schema_get_one_id(
    registry: LiveRegistry,
) -> None:
    subjects = [f"topic-{i % 5}-value" for i in range(50)]  # 10 racers per subject

    results = at_once(50, lambda i: post(registry.url, subjects[i], NEW_SCHEMA))

    assert len({r["id"] for r in results}) == 1
    assert {r["version"] for r in results} == {1}
    for subject in set(subjects):
        versions = httpx.get(f"{registry.url}/subjects/{subject}/versions").json()
        assert versions == [1]


@pytest.fixture
def two_replicas(pg_database: str) -> Iterator[list[str]]:
    """Two registry processes on one PostgreSQL database."""
    empty_pg(pg_database)
    started = [start_process(pg_database) for _ in range(2)]
    try:
        yield [url for _proc, url in started]
    finally:
        for proc, _url in started:
            stop_process(proc)


def test_two_replicas_on_one_postgres_allocate_ids_safely(two_replicas: list[str]) -> None:
    same = at_once(50, lambda i: post(two_replicas[i % 2], f"s{i % 7}", NEW_SCHEMA))
    httpx.put(f"{two_replicas[0]}/config/many", json={"compatibility": "NONE"}, headers=CT)
    distinct = at_once(
        20,
        lambda i: post(
            two_replicas[i % 2],
            "many",
            json.dumps({"type": "record", "name": f"R{i}", "fields": []}),
        ),
    )

    assert len({r["id"] for r in same}) == 1
    assert {r["version"] for r in same} == {1}
    assert len({r["id"] for r in distinct}) == 20
    assert sorted(r["version"] for r in distinct) == list(range(1, 21))
    assert same[0]["id"] not in {r["id"] for r in distinct}
    listed = httpx.get(f"{two_replicas[1]}/subjects/many/versions").json()
    assert listed == list(range(1, 21))


def test_restart_keeps_everything(fresh_store_url: str) -> None:
    proc, url = start_process(fresh_store_url)
    try:
        with httpx.Client(base_url=url, headers=CT) as http:
            first = post(url, "kept", NEW_SCHEMA)
            post(url, "gone", json.dumps({"type": "record", "name": "G", "fields": []}))
            http.put("/config/kept", json={"compatibility": "FULL"}).raise_for_status()
            http.put("/mode/gone", json={"mode": "READWRITE"}).raise_for_status()
            http.delete("/subjects/gone").raise_for_status()
    finally:
        stop_process(proc)

    proc, url = start_process(fresh_store_url)
    try:
        with httpx.Client(base_url=url, headers=CT) as http:
            assert http.get("/subjects").json() == ["kept"]
            assert http.get("/subjects?deleted=true").json() == ["gone", "kept"]
            assert http.get(f"/schemas/ids/{first['id']}").json()["schema"] == NEW_SCHEMA.replace(
                " ", ""
            )
            assert http.get("/config/kept").json()["compatibilityLevel"] == "FULL"
            assert http.get("/mode/gone").json() == {"mode": "READWRITE"}
            again = post(url, "kept", NEW_SCHEMA)
            assert (again["id"], again["version"]) == (first["id"], 1)
            newer = post(url, "other", json.dumps({"type": "record", "name": "O", "fields": []}))
            assert newer["id"] > first["id"]
    finally:
        stop_process(proc)
