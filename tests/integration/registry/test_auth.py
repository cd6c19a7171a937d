"""Basic users and bearer tokens with read-only and read-write roles, over real sockets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import httpx
import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from accord.registry.auth import AuthConfig, Role

pytestmark = pytest.mark.integration

CT = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
SCHEMA = {"schema": json.dumps({"type": "record", "name": "A", "fields": []})}


def sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


CONFIG = AuthConfig(
    users={"ci": (sha("ci-secret"), Role.READ_WRITE), "viewer": (sha("look"), Role.READ_ONLY)},
    tokens={sha("deploy-token"): ("deploy-bot", Role.READ_WRITE)},
)


@pytest.fixture
def url(serve_with_auth: Callable[[AuthConfig], str]) -> str:
    return serve_with_auth(CONFIG)


def test_requests_without_credentials_are_401_except_health(url: str) -> None:
    denied = httpx.get(f"{url}/subjects")

    assert denied.status_code == 401
    assert denied.json()["error_code"] == 40101
    assert denied.headers["www-authenticate"].startswith("Basic")
    assert httpx.get(f"{url}/health").status_code == 200
    assert httpx.get(f"{url}/").status_code == 200


def test_roles_decide_reads_and_writes(url: str) -> None:
    writer = httpx.Client(base_url=url, auth=("ci", "ci-secret"), headers=CT)
    reader = httpx.Client(base_url=url, auth=("viewer", "look"), headers=CT)
    token = httpx.Client(base_url=url, headers={**CT, "Authorization": "Bearer deploy-token"})

    assert writer.post("/subjects/a/versions", json=SCHEMA).status_code == 200
    assert reader.get("/subjects").json() == ["a"]
    assert reader.post("/subjects/a", json=SCHEMA).status_code == 200  # a lookup is a read
    assert reader.post("/compatibility/subjects/a/versions", json=SCHEMA).status_code == 200
    refused = reader.post("/subjects/b/versions", json=SCHEMA)
    assert refused.status_code == 403
    assert refused.json()["error_code"] == 40301
    assert reader.delete("/subjects/a").status_code == 403
    assert reader.put("/config", json={"compatibility": "NONE"}).status_code == 403
    assert token.post("/subjects/c/versions", json=SCHEMA).status_code == 200


def test_wrong_credentials_are_401(url: str) -> None:
    assert httpx.get(f"{url}/subjects", auth=("ci", "guess")).status_code == 401
    assert httpx.get(f"{url}/subjects", auth=("nobody", "ci-secret")).status_code == 401
    bad_token = httpx.get(f"{url}/subjects", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401
    garbled = httpx.get(f"{url}/subjects", headers={"Authorization": "Basic !!!"})
    assert garbled.status_code == 401


def test_anonymous_read_only(serve_with_auth: Callable[[AuthConfig], str]) -> None:
    url = serve_with_auth(AuthConfig(users=CONFIG.users, anonymous=Role.READ_ONLY))

    assert httpx.get(f"{url}/subjects").json() == []
    assert httpx.post(f"{url}/subjects/a/versions", json=SCHEMA, headers=CT).status_code == 401
    signed = httpx.post(
        f"{url}/subjects/a/versions", json=SCHEMA, headers=CT, auth=("ci", "ci-secret")
    )
    assert signed.status_code == 200


def test_confluent_client_with_basic_auth(url: str) -> None:
    good = SchemaRegistryClient({"url": url, "basic.auth.user.info": "ci:ci-secret"})
    bad = SchemaRegistryClient({"url": url, "basic.auth.user.info": "viewer:look"})
    schema = Schema(SCHEMA["schema"], "AVRO")

    schema_id = good.register_schema("auth-value", schema)

    assert bad.get_schema(schema_id).schema_str == SCHEMA["schema"].replace(" ", "")
    with pytest.raises(SchemaRegistryError) as caught:
        bad.register_schema("other-value", schema)
    assert caught.value.http_status_code == 403
