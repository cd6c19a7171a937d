"""A real registry server on a free loopback port, over SQLite and over PostgreSQL.

``registry`` is parametrised by backend, so every test that uses it runs against both
stores. SQLite gets a fresh file per test; PostgreSQL gets one database per test session
(and xdist worker), emptied before each test, dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn

from accord.registry.app import create_app
from accord.registry.auth import AuthConfig
from accord.registry.server import bind, url_of
from accord.registry.store import Store, open_store

PG_ADMIN = os.environ.get("ACCORD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = "registry_versions, registry_refs, registry_schemas, registry_config, registry_mode"
STARTUP_DEADLINE_S = 15.0


@dataclass
class LiveRegistry:
    """A running registry: its URL, backend and store URL."""

    url: str
    backend: str
    store_url: str

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]


class ServerThread:
    """uvicorn serving an app in a background thread of the test process."""

    def __init__(self, store: Store, auth: AuthConfig | None = None) -> None:
        self.sock = bind("127.0.0.1", 0)
        self.url = url_of(self.sock)
        config = uvicorn.Config(create_app(store, auth=auth), log_level="error", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the registry server did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def start_process(store_url: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``python -m accord registry serve`` on a free port; waits for its "listening" line.

    stderr goes to a file, not a pipe nobody reads (a full pipe would stall the server); the
    server keeps its own descriptor of it after ours is closed."""
    args = ("-m", "accord", "registry", "serve", "--port", "0", "--store", store_url, *extra)
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            [sys.executable, *args], stdout=subprocess.PIPE, stderr=log, text=True
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the line or the process ends
        if "listening on" not in line:
            proc.kill()
            proc.wait(timeout=10)
            log.seek(0)
            raise RuntimeError(f"registry did not start: {line}{log.read()}")
    return proc, line.split("listening on ", 1)[1].split()[0]


def stop_process(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of its own for this test session (and xdist worker)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"accord_registry_{worker}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL is needed at {PG_ADMIN} (set ACCORD_TEST_PG): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_pg(url: str) -> None:
    open_store(url).close()  # creates the tables on first use
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "postgres":
        url: str = request.getfixturevalue("pg_database")
        empty_pg(url)
        return url
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture
def registry(backend: str, fresh_store_url: str) -> Iterator[LiveRegistry]:
    """A registry server on a free port over an empty store, for each backend."""
    store = open_store(fresh_store_url)
    try:
        with ServerThread(store) as server:
            yield LiveRegistry(server.url, backend, fresh_store_url)
    finally:
        store.close()


@pytest.fixture
def serve_with_auth(tmp_path: Path) -> Iterator[Callable[[AuthConfig], str]]:
    """Start a SQLite-backed registry with an auth config; returns its URL."""
    started: list[tuple[ServerThread, Store]] = []

    def start(auth: AuthConfig) -> str:
        store = open_store(f"sqlite:///{tmp_path / f'auth{len(started)}.db'}")
        server = ServerThread(store, auth=auth).__enter__()
        started.append((server, store))
        return server.url

    yield start
    for server, store in started:
        server.__exit__()
        store.close()
