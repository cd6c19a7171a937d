"""The fault-injection TCP proxy, over real sockets to a small echo server."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from accord.devstack.ports import LOOPBACK
from accord.devstack.proxy import TcpProxy

pytestmark = pytest.mark.integration


class Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = socketserver.ThreadingTCPServer((LOOPBACK, 0), Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with TcpProxy(LOOPBACK, server.server_address[1]) as p:
        yield p
    server.shutdown()
    server.server_close()


def connect(proxy: TcpProxy) -> socket.socket:
    return socket.create_connection((proxy.host, proxy.port), timeout=5)


def echo(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def send_and_receive(sock: socket.socket) -> None:
    """Raise as a client of a cut connection does: reset, or end of stream."""
    sock.sendall(b"b")
    if not sock.recv(1):
        raise ConnectionResetError("connection closed by the proxy")


def test_bytes_flow_both_ways(proxy: TcpProxy) -> None:
    with connect(proxy) as sock:
        assert echo(sock, b"hello" * 1000) == b"hello" * 1000


def test_cut_resets_connections_and_refuses_new_ones_until_restored(proxy: TcpProxy) -> None:
    sock = connect(proxy)
    assert echo(sock, b"a") == b"a"
    proxy.cut()
    with pytest.raises(ConnectionError):  # reset by the proxy, or closed
        send_and_receive(sock)
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        connect(proxy)
    proxy.restore()
    with connect(proxy) as again:
        assert echo(again, b"c") == b"c"


def test_pause_holds_bytes_until_restored(proxy: TcpProxy) -> None:
    with connect(proxy) as sock:
        proxy.pause()
        sock.sendall(b"held")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(4)
        proxy.restore()
        sock.settimeout(5)
        assert sock.recv(4) == b"held"
