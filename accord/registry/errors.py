"""Confluent Schema Registry's error codes, and the one exception the service raises.

Every failure a client can cause is a 4xx with a Confluent body
``{"error_code": 40401, "message": "..."}``: clients (confluent-kafka among them) retry 5xx
for up to 20 s, so a 5xx is kept for the store failing, never for bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import orjson
from starlette.types import Send

MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"


class ErrorCode(IntEnum):
    """Confluent's codes: the HTTP status followed by two digits of detail."""

    UNAUTHORIZED = 40101
    FORBIDDEN = 40301
    SUBJECT_NOT_FOUND = 40401
    VERSION_NOT_FOUND = 40402
    SCHEMA_NOT_FOUND = 40403
    SUBJECT_SOFT_DELETED = 40404
    SUBJECT_NOT_SOFT_DELETED = 40405
    VERSION_SOFT_DELETED = 40406
    VERSION_NOT_SOFT_DELETED = 40407
    SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408
    SUBJECT_MODE_NOT_CONFIGURED = 40409
    ASSOCIATION_NOT_FOUND = 40410
    INCOMPATIBLE_SCHEMA = 409
    INVALID_SCHEMA = 42201
    INVALID_VERSION = 42202
    INVALID_COMPATIBILITY_LEVEL = 42203
    INVALID_MODE = 42204
    OPERATION_NOT_PERMITTED = 42205
    REFERENCE_EXISTS = 42206
    ID_DOES_NOT_MATCH = 42207
    INVALID_SUBJECT = 42208
    SCHEMA_TOO_LARGE = 42209
    STORE_ERROR = 50001

    @property
    def status(self) -> int:
        """The HTTP status: the first three digits (409 is its own status)."""
        value = int(self)
        return value if value < 1000 else value // 100


class RegistryFault(Exception):
    """A registry rule said no: carries the Confluent code and a message for the client."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        return self.code.status

    def body(self) -> dict[str, Any]:
        return {"error_code": int(self.code), "message": self.message}


def subject_not_found(subject: str) -> RegistryFault:
    return RegistryFault(ErrorCode.SUBJECT_NOT_FOUND, f"Subject '{subject}' not found.")


def version_not_found(subject: str, version: int | str) -> RegistryFault:
    return RegistryFault(
        ErrorCode.VERSION_NOT_FOUND, f"Version {version} not found in subject '{subject}'."
    )


def schema_not_found(what: int | str | None = None) -> RegistryFault:
    suffix = "" if what is None else f" {what}"
    return RegistryFault(ErrorCode.SCHEMA_NOT_FOUND, f"Schema{suffix} not found")


def invalid_schema(detail: str) -> RegistryFault:
    return RegistryFault(ErrorCode.INVALID_SCHEMA, f"Invalid schema: {detail}")


def not_permitted(detail: str) -> RegistryFault:
    return RegistryFault(ErrorCode.OPERATION_NOT_PERMITTED, detail)


async def send_error(
    send: Send,
    status: int,
    code: int,
    message: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer with a Confluent error body straight from ASGI middleware."""
    body = orjson.dumps({"error_code": code, "message": message})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
