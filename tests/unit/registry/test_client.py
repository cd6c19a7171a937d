"""The registry client's error handling, retries and credentials (httpx.MockTransport)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from accord.errors import InputError, RegistryError
from accord.registry import client as client_module
from accord.registry.client import Credentials, RegistryClient, credentials_from


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "RETRY_DELAYS_S", (0.0, 0.0, 0.0))


def answering(*responses: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return httpx.MockTransport(handle), seen


def test_5xx_is_retried_then_succeeds() -> None:
    transport, seen = answering(httpx.Response(503), httpx.Response(200, json=["a"]))

    subjects = RegistryClient("http://r", transport=transport).subjects()

    assert subjects == ["a"]
    assert len(seen) == 2


def test_4xx_carries_status_code_and_a_credentials_hint() -> None:
    transport, seen = answering(httpx.Response(401, json={"error_code": 40101, "message": "no"}))

    with pytest.raises(RegistryError) as caught:
        RegistryClient("http://r", transport=transport).subjects()

    assert (caught.value.status, caught.value.error_code) == (401, 40101)
    assert caught.value.hint is not None
    assert "ACCORD_REGISTRY_USER" in caught.value.hint
    assert len(seen) == 1  # a 4xx is an answer, not a reason to retry


def test_missing_things_are_none_or_empty() -> None:
    transport, _ = answering(httpx.Response(404, json={"error_code": 40401, "message": "x"}))
    registry = RegistryClient("http://r", transport=transport)

    assert registry.versions("s") == []
    assert registry.lookup("s", {"schema": "{}"}) is None


def test_subjects_are_url_encoded_and_userinfo_becomes_basic_auth() -> None:
    transport, seen = answering(httpx.Response(200, json=[1]))

    RegistryClient("http://u:p@r:8081/", transport=transport).versions("a/b c")

    assert seen[0].url.raw_path == b"/subjects/a%2Fb%20c/versions"
    assert seen[0].url.host == "r"
    assert seen[0].headers["authorization"].startswith("Basic ")


def test_credentials_come_from_the_environment_or_a_file(tmp_path: Path) -> None:
    (tmp_path / "creds.yaml").write_text("user: ci\npassword: pw\n")

    assert credentials_from(
        {"ACCORD_REGISTRY_TOKEN": "t", "ACCORD_REGISTRY_USER": "u"}
    ) == Credentials(token="t")
    assert credentials_from(
        {"ACCORD_REGISTRY_USER": "u", "ACCORD_REGISTRY_PASSWORD": "p"}
    ) == Credentials(user="u", password="p")
    from_file = credentials_from({"ACCORD_REGISTRY_CREDENTIALS": str(tmp_path / "creds.yaml")})
    assert from_file == Credentials(user="ci", password="pw")
    assert credentials_from({}) is None
    (tmp_path / "bad.yaml").write_text(json.dumps({"nothing": True}))
    with pytest.raises(InputError):
        credentials_from({"ACCORD_REGISTRY_CREDENTIALS": str(tmp_path / "bad.yaml")})


def test_unreachable_registry_is_a_registry_error_with_a_hint() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(RegistryError) as caught:
        RegistryClient("http://r", transport=httpx.MockTransport(refuse)).subjects()

    assert "cannot reach the registry at http://r" in caught.value.message
