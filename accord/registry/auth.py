"""Who may read and who may write: HTTP basic users and bearer tokens from a config file.

Without a file the registry is open (local development). With one, every request except the
root, ``/health`` and the API docs must authenticate, and its role decides what it may do::

    # registry-auth.yaml (YAML or JSON)
    anonymous: none             # what requests without credentials may do:
                                # none (default) | read-only | read-write
    users:
      ci:
        password_sha256: 5e8848...   # printf %s 'the password' | sha256sum
        role: read-write
      dashboard:
        password: not-a-secret       # plain text is accepted, hashed is better
        role: read-only
    tokens:
      - name: deploy-bot
        sha256: 9f86d0...            # printf %s 'the token' | sha256sum
        role: read-write

``read-only`` may GET anything, look a schema up (``POST /subjects/{subject}``) and test
compatibility (``POST /compatibility/...``); ``read-write`` may also register, delete and
change config and mode.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from starlette.types import ASGIApp, Receive, Scope, Send

from accord.errors import InputError
from accord.registry.errors import ErrorCode, send_error

PUBLIC_PATHS = frozenset(
    ["/", "/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"]
)
_READ_POSTS = re.compile(r"^/(subjects/[^/]+|compatibility/.*)$")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class Role(StrEnum):
    READ_ONLY = "read-only"
    READ_WRITE = "read-write"

    def allows(self, method: str, path: str) -> bool:
        return self is Role.READ_WRITE or not needs_write(method, path)


def needs_write(method: str, path: str) -> bool:
    """Whether a request changes the registry (lookups and compatibility tests do not)."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    return not (method == "POST" and _READ_POSTS.match(path))


@dataclass(frozen=True)
class AuthConfig:
    """Users (name -> (sha256 of password, role)), tokens (sha256 -> (name, role)) and what
    anonymous requests may do (None: nothing)."""

    users: Mapping[str, tuple[str, Role]] = field(default_factory=dict)
    tokens: Mapping[str, tuple[str, Role]] = field(default_factory=dict)
    anonymous: Role | None = None

    def basic(self, user: str, password: str) -> Role | None:
        entry = self.users.get(user)
        digest = _sha256(password)
        # Compare against a dummy digest for unknown users too: no timing hint of who exists.
        expected = entry[0] if entry else "0" * 64
        ok = hmac.compare_digest(digest, expected)
        return entry[1] if entry and ok else None

    def bearer(self, token: str) -> tuple[str, Role] | None:
        return self.tokens.get(_sha256(token))


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def load_auth(path: Path) -> AuthConfig:
    """Read an auth file; :class:`InputError` naming the file and key for anything wrong."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError.at(f"cannot read the auth file: {exc.strerror}", file=shown) from None
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError.at(
            f"the auth file is not valid YAML/JSON: {getattr(exc, 'problem', exc)}",
            file=shown,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    return _parse(data if data is not None else {}, shown)


def _parse(data: Any, shown: str) -> AuthConfig:
    def fail(where: str, message: str, fix: str | None = None) -> InputError:
        return InputError.at(
            f"{where}: {message}", file=shown, pointer=where, fix=fix, code="registry-auth"
        )

    if not isinstance(data, dict):
        raise fail("/", "the auth file must be a mapping with users, tokens and anonymous")
    unknown = sorted(set(data) - {"users", "tokens", "anonymous"})
    if unknown:
        raise fail(f"/{unknown[0]}", "unknown key", "use users, tokens and anonymous")
    anonymous = data.get("anonymous", "none")
    if anonymous not in ("none", "read-only", "read-write"):
        raise fail("/anonymous", f"must be none, read-only or read-write, not {anonymous!r}")

    users: dict[str, tuple[str, Role]] = {}
    for name, spec in (data.get("users") or {}).items():
        where = f"/users/{name}"
        if not isinstance(spec, dict):
            raise fail(where, "must be a mapping with password_sha256 (or password) and role")
        users[str(name)] = (_secret(spec, "password", where, fail), _role(spec, where, fail))

    tokens: dict[str, tuple[str, Role]] = {}
    for i, spec in enumerate(data.get("tokens") or []):
        where = f"/tokens/{i}"
        if not isinstance(spec, dict):
            raise fail(where, "must be a mapping with sha256 (or token), role and name")
        digest = _secret(spec, "token", where, fail, hashed_key="sha256")
        tokens[digest] = (str(spec.get("name", f"token {i}")), _role(spec, where, fail))
    if not users and not tokens and anonymous == "none":
        raise fail("/", "no users and no tokens: nobody could use the registry")
    return AuthConfig(
        users=users, tokens=tokens, anonymous=None if anonymous == "none" else Role(anonymous)
    )


def _secret(
    spec: dict[str, Any], plain_key: str, where: str, fail: Any, hashed_key: str = ""
) -> str:
    hashed_key = hashed_key or f"{plain_key}_sha256"
    if isinstance(spec.get(hashed_key), str) and _HEX64.match(spec[hashed_key]):
        return str(spec[hashed_key]).lower()
    if isinstance(spec.get(plain_key), str) and spec[plain_key]:
        return _sha256(spec[plain_key])
    raise fail(
        where,
        f"needs {hashed_key} (64 hex digits) or {plain_key}",
        f"printf %s 'the secret' | sha256sum, and put the digest under {hashed_key}",
    )


def _role(spec: dict[str, Any], where: str, fail: Any) -> Role:
    try:
        return Role(str(spec.get("role")))
    except ValueError:
        raise fail(
            f"{where}/role", f"must be read-only or read-write, not {spec.get('role')!r}"
        ) from None


class AuthMiddleware:
    """Pure ASGI middleware: authenticate, then allow by role (401 / 403 otherwise)."""

    def __init__(self, app: ASGIApp, config: AuthConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        header = _header(scope, b"authorization")
        who, role = self.identify(header)
        if role is None or (header is None and not role.allows(scope["method"], scope["path"])):
            challenge = [(b"www-authenticate", b'Basic realm="accord-registry"')]
            await send_error(
                send, 401, ErrorCode.UNAUTHORIZED, _why_unauthorized(header), challenge
            )
            return
        if not role.allows(scope["method"], scope["path"]):
            await send_error(
                send,
                403,
                ErrorCode.FORBIDDEN,
                f"{who} has the read-only role and cannot change the registry",
            )
            return
        await self.app(scope, receive, send)

    def identify(self, header: str | None) -> tuple[str, Role | None]:
        if header is None:
            return "anonymous", self.config.anonymous
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = (
                    base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                return "", None
            return f"user {user!r}", self.config.basic(user, password)
        if scheme.lower() == "bearer":
            found = self.config.bearer(value.strip())
            return (f"token {found[0]!r}", found[1]) if found else ("", None)
        return "", None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _why_unauthorized(header: str | None) -> str:
    if header is None:
        return "Unauthorized: send HTTP basic credentials or a bearer token"
    return "Unauthorized: the credentials were not accepted"
