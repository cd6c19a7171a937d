"""A tiny HTTP endpoint for a runtime's status (``GET /status`` -> JSON), for services that
have no HTTP server of their own. Services with one mount ``runtime.status()`` instead.

    server = serve_status(runtime.status, port=9464)   # background thread
    ...
    server.shutdown()
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def serve_status(
    status: Callable[[], dict[str, Any]], *, host: str = "127.0.0.1", port: int = 0
) -> ThreadingHTTPServer:
    """Serve ``status()`` as JSON on ``GET /status`` (and ``/``); ``port=0`` picks a free one
    (read it from ``server.server_address``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path not in ("/", "/status"):
                self.send_error(404, "only GET /status is served here")
                return
            body = json.dumps(status(), default=str).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # status polls are not worth a log line each

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="accord-status", daemon=True).start()
    return server
