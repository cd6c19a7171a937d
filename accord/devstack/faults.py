"""A private broker behind a TCP proxy, for tests of broker faults: cut the network, pause it,
restart the broker (which comes back empty).

    with BrokerBehindProxy.start(tmp_path) as broker:
        settings = KafkaSettings(broker.bootstrap_servers)
        ...
        broker.cut()        # connections reset, new ones refused
        broker.restore()
        broker.restart()    # same address, no topics, no offsets
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.devstack.broker import Broker, restart_broker, start_broker
from accord.devstack.ports import free_port
from accord.devstack.proxy import TcpProxy


@dataclass
class BrokerBehindProxy:
    broker: Broker
    proxy: TcpProxy

    @classmethod
    def start(cls, log_dir: Path) -> BrokerBehindProxy:
        port = free_port()  # the proxy's: the broker advertises it before the proxy listens
        broker = start_broker(log_dir / "broker.log", advertised_port=port)
        proxy = TcpProxy(broker.host, broker.port, port=port)
        proxy.start()
        return cls(broker=broker, proxy=proxy)

    @property
    def bootstrap_servers(self) -> str:
        """The proxy's address: what clients must use."""
        return f"{self.proxy.host}:{self.proxy.port}"

    def cut(self) -> None:
        self.proxy.cut()

    def pause(self) -> None:
        self.proxy.pause()

    def restore(self) -> None:
        self.proxy.restore()

    def restart(self) -> None:
        """Restart the broker on the same port: it loses topics, data, offsets and producer
        ids, exactly like a restart of the embedded broker in development."""
        self.broker = restart_broker(self.broker)

    def stop(self) -> None:
        self.proxy.close()
        self.broker.stop()

    def __enter__(self) -> BrokerBehindProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
