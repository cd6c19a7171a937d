"""A small typed client for any Confluent-compatible registry (Confluent, Karapace, Redpanda,
Apicurio's ccompat API, accord's own), over httpx.

Credentials never come from command-line flags (they would land in shell history):
``ACCORD_REGISTRY_TOKEN`` (bearer), or ``ACCORD_REGISTRY_USER`` + ``ACCORD_REGISTRY_PASSWORD``
(basic), or a YAML/JSON file named by ``ACCORD_REGISTRY_CREDENTIALS`` holding ``token:`` or
``user:`` + ``password:``; ``user:password@`` in the URL works too. Connection failures and
5xx answers are retried briefly; anything else becomes a :class:`~accord.errors.RegistryError`
carrying the HTTP status and Confluent's error code.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from accord.errors import InputError, RegistryError

ENV_URL = "ACCORD_REGISTRY_URL"
ENV_TOKEN = "ACCORD_REGISTRY_TOKEN"
ENV_USER = "ACCORD_REGISTRY_USER"
ENV_PASSWORD = "ACCORD_REGISTRY_PASSWORD"
ENV_CREDENTIALS = "ACCORD_REGISTRY_CREDENTIALS"
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
RETRY_DELAYS_S = (0.2, 0.5, 1.0)


@dataclass(frozen=True)
class Credentials:
    """Basic (``user``, ``password``) or bearer (``token``) credentials."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password or "") if self.user and not self.token else None


