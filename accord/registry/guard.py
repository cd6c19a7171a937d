"""Request bodies the registry will read: JSON only, and not too large.

A body larger than the limit is refused with 413 before it is read (from its
``Content-Length``) or as soon as it grows past the limit (chunked). A body that declares a
non-JSON content type is refused with 415: besides being Confluent's behaviour, it keeps
browsers' form posts (which need no CORS preflight) from writing to a registry whose basic
credentials the browser remembers.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.registry.errors import send_error

DEFAULT_MAX_BODY = 4 * 1024 * 1024
_BODY_METHODS = frozenset(["POST", "PUT", "PATCH"])


def _json_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyGuard:
    """Pure ASGI middleware enforcing the body size limit and a JSON content type."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {bytes(k): bytes(v) for k, v in scope["headers"]}
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if content_type and not _json_type(content_type):
            await send_error(
                send,
                415,
                415,
                f"Unsupported content type {content_type!r}: send JSON with"
                " Content-Type: application/vnd.schemaregistry.v1+json",
            )
            return
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await send_error(send, 413, 413, self._too_large())
            return
        if not content_type:
            # A body without a content type is read as JSON (FastAPI would not parse it).
            scope = {
                **scope,
                "headers": [*scope["headers"], (b"content-type", b"application/json")],
            }
        await self.app(scope, self._counting(receive), send)

    def _too_large(self) -> str:
        return f"Request body larger than {self.max_body} bytes; the limit is set by --max-body"

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, self._too_large())
            return message

        return counted
