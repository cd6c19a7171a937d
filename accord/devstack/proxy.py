"""A TCP proxy for network-fault tests: put it between Kafka clients and the broker, then
``cut()`` the network (connections reset, new ones refused), ``pause()`` it (connections stay
open but no byte moves) and ``restore()`` it.

Start the broker with its advertised address set to the proxy
(``start_broker(..., advertised_port=proxy.port)``), otherwise clients learn the broker's own
address from metadata and bypass the proxy.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from accord.devstack.ports import LOOPBACK, free_port

T = TypeVar("T")
_CHUNK = 64 * 1024


class TcpProxy:
    """Forwards ``listen_host:port`` to ``target_host:target_port`` on a background thread."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        port: int | None = None,
        listen_host: str = LOOPBACK,
    ) -> None:
        self.target = (target_host, target_port)
        self.host = listen_host
        self.port = port or free_port(listen_host)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="tcp-proxy", daemon=True
        )
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing: asyncio.Event | None = None
        self.accepted = 0

    def __enter__(self) -> TcpProxy:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._thread.start()
        self._call(self._setup())
        self._call(self._listen())

    def cut(self) -> None:
        """Reset every open connection and refuse new ones until :meth:`restore`."""
        self._call(self._cut())

    def pause(self) -> None:
        """Keep connections open but stop forwarding (a black hole) until :meth:`restore`."""
        self._call(self._pause())

    def restore(self) -> None:
        """Accept and forward again after :meth:`cut` or :meth:`pause`."""
        self._call(self._restore())

    def close(self) -> None:
        if self._thread.is_alive():
            self._call(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()

    @property
    def open_connections(self) -> int:
        return len(self._writers)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _setup(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._serve, self.host, self.port, reuse_address=True
            )

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _shutdown(self) -> None:
        await self._cut()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    async def _pause(self) -> None:
        assert self._flowing is not None
        self._flowing.clear()

    async def _restore(self) -> None:
        assert self._flowing is not None
        self._flowing.set()
        await self._listen()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            upstream_r, upstream_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.transport.abort()
            return
        self._writers.update((client_w, upstream_w))
        await asyncio.gather(self._pipe(client_r, upstream_w), self._pipe(upstream_r, client_w))
        self._writers.discard(client_w)
        self._writers.discard(upstream_w)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._flowing is not None
        try:
            while chunk := await reader.read(_CHUNK):
                await self._flowing.wait()
                if writer.transport.is_closing():
                    break
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            # One direction ended: end the other too, as a real connection would.
            writer.transport.abort()