def credentials_from(env: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from the environment, or the file it names; None when there are none."""
    env = os.environ if env is None else env
    if env.get(ENV_TOKEN):
        return Credentials(token=env[ENV_TOKEN])
    if env.get(ENV_USER):
        return Credentials(user=env[ENV_USER], password=env.get(ENV_PASSWORD, ""))
    if env.get(ENV_CREDENTIALS):
        return _credentials_file(Path(env[ENV_CREDENTIALS]))
    return None


def _credentials_file(path: Path) -> Credentials:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise InputError.at(
            f"cannot read the registry credentials file: {exc}", file=str(path)
        ) from None
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        return Credentials(token=data["token"])
    if isinstance(data, dict) and isinstance(data.get("user"), str):
        return Credentials(user=data["user"], password=str(data.get("password", "")))
    raise InputError.at(
        "the registry credentials file needs `token:` or `user:` and `password:`",
        file=str(path),
        fix="write `user: ci` and `password: ...` (or `token: ...`) in it",
    )


def _split_userinfo(url: str) -> tuple[str, Credentials | None]:
    parts = urlsplit(url)
    if parts.username is None:
        return url.rstrip("/"), None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit(parts._replace(netloc=netloc)).rstrip("/")
    return clean, Credentials(user=parts.username, password=parts.password or "")


def _segment(value: str | int) -> str:
    return quote(str(value), safe="")


class RegistryClient:
    """The calls accord needs (push, pull, the ``--against registry`` source)."""

    def __init__(
        self,
        url: str,
        *,
        credentials: Credentials | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url, from_url = _split_userinfo(url)
        creds = credentials or from_url
        self._http = httpx.Client(
            base_url=self.url,
            timeout=timeout,
            transport=transport,
            auth=creds.auth() if creds else None,
            headers={"Accept": CONTENT_TYPE, **(creds.headers() if creds else {})},
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- transport ------------------------------------------------------------------------

    def call(
        self, method: str, path: str, *, body: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        """One request; the parsed JSON answer, or :class:`RegistryError`."""
        headers = {"Content-Type": CONTENT_TYPE} if body is not None else None
        for delay in (*RETRY_DELAYS_S, None):
            try:
                response = self._http.request(
                    method, path, json=body, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                if delay is not None:
                    time.sleep(delay)  # a short backoff before the retry, not a wait for a state
                    continue
                raise RegistryError(
                    f"cannot reach the registry at {self.url}: {exc}",
                    hint="check the URL (--registry, ACCORD_REGISTRY_URL or `registry:` in"
                    " accord.yaml) and that the registry runs",
                ) from None
            if response.status_code >= 500 and delay is not None:
                time.sleep(delay)
                continue
            return self._answer(method, path, response)
        raise AssertionError("unreachable")

    def _answer(self, method: str, path: str, response: httpx.Response) -> Any:
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        if response.is_success:
            return data
        code = (
            data.get("error_code", response.status_code)
            if isinstance(data, dict)
            else response.status_code
        )
        message = data.get("message", response.text) if isinstance(data, dict) else response.text
        hint = None
        if response.status_code in (401, 403):
            hint = (
                f"set {ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN} (or {ENV_CREDENTIALS}=FILE) to"
                " credentials allowed to do this"
            )
        raise RegistryError(
            f"registry {self.url} answered {method} {path} with {response.status_code}"
            f" ({code}): {message}",
            status=response.status_code,
            error_code=int(code) if isinstance(code, int) else 0,
            hint=hint,
        )

    # --- calls ----------------------------------------------------------------------------

    def subjects(self, prefix: str = "") -> list[str]:
        return list(
            self.call("GET", "/subjects", params={"subjectPrefix": prefix} if prefix else None)
        )

    def versions(self, subject: str) -> list[int]:
        """The subject's versions; [] when the registry has no such subject."""
        try:
            return list(self.call("GET", f"/subjects/{_segment(subject)}/versions"))
        except RegistryError as exc:
            if exc.error_code == 40401:
                return []
            raise

    def version(self, subject: str, version: int | str) -> dict[str, Any]:
        found: dict[str, Any] = self.call(
            "GET", f"/subjects/{_segment(subject)}/versions/{_segment(version)}"
        )
        return found

    def lookup(self, subject: str, schema: Mapping[str, Any]) -> dict[str, Any] | None:
        """The version holding ``schema`` under ``subject``, or None."""
        try:
            found: dict[str, Any] = self.call("POST", f"/subjects/{_segment(subject)}", body=schema)
        except RegistryError as exc:
            if exc.error_code in (40401, 40403):
                return None
            raise
        return found

    def register(self, subject: str, schema: Mapping[str, Any]) -> dict[str, Any]:
        done: dict[str, Any] = self.call(
            "POST", f"/subjects/{_segment(subject)}/versions", body=schema
        )
        return done

    def check(self, subject: str, schema: Mapping[str, Any]) -> tuple[bool, list[str]]:
        """Would ``schema`` be accepted under ``subject``? (verdict, the registry's reasons)."""
        answer = self.call(
            "POST",
            f"/compatibility/subjects/{_segment(subject)}/versions",
            body=schema,
            params={"verbose": "true"},
        )
        return bool(answer.get("is_compatible")), [str(m) for m in answer.get("messages") or []]

    def level(self, subject: str) -> str | None:
        """The subject's own compatibility level (None when it follows the global one)."""
        try:
            answer = self.call("GET", f"/config/{_segment(subject)}")
        except RegistryError as exc:
            if exc.error_code in (40401, 40408):
                return None
            raise
        level = answer.get("compatibilityLevel") or answer.get("compatibility")
        return str(level) if level else None

    def effective_level(self, subject: str) -> str:
        """The level in effect for ``subject`` (its own, else the global one)."""
        own = self.level(subject)
        if own:
            return own
        answer = self.call("GET", "/config")
        return str(answer.get("compatibilityLevel") or answer.get("compatibility") or "BACKWARD")

    def set_level(self, subject: str, level: str) -> None:
        self.call("PUT", f"/config/{_segment(subject)}", body={"compatibility": level})


def schema_body(
    text: str, schema_type: str, references: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """A Confluent ``Schema`` object as clients send it."""
    return {"schema": text, "schemaType": schema_type, "references": list(references)}
