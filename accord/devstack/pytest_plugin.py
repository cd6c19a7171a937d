"""pytest plugin shipped with accord: fixtures for a real broker, registry and topics.

Registered through the ``pytest11`` entry point, so a service's own test suite gets the
fixtures by installing accord. Nothing starts unless a test asks for a fixture.

- ``accord_broker`` (session): a Tansu broker on a free loopback port, or the cluster named by
  ``ACCORD_BOOTSTRAP_SERVERS``. ``.bootstrap_servers``, ``.settings``.
- ``accord_registry`` (session): ``accord registry serve`` on a free port with a SQLite store in
  a temporary folder, or the registry at ``ACCORD_REGISTRY_URL``. ``.url``.
- ``accord_topic``: a new, uniquely named topic on ``accord_broker`` for one test.
- ``accord_topics``: a factory, ``accord_topics("orders", "users", partitions=3)``.
- ``accord_broker_behind_proxy``: a private broker behind a TCP proxy for fault tests
  (``.cut()``, ``.pause()``, ``.restore()``, ``.restart()``).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from accord.devstack.faults import BrokerBehindProxy
    from accord.runtime.settings import KafkaSettings

ENV_BOOTSTRAP = "ACCORD_BOOTSTRAP_SERVERS"
ENV_REGISTRY = "ACCORD_REGISTRY_URL"


@dataclass(frozen=True)
class BrokerEndpoint:
    """Where the test broker listens; ``external`` when it came from the environment."""

    bootstrap_servers: str
    external: bool
    log_file: Path | None = None

    @property
    def settings(self) -> KafkaSettings:
        from accord.runtime.settings import DEFAULT_REGISTRY, KafkaSettings

        registry = os.environ.get(ENV_REGISTRY, DEFAULT_REGISTRY)
        return KafkaSettings(bootstrap_servers=self.bootstrap_servers, registry_url=registry)


@dataclass(frozen=True)
class RegistryEndpoint:
    url: str
    external: bool
    log_file: Path | None = None


@pytest.fixture(scope="session")
def accord_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerEndpoint]:
    """A Kafka broker for the whole session."""
    external = os.environ.get(ENV_BOOTSTRAP)
    if external:
        yield BrokerEndpoint(external, external=True)
        return
    from accord.devstack.broker import start_broker

    log_file = tmp_path_factory.mktemp("accord-broker") / "broker.log"
    broker = start_broker(log_file)
    try:
        yield BrokerEndpoint(broker.bootstrap_servers, external=False, log_file=log_file)
    finally:
        broker.stop(timeout=1.0)


@pytest.fixture(scope="session")
def accord_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryEndpoint]:
    """A Confluent-compatible schema registry for the whole session."""
    external = os.environ.get(ENV_REGISTRY)
    if external:
        yield RegistryEndpoint(external.rstrip("/"), external=True)
        return
    from accord.devstack.registry import start_registry

    folder = tmp_path_factory.mktemp("accord-registry")
    registry = start_registry(folder / "registry.log", f"sqlite:///{folder / 'registry.db'}")
    try:
        yield RegistryEndpoint(registry.url, external=False, log_file=registry.proc.log_file)
    finally:
        registry.stop()


def _unique(request: pytest.FixtureRequest, name: str) -> str:
    test = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name).strip("-")[:60]
    return f"{name}.{test}.{uuid.uuid4().hex[:8]}"


@pytest.fixture
def accord_topics(
    accord_broker: BrokerEndpoint, request: pytest.FixtureRequest
) -> Callable[..., list[str]]:
    """Create topics with unique names (``<name>.<test>.<random>``) and return the names."""
    from accord.runtime.topics import ensure_topics

    def make(*names: str, partitions: int = 3) -> list[str]:
        topics = [_unique(request, name) for name in names]
        ensure_topics(accord_broker.settings, topics, partitions=partitions)
        return topics

    return make


@pytest.fixture
def accord_topic(accord_topics: Callable[..., list[str]]) -> str:
    """One new topic (3 partitions) for this test."""
    return accord_topics("t")[0]


@pytest.fixture
def accord_broker_behind_proxy(tmp_path: Path) -> Iterator[BrokerBehindProxy]:
    """A private broker behind a TCP proxy, stopped after the test."""
    from accord.devstack.faults import BrokerBehindProxy

    with BrokerBehindProxy.start(tmp_path) as broker:
        yield broker
