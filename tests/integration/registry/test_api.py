"""Confluent's semantics over HTTP, on SQLite and on PostgreSQL (raw requests, so every
status and error code is seen exactly as a client sees it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.registry.conftest import LiveRegistry

pytestmark = pytest.mark.integration

CT = {"Content-Type": "application/vnd.schemaregistry.v1+json"}


def record(name: str, *fields: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"type": "record", "name": name, "fields": list(fields), **extra})


def field(name: str, kind: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, **extra}


@pytest.fixture
def http(registry: LiveRegistry) -> Iterator[httpx.Client]:
    with registry.client(headers=CT) as client:
        yield client


def register(http: httpx.Client, subject: str, schema: str, **body: Any) -> httpx.Response:
    return http.post(f"/subjects/{subject}/versions", json={"schema": schema, **body})


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def error_code(response: httpx.Response) -> int:
    assert response.status_code >= 400, response.text
    code: int = response.json()["error_code"]
    return code


def test_same_schema_under_a_subject_returns_its_version_without_a_check(
    http: httpx.Client,
) -> None:
    v1 = record("N", field("a", "int"))
    v2 = record("N", field("a", "long"))  # BACKWARD: a long reader reads ints
    first = ok(register(http, "n", v1))
    ok(register(http, "n", v2))

    again = ok(register(http, "n", v1))  # v1 after v2 would fail BACKWARD: no check is made

    assert (again["id"], again["version"]) == (first["id"], 1)
    assert ok(http.get("/subjects/n/versions")) == [1, 2]


def test_identity_is_the_canonical_form(http: httpx.Client) -> None:
    compact = record("C", field("a", "string"), namespace="x.y")
    spaced = json.dumps(
        {
            "fields": [{"type": "string", "name": "a"}],
            "namespace": "x.y",
            "name": "C",
            "type": "record",
        },
        indent=4,
    )
    first = ok(register(http, "c", compact))

    second = ok(register(http, "c", spaced))
    other = ok(register(http, "c-copy", spaced))

    assert second == first
    assert other["id"] == first["id"]
    assert other["version"] == 1
    stored = ok(http.get(f"/schemas/ids/{first['id']}"))["schema"]
    assert (
        stored
        == '{"type":"record","name":"C","namespace":"x.y","fields":[{"name":"a","type":"string"}]}'
    )


def test_normalize_ignores_the_order_of_custom_properties(http: httpx.Client) -> None:
    one = record("P", field("a", "string"), owner="team", tier="gold")
    two = record("P", field("a", "string"), tier="gold", owner="team")
    first = ok(register(http, "p", one))

    plain = http.post("/subjects/p", json={"schema": two})
    found = ok(http.post("/subjects/p?normalize=true", json={"schema": two}))
    normalized = ok(http.post("/subjects/p/versions?normalize=true", json={"schema": two}))

    assert error_code(plain) == 40403  # without normalize the property order is in the text
    assert (found["id"], found["version"]) == (first["id"], 1)
    assert (normalized["id"], normalized["version"]) == (first["id"], 1)


def test_transitive_levels_judge_every_version_not_deleted(http: httpx.Client) -> None:
    ok(http.put("/config/t", json={"compatibility": "BACKWARD_TRANSITIVE"}))
    ok(register(http, "t", record("T", field("x", "string"))))
    ok(register(http, "t", record("T")))
    v3 = record("T", field("x", "int", default=0))  # reads v2's data, not v1's string x

    refused = register(http, "t", v3)
    ok(http.delete("/subjects/t/versions/1"))
    accepted = register(http, "t", v3)

    assert error_code(refused) == 409
    assert "version 1" in refused.json()["message"]
    assert ok(accepted)["version"] == 3


def test_compatibility_endpoint_explains_with_verbose(http: httpx.Client) -> None:
    ok(register(http, "v", record("V", field("a", "string"))))
    breaking = {"schema": record("V", field("a", "string"), field("email", "string"))}

    quiet = ok(http.post("/compatibility/subjects/v/versions/latest?verbose=False", json=breaking))
    loud = ok(http.post("/compatibility/subjects/v/versions?verbose=true", json=breaking))
    one = ok(http.post("/compatibility/subjects/v/versions/1", json=breaking))
    nothing_yet = ok(http.post("/compatibility/subjects/new/versions/latest", json=breaking))

    assert quiet == {"is_compatible": False}
    assert loud["is_compatible"] is False
    assert any("email" in m and "default" in m for m in loud["messages"])
    assert one["is_compatible"] is False
    assert nothing_yet == {"is_compatible": True}


def test_json_schema_compatibility(http: httpx.Client) -> None:
    base = {
        "type": "object",
        "properties": {"sku": {"type": "string"}},
        "additionalProperties": False,
    }
    narrower = {**base, "required": ["sku"]}
    ok(register(http, "j", json.dumps(base), schemaType="JSON"))

    verdict = ok(
        http.post(
            "/compatibility/subjects/j/versions?verbose=true",
            json={"schema": json.dumps(narrower), "schemaType": "JSON"},
        )
    )
    got = ok(http.get("/subjects/j/versions/latest"))

    assert verdict["is_compatible"] is False
    assert verdict["messages"]
    assert got["schemaType"] == "JSON"


@pytest.mark.parametrize("spelling", ["true", "True", "TRUE"])
def test_query_booleans_in_every_spelling(http: httpx.Client, spelling: str) -> None:
    ok(register(http, "b", record("B", field("a", "string"))))
    ok(http.delete("/subjects/b/versions/1"))

    assert ok(http.get(f"/subjects?deleted={spelling}")) == ["b"]
    assert ok(http.get("/subjects?deleted=False&deleted_only=false")) == []
    assert ok(http.get(f"/subjects/b/versions/1?deleted={spelling}"))["version"] == 1
    assert error_code(http.get("/subjects?deleted=perhaps")) == 400


def test_not_found_codes(http: httpx.Client) -> None:
    ok(register(http, "s", record("S", field("a", "string"))))

    assert error_code(http.get("/subjects/none/versions")) == 40401
    assert error_code(http.get("/subjects/s/versions/9")) == 40402
    assert error_code(http.get("/schemas/ids/999")) == 40403
    assert error_code(http.post("/subjects/s", json={"schema": record("Other")})) == 40403
    assert error_code(http.post("/subjects/none", json={"schema": record("S")})) == 40401
    assert error_code(http.get("/config/s")) == 40408
    assert error_code(http.get("/mode/s")) == 40409
    assert error_code(http.get("/no/such/endpoint")) == 404


def test_invalid_input_codes(http: httpx.Client) -> None:
    assert error_code(register(http, "i", '{"type": "record", "name": "R"}')) == 42201
    assert error_code(register(http, "i", "not json")) == 42201
    assert error_code(register(http, "i", '"string"', schemaType="PROTOBUF")) == 42201
    assert error_code(http.post("/subjects/i/versions", json={"schemaType": "AVRO"})) == 42201
    assert error_code(http.get("/subjects/i/versions/0")) == 42202
    assert error_code(http.get("/subjects/i/versions/first")) == 42202
    assert error_code(http.put("/config", json={"compatibility": "SIDEWAYS"})) == 42203
    assert error_code(http.put("/mode", json={"mode": "SOMETIMES"})) == 42204
    assert error_code(http.post("/subjects/i/versions", content=b"{oops")) == 400


def test_invalid_schema_message_names_the_place(http: httpx.Client) -> None:
    bad = record("R", field("a", "strnig"))

    message = register(http, "r", bad).json()["message"]

    assert "/fields/0/type" in message
    assert "'string'" in message


def test_soft_and_permanent_delete_rules(http: httpx.Client) -> None:
    first = ok(register(http, "d", record("D", field("a", "string"))))

    assert error_code(http.delete("/subjects/d?permanent=true")) == 40405
    assert error_code(http.delete("/subjects/d/versions/1?permanent=true")) == 40407
    assert ok(http.delete("/subjects/d")) == [1]
    assert error_code(http.delete("/subjects/d")) == 40404
    assert error_code(http.delete("/subjects/d/versions/1")) == 40406
    assert ok(http.get(f"/schemas/ids/{first['id']}"))["schema"]
    assert ok(http.delete("/subjects/d?permanent=true")) == [1]
    assert error_code(http.get(f"/schemas/ids/{first['id']}")) == 40403
    again = ok(register(http, "d", record("D", field("a", "string"))))
    assert (again["id"], again["version"]) == (first["id"], 1)  # the schema keeps its id


def test_references_are_resolved_and_protected(http: httpx.Client) -> None:
    address = json.dumps(
        {
            "type": "record",
            "name": "Address",
            "namespace": "com.acme",
            "fields": [field("city", "string")],
        }
    )
    person = record("Person", field("home", "com.acme.Address"), namespace="com.acme")
    ok(register(http, "address", address))
    ref = {"name": "com.acme.Address", "subject": "address", "version": 1}

    unresolved = register(http, "person", person)
    dangling = register(http, "person", person, references=[{**ref, "version": 7}])
    created = ok(register(http, "person", person, references=[ref]))
    fetched = ok(http.get(f"/schemas/ids/{created['id']}"))

    assert error_code(unresolved) == 42201
    assert "com.acme.Address" in unresolved.json()["message"]
    assert error_code(dangling) == 42201
    assert fetched["references"] == [ref]
    assert ok(http.get("/subjects/address/versions/1/referencedby")) == [created["id"]]
    assert error_code(http.delete("/subjects/address/versions/1")) == 42206
    ok(http.delete("/subjects/person"))
    assert ok(http.delete("/subjects/address/versions/1")) == 1
    assert error_code(http.delete("/subjects/address/versions/1?permanent=true")) == 42206


def test_modes_read_only_and_import(http: httpx.Client) -> None:
    ok(register(http, "m", record("M", field("a", "string"))))
    ok(http.put("/mode/m", json={"mode": "READONLY"}))

    assert error_code(register(http, "m", record("M2"))) == 42205
    assert error_code(http.delete("/subjects/m")) == 42205
    assert ok(register(http, "elsewhere", record("E")))["id"] > 0
    assert error_code(http.put("/mode", json={"mode": "IMPORT"})) == 42205  # not empty
    ok(http.delete("/mode/m"))
    ok(http.put("/mode?force=true", json={"mode": "IMPORT"}))

    without_id = register(http, "imp", record("I"))
    imported = ok(register(http, "imp", record("I"), id=500, version=7))
    clash = register(http, "imp2", record("J"), id=500)
    ok(http.put("/mode", json={"mode": "READWRITE"}))
    after = ok(register(http, "later", record("L")))

    assert error_code(without_id) == 42205
    assert imported["id"] == 500
    assert imported["version"] == 7
    assert error_code(clash) == 42207
    assert after["id"] > 500  # ids allocated after an import never collide with it
    assert ok(http.get("/subjects/imp/versions/7"))["id"] == 500


def test_config_scopes_and_default_to_global(http: httpx.Client) -> None:
    ok(http.put("/config", json={"compatibility": "FULL"}))
    echoed = ok(http.put("/config/x", json={"compatibilityLevel": "NONE", "normalize": True}))

    assert echoed == {"compatibility": "NONE", "normalize": True}
    assert ok(http.get("/config")) == {"compatibilityLevel": "FULL"}
    assert ok(http.get("/config/x"))["compatibilityLevel"] == "NONE"
    assert ok(http.get("/config/y?defaultToGlobal=true")) == {"compatibilityLevel": "FULL"}
    assert ok(http.delete("/config/x"))["compatibilityLevel"] == "NONE"
    assert error_code(http.get("/config/x")) == 40408
    assert ok(http.delete("/config"))["compatibilityLevel"] == "FULL"
    assert ok(http.get("/config")) == {"compatibilityLevel": "BACKWARD"}


def test_listing_endpoints(http: httpx.Client) -> None:
    a1 = ok(register(http, "list-a", record("A", field("x", "string"))))
    ok(
        register(
            http, "list-a", record("A", field("x", "string"), field("y", "string", default=""))
        )
    )
    ok(register(http, "other", record("A", field("x", "string"))))

    assert ok(http.get("/subjects?subjectPrefix=list-")) == ["list-a"]
    assert ok(http.get("/subjects?offset=1&limit=1")) == ["other"]
    assert ok(http.get("/schemas/types")) == ["AVRO", "JSON"]
    assert [s["version"] for s in ok(http.get("/schemas?subjectPrefix=list-a"))] == [1, 2]
    assert [s["subject"] for s in ok(http.get("/schemas?latestOnly=true"))] == ["list-a", "other"]
    assert ok(http.get(f"/schemas/ids/{a1['id']}/versions")) == [
        {"subject": "list-a", "version": 1},
        {"subject": "other", "version": 1},
    ]
    raw = http.get("/subjects/list-a/versions/1/schema")
    assert json.loads(raw.text)["name"] == "A"
    assert ok(http.get(f"/schemas/guids/{a1['guid']}"))["id"] == a1["id"]
    assert ok(http.get("/contexts")) == ["."]


def test_body_limits_and_content_types(http: httpx.Client, registry: LiveRegistry) -> None:
    huge = record("H", *[field(f"f{i}", "string", doc="x" * 1000) for i in range(5000)])

    too_large = register(http, "h", huge)
    form = http.post(
        "/subjects/h/versions",
        content=b"schema=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    untyped = httpx.post(
        f"{registry.url}/subjects/h/versions", content=json.dumps({"schema": '"string"'})
    )

    assert too_large.status_code == 413
    assert error_code(too_large) == 413
    assert form.status_code == 415
    assert ok(untyped)["version"] == 1


def test_associations_probe_is_a_404_so_serializers_fall_back(http: httpx.Client) -> None:
    probe = http.get("/associations/resources/-/orders?resourceType=topic&associationType=value")

    assert probe.status_code == 404
    assert error_code(probe) == 40410


def test_health_and_root(http: httpx.Client) -> None:
    assert ok(http.get("/")) == {}
    assert ok(http.get("/health")) == {"status": "UP"}
