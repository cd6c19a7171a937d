"""The pytest plugin accord ships, used by a service's own test suite (run with pytester)."""

from __future__ import annotations

import pytest

from accord.devstack.pytest_plugin import BrokerEndpoint

pytestmark = pytest.mark.integration

USER_TESTS = """
from confluent_kafka import Consumer, Producer

def test_broker_and_topics(accord_broker, accord_topic, accord_topics):
    orders, users = accord_topics("orders", "users", partitions=2)
    assert orders.startswith("orders.test-broker-and-topics.")
    conf = {"bootstrap.servers": accord_broker.bootstrap_servers}
    producer = Producer(conf)
    producer.produce(accord_topic, b"hello")
    assert producer.flush(10) == 0
    consumer = Consumer({**conf, "group.id": "t", "auto.offset.reset": "earliest"})
    meta = consumer.list_topics(timeout=10).topics
    assert len(meta[users].partitions) == 2
    assert len(meta[accord_topic].partitions) == 3
    consumer.close()

def test_registry(accord_registry):
    import httpx
    assert httpx.get(accord_registry.url + "/subjects").json() == []
"""


def test_plugin_uses_the_cluster_named_in_the_environment(
    pytester: pytest.Pytester, accord_broker: BrokerEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_BOOTSTRAP_SERVERS", accord_broker.bootstrap_servers)
    pytester.makepyfile(test_service=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "broker_and_topics")
    result.assert_outcomes(passed=1)


def test_plugin_starts_its_own_broker_and_registry(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.delenv("ACCORD_REGISTRY_URL", raising=False)
    pytester.makepyfile(test_service=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
