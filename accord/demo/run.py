"""Orchestration of ``accord demo``: stack -> schemas -> services -> scenario -> verdict."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from accord.contracts.model import Contracts
from accord.demo import processes
from accord.demo.checks import Check, run_checks
from accord.demo.scenario import PLAN, Ids, Scenario
from accord.demo.trace import Row, TraceReader
from accord.devstack import stack
from accord.devstack.ports import wait_until
from accord.errors import RuntimeFailure, UsageError
from accord.registry.client import RegistryClient
from accord.registry.push import push
from accord.runtime import Database

HOLD_SECONDS = 4  # how long the order service holds an order whose user is unknown
SETTLE_TIMEOUT = 90.0


@dataclass
class DemoResult:
    work: Path
    kept: bool
    seconds: float = 0.0
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "consistent": self.consistent,
            "seconds": round(self.seconds, 2),
            "kept": self.kept,
            "work_dir": str(self.work),
            "urls": self.urls,
            "checks": [c.to_dict() for c in self.checks],
            "orders": self.orders,
            "timeline": [r.to_dict() for r in sorted(self.rows, key=_order_key)],
        }


def _order_key(row: Row) -> tuple[int, str, int, int]:
    return (row.time_ms, row.topic, row.partition, row.offset)


@dataclass
class Hooks:
    """How the run reports itself: phases, scenario steps and timeline rows as they come."""

    phase: Callable[[str], None] = lambda _msg: None
    step: Callable[[str], None] = lambda _msg: None
    row: Callable[[Row], None] = lambda _row: None


def work_dir(root: Path, keep: bool) -> Path:
    """A fresh folder for databases and logs: ``.accord/demo`` with ``--keep``, else a
    temporary one (removed at the end)."""
    if not keep:
        return Path(tempfile.mkdtemp(prefix="accord-demo-"))
    path = root / ".accord" / "demo"
    if processes.any_running(path / "services.json") or stack.status(path / "stack").parts:
        raise UsageError.at(
            f"a demo kept with --keep is still running (its files are in {path})",
            fix="stop it with `accord demo --down`, then run the demo again",
        )
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def stop_kept(root: Path) -> list[str]:
    """Stop what ``accord demo --keep`` left running."""
    work = root / ".accord" / "demo"
    stopped = processes.stop_pids(work / "services.json")
    if stack.down(work / "stack") is not None:
        stopped.append("broker + registry")
    return stopped


def run_demo(
    contracts: Contracts,
    *,
    keep: bool = False,
    hooks: Hooks | None = None,
    database: Callable[[str], str] | None = None,
) -> DemoResult:
    """Run the whole demo. ``database`` maps a service name to its database URL (default: a
    SQLite file per service in the work folder)."""
    hooks = hooks or Hooks()
    root = processes.services_root(contracts.root)
    work = work_dir(root, keep)
    started = time.monotonic()
    result = DemoResult(work=work, kept=keep)
    services: dict[str, processes.RunningService] = {}
    dbs: dict[str, Database] = {}
    trace: TraceReader | None = None
    state = None
    try:
        hooks.phase("starting the dev stack (Tansu broker + schema registry)")
        state, _ = stack.up(work / "stack", progress=hooks.phase)
        bootstrap = state.broker.address
        assert state.registry is not None
        registry = state.registry.address
        result.urls = {"broker": bootstrap, "registry": registry}

        hooks.phase(f"pushing {len(contracts.events)} schemas to the registry")
        with RegistryClient(registry) as registry_client:
            report = push(contracts, registry_client)
        hooks.phase(f"registered {len(report.steps)} subjects")

        hooks.phase("starting the user, order and inventory services")
        env = {
            "ACCORD_BOOTSTRAP_SERVERS": bootstrap,
            "ACCORD_REGISTRY_URL": registry,
            "ORDER_USER_WAIT_S": str(HOLD_SECONDS),
        }
        services = processes.start_services(root, work, env, database or processes.sqlite_in(work))
        dbs = processes.open_databases(services)
        processes.wait_ready(services)
        result.urls.update({n: s.url for n, s in services.items()})
        if keep:
            processes.write_pids(work / "services.json", services)

        ids = Ids()
        trace = TraceReader(contracts, bootstrap, registry, ids, hooks.row).start()
        http = {n: httpx.Client(base_url=s.url, timeout=15) for n, s in services.items()}
        waiter = _copy_waiter(dbs["order"])
        scenario = Scenario(http, say=hooks.step, wait_copy=waiter, ids=ids)
        hooks.phase("driving the scenario")
        plans = scenario.run()

        hooks.phase("waiting for every order to settle")
        _wait_settled(http["order"], len(plans))
        _wait_quiet(services, trace, bootstrap, contracts.topics)
        result.orders = http["order"].get("/orders", params={"limit": 1000}).json()
        for http_client in http.values():
            http_client.close()

        trace.flush()
        hooks.phase("checking the three databases")
        result.rows = list(trace.rows)
        result.checks = run_checks(
            dbs,
            plans,
            scenario.ids,
            result.rows,
            processes.status(services),
        )
    finally:
        if trace is not None:
            trace.stop()
            result.rows = list(trace.rows)
        for db in dbs.values():
            db.close()
        if not keep:
            processes.stop_services(services)
            if state is not None:
                stack.down(work / "stack")
            shutil.rmtree(work, ignore_errors=True)
        result.seconds = time.monotonic() - started
    return result


def _copy_waiter(order_db: Database) -> Callable[[str, int, str], None]:
    def wait(user_id: str, version: int, status: str) -> None:
        try:
            wait_until(
                lambda: (processes.user_copy(order_db, user_id) or (0, ""))[0] >= version,
                timeout=30,
                interval=0.05,
                what=f"the order service to learn version {version} of user {user_id}",
            )
        except TimeoutError as exc:
            raise RuntimeFailure(str(exc)) from None

    return wait


def _wait_settled(order: httpx.Client, expected: int) -> None:
    def settled() -> bool:
        counts = order.get("/orders-summary").json()
        done = counts.get("CONFIRMED", 0) + counts.get("REJECTED", 0)
        return bool(done == expected == sum(counts.values()))

    try:
        wait_until(settled, timeout=SETTLE_TIMEOUT, interval=0.1, what="every order to settle")
    except TimeoutError as exc:
        raise RuntimeFailure(str(exc), hint="see the services' logs in the work folder") from None


def _wait_quiet(
    services: dict[str, processes.RunningService],
    trace: TraceReader,
    bootstrap: str,
    topics: list[str],
) -> None:
    """Until no service has work left (outbox empty, no lag) and the trace has read it all."""

    def quiet() -> bool:
        statuses = processes.status(services)
        return all(
            s.get("outbox_pending") == 0 and (s.get("lag") or {}).get("total", 0) == 0
            for s in statuses.values()
        )

    wait_until(quiet, timeout=30, interval=0.1, what="the services to finish their work")
    end = _end_offsets(bootstrap, topics)
    wait_until(
        lambda: trace.count() >= end, timeout=30, interval=0.05, what="the trace to catch up"
    )


def _end_offsets(bootstrap: str, topics: list[str]) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "accord-demo-offsets"})
    try:
        metadata = consumer.list_topics(timeout=10)
        total = 0
        for topic in topics:
            if topic not in metadata.topics:
                continue
            for p in metadata.topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                total += high - low
        return total
    finally:
        consumer.close()


__all__ = ["PLAN", "DemoResult", "Hooks", "run_demo", "stop_kept"]
