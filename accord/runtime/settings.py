"""Where the runtime connects: bootstrap servers, registry URL and extra client settings.

Resolution order for each address: the value passed in code, then the environment
(``ACCORD_BOOTSTRAP_SERVERS``, ``ACCORD_REGISTRY_URL``), then the dev stack started by
``accord dev up`` in the working directory (``.accord/dev/state.json``), then the usual local
defaults. Any other librdkafka setting (security, SASL...) comes from ``ACCORD_KAFKA_*``
variables: ``ACCORD_KAFKA_SECURITY_PROTOCOL=SASL_SSL`` sets ``security.protocol``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

ENV_BOOTSTRAP = "ACCORD_BOOTSTRAP_SERVERS"
ENV_REGISTRY = "ACCORD_REGISTRY_URL"
ENV_KAFKA_PREFIX = "ACCORD_KAFKA_"
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
DEFAULT_REGISTRY = "http://127.0.0.1:8081"

# librdkafka's own log lines (connection refused, broker down...) go to this logger instead of
# straight to stderr: silent by default, visible once the service configures logging.
KAFKA_LOG = logging.getLogger("accord.runtime.kafka")
KAFKA_LOG.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class KafkaSettings:
    """Connection settings shared by every Kafka client the runtime builds."""

    bootstrap_servers: str
    registry_url: str = DEFAULT_REGISTRY
    client: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def resolve(
        cls,
        bootstrap_servers: str | None = None,
        registry_url: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        state_dir: Path | None = None,
    ) -> KafkaSettings:
        """Settings from arguments, the environment and a running dev stack (in that order)."""
        env = os.environ if environ is None else environ
        dev = _dev_addresses(state_dir)
        return cls(
            bootstrap_servers=bootstrap_servers
            or env.get(ENV_BOOTSTRAP)
            or dev.get("broker")
            or DEFAULT_BOOTSTRAP,
            registry_url=registry_url
            or env.get(ENV_REGISTRY)
            or dev.get("registry")
            or DEFAULT_REGISTRY,
            client=MappingProxyType(_client_settings(env)),
        )

    def config(self, *layers: Mapping[str, Any] | None) -> dict[str, Any]:
        """A librdkafka config: bootstrap servers, the ``ACCORD_KAFKA_*`` settings, then each
        layer in turn (later layers win)."""
        conf: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "logger": KAFKA_LOG,
            **self.client,
        }
        for layer in layers:
            conf.update(layer or {})
        return conf


def _client_settings(env: Mapping[str, str]) -> dict[str, str]:
    return {
        key[len(ENV_KAFKA_PREFIX) :].lower().replace("_", "."): value
        for key, value in sorted(env.items())
        if key.startswith(ENV_KAFKA_PREFIX) and len(key) > len(ENV_KAFKA_PREFIX)
    }


def _dev_addresses(state_dir: Path | None) -> dict[str, str]:
    from accord.devstack.state import DEFAULT_STATE_DIR, read_state
    from accord.errors import InputError

    try:
        state = read_state(state_dir or DEFAULT_STATE_DIR)
    except InputError:
        return {}
    if state is None:
        return {}
    return {part.name: part.address for part in state.parts}
