"""Benchmark: events/s through accord's runtime vs raw confluent-kafka, same broker, same run.

What a deployment does: the producing service and the consuming service are different
processes. So each measurement starts two fresh processes (``multiprocessing``, spawn start
method), a producer side and a consumer side, on one Tansu broker and one accord registry
server (both started here; ``ACCORD_BOOTSTRAP_SERVERS`` / ``ACCORD_REGISTRY_URL`` to use others).
``--events`` ``UserUpdated`` events (the generated reference class, Avro) go through a fresh
3-partition topic per measurement. Three paths, interleaved, best of ``--repeat``:

- anchor: the producer process sends the bytes accord would send (value, key and headers
  built with accord before the clock starts) with a raw confluent-kafka ``Producer``
  (idempotent, acks=all); the consumer process counts them with a raw ``Consumer`` assigned to
  every partition;
- accord: ``KafkaPublisher.publish(event)`` (encode, key, headers, idempotent producer) in the
  producer process; an ``EventConsumer`` (decode, one SQLite transaction per batch with the inbox
  record of every event, a handler writing one row per event, offsets committed after the
  transaction) in the consumer process;
- accord with the outbox: the producer process writes the events into its SQLite outbox (100 per
  transaction) and runs the relay; the same consumer.

Before the clock starts, both processes are up, the consumer has its partitions and one warm-up
event has gone end to end (joins, producer ids, schema lookups and fetch positions take seconds
on Tansu and say nothing about throughput). Then both get "go": the producer notes the time of
its first produce, the consumer the time it handled the last event (``time.monotonic``, one
machine-wide clock on Linux), and each its own CPU time; the rate is events over the gap between
the two. Goal: accord at least 0.5x the raw rate. Writes ``bench/results/runtime.md``.

    .venv/bin/python bench/runtime.py [--events 50000] [--repeat 3] [--profile DIR]

``--profile DIR`` writes a cProfile of each side's working thread per run into DIR (read with
``python -m pstats``); it slows the paths it profiles, so its rates are not the results.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition  # noqa: E402

from accord.devstack.broker import start_broker  # noqa: E402
from accord.devstack.ports import wait_until  # noqa: E402
from accord.devstack.registry import start_registry  # noqa: E402
from accord.runtime import (  # noqa: E402
    EventConsumer,
    KafkaPublisher,
    KafkaSettings,
    Metadata,
    OutboxPublisher,
    OutboxRelay,
    current,
    ensure_topics,
)
from accord.runtime.db import SqliteDatabase  # noqa: E402
from accord.runtime.headers import to_kafka  # noqa: E402
from accord.runtime.metrics import Counter, Metrics  # noqa: E402
from accord.runtime.records import build_record  # noqa: E402
from accord.runtime.serde import Serde  # noqa: E402
from services.user.contracts import UserStatus, UserUpdated  # noqa: E402

GOAL = 0.5
RESULTS = ROOT / "bench" / "results" / "runtime.md"
GROUP = {"session.timeout.ms": 3000, "heartbeat.interval.ms": 500}
PATHS = ("raw", "accord", "outbox")
SIDE_TIMEOUT_S = 300.0


def make_events(n: int, seed: int = 7) -> list[UserUpdated]:
    rng = random.Random(seed)

    def new_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    users = [new_uuid() for _ in range(500)]
    now = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC)
    return [
        UserUpdated(
            event_id=new_uuid(),
            occurred_at=now,
            user_id=users[i % len(users)],
            version=i,
            email=f"user{i}@example.com",
            full_name="Ada Lovelace",
            status=UserStatus.ACTIVE,
            country="GB",
            changed_fields=("email",),
        )
        for i in range(n)
    ]


def bound_class(topic: str) -> type[UserUpdated]:
    """``UserUpdated`` published on ``topic`` (one fresh topic per measurement)."""
    return type(topic, (UserUpdated,), {"TOPIC": topic, "__slots__": ()})


def bound(events: list[UserUpdated], topic: str) -> list[Any]:
    cls = bound_class(topic)
    return [cls(**{f.name: getattr(e, f.name) for f in dataclasses.fields(e)}) for e in events]


@dataclasses.dataclass(frozen=True)
class Job:
    """One measurement, as both processes see it."""

    path: str  # "raw" | "accord" | "outbox"
    topic: str
    events: int
    bootstrap: str
    registry: str
    folder: str
    profile: str | None  # a folder for cProfile dumps, or None

    @property
    def settings(self) -> KafkaSettings:
        return KafkaSettings(self.bootstrap, self.registry)

    def profile_file(self, side: str) -> Path | None:
        if self.profile is None:
            return None
        return Path(self.profile) / f"{self.topic}.{self.path}.{side}.prof"


@dataclasses.dataclass(frozen=True)
class SideReport:
    at: float  # producer: its first timed produce; consumer: the last event handled
    cpu_s: float  # this process's CPU time (every thread, librdkafka's too) after "go"


@dataclasses.dataclass(frozen=True)
class Timing:
    wall_s: float  # first produce (producer process) -> last event handled (consumer process)
    producer_cpu_s: float
    consumer_cpu_s: float

    @property
    def cpu_s(self) -> float:
        return self.producer_cpu_s + self.consumer_cpu_s


@contextmanager
def profiled(path: Path | None) -> Iterator[None]:
    """cProfile of the calling thread into ``path`` (nothing when None)."""
    if path is None:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)


def in_profiled_thread(target: Callable[[], None], path: Path | None) -> threading.Thread:
    def run() -> None:
        with profiled(path):
            target()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# -- the consumer process ----------------------------------------------------------------------


class RawConsumerSide:
    def __init__(self, job: Job) -> None:
        self.job = job
        config = {"group.id": f"raw-{job.topic}", "enable.auto.commit": False}
        self.consumer = Consumer(job.settings.config(config))
        self.consumer.assign([TopicPartition(job.topic, p, OFFSET_BEGINNING) for p in range(3)])
        self.got = 0

    def wait_handled(self, n: int) -> None:
        consumer, got = self.consumer, self.got
        deadline = time.monotonic() + SIDE_TIMEOUT_S
        with profiled(self.job.profile_file("consumer") if n > 1 else None):
            while got < n:
                got += sum(1 for m in consumer.consume(500, 0.1) if m.error() is None)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{got} of {n} events consumed")
        self.got = got

    def close(self) -> None:
        self.consumer.close()


class AccordConsumerSide:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.db = SqliteDatabase(Path(job.folder) / f"{job.topic}.{job.path}.consumer.db")
        self.db.install(["CREATE TABLE IF NOT EXISTS users (id TEXT, email TEXT, version INTEGER)"])

        def on_updated(event: Any, _meta: Metadata) -> None:
            current().tx.execute(
                "INSERT INTO users (id, email, version) VALUES (?, ?, ?)",
                (str(event.user_id), event.email, event.version),
            )

        self.metrics = Metrics()
        self.consumer = EventConsumer(
            group_id=f"g-{job.topic}",
            handlers={bound_class(job.topic): on_updated},
            codec=Serde(job.registry),
            db=self.db,
            settings=job.settings,
            config=GROUP,
            metrics=self.metrics,
            batch_size=1000,
        )
        self.stop = threading.Event()
        self.thread = in_profiled_thread(
            lambda: self.consumer.run(self.stop), job.profile_file("consumer")
        )
        wait_until(self.consumer.assigned.is_set, timeout=60, what="the consumer's assignment")

    def wait_handled(self, n: int) -> None:
        def done() -> bool:
            return self.metrics.snapshot()[Counter.PROCESSED] >= n

        wait_until(done, timeout=SIDE_TIMEOUT_S, interval=0.002, what=f"{n} events handled")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        self.db.close()


def consumer_side(job: Job, conn: Connection) -> None:
    side = RawConsumerSide(job) if job.path == "raw" else AccordConsumerSide(job)
    conn.send("ready")
    side.wait_handled(1)  # the warm-up event
    conn.send("warm")
    if conn.recv() != "go":
        return
    cpu = time.process_time()
    side.wait_handled(job.events)
    conn.send(SideReport(time.monotonic(), time.process_time() - cpu))
    side.close()


# -- the producer process ----------------------------------------------------------------------


class RawProducerSide:
    def __init__(self, job: Job) -> None:
        self.job = job
        serde = Serde(job.registry, auto_register=True)
        self.records = [
            (r.key, r.value, to_kafka(r.headers))
            for r in (build_record(e, serde) for e in bound(make_events(job.events), job.topic))
        ]
        config = {"enable.idempotence": True, "acks": "all", "linger.ms": 5}
        self.producer = Producer(job.settings.config(config))

    def warm(self) -> None:
        key, value, headers = self.records[0]
        self.producer.produce(self.job.topic, value=value, key=key, headers=headers)
        self.producer.flush(30)

    def produce_rest(self) -> None:
        producer, topic = self.producer, self.job.topic
        with profiled(self.job.profile_file("producer")):
            for key, value, headers in self.records[1:]:
                while True:
                    try:
                        producer.produce(topic, value=value, key=key, headers=headers)
                        break
                    except BufferError:
                        producer.poll(0.01)
                producer.poll(0)
            producer.flush(60)

    def close(self) -> None:
        self.producer.flush(5)


class AccordProducerSide:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.events = bound(make_events(job.events), job.topic)
        self.publisher = KafkaPublisher(Serde(job.registry, auto_register=True), job.settings)

    def warm(self) -> None:
        self.publisher.publish(self.events[0])
        self.publisher.flush(30)

    def produce_rest(self) -> None:
        publish = self.publisher.publish
        with profiled(self.job.profile_file("producer")):
            for event in self.events[1:]:
                publish(event)
            self.publisher.flush(60)

    def close(self) -> None:
        self.publisher.close(5)


class OutboxProducerSide:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.events = bound(make_events(job.events), job.topic)
        self.serde = Serde(job.registry, auto_register=True)
        self.db = SqliteDatabase(Path(job.folder) / f"{job.topic}.outbox.db")
        self.metrics = Metrics()
        self.relay = OutboxRelay(self.db, job.settings, metrics=self.metrics)
        self.stop = threading.Event()
        self.thread = in_profiled_thread(
            lambda: self.relay.run(self.stop), job.profile_file("relay")
        )

    def write(self, batch: list[Any]) -> None:
        with self.db.transaction() as tx:
            publisher = OutboxPublisher(tx, self.serde, on_commit=self.relay.wake)
            for event in batch:
                publisher.publish(event)

    def relayed(self, n: int) -> None:
        def done() -> bool:
            return self.metrics.snapshot()[Counter.RELAYED] >= n

        wait_until(done, timeout=SIDE_TIMEOUT_S, interval=0.002, what=f"{n} events relayed")

    def warm(self) -> None:
        self.write(self.events[:1])
        self.relayed(1)

    def produce_rest(self) -> None:
        with profiled(self.job.profile_file("producer")):
            for i in range(1, len(self.events), 100):
                self.write(self.events[i : i + 100])
        self.relayed(len(self.events))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        self.db.close()


class ProducerSide(Protocol):
    def warm(self) -> None: ...
    def produce_rest(self) -> None: ...
    def close(self) -> None: ...


PRODUCER_SIDES: dict[str, Callable[[Job], ProducerSide]] = {
    "raw": RawProducerSide,
    "accord": AccordProducerSide,
    "outbox": OutboxProducerSide,
}


def producer_side(job: Job, conn: Connection) -> None:
    side = PRODUCER_SIDES[job.path](job)
    side.warm()
    conn.send("ready")
    if conn.recv() != "go":
        return
    start, cpu = time.monotonic(), time.process_time()
    side.produce_rest()
    conn.send(SideReport(start, time.process_time() - cpu))
    side.close()


# -- one measurement ---------------------------------------------------------------------------


class Side:
    """A child process and the pipe to it."""

    def __init__(self, name: str, target: Callable[[Job, Connection], None], job: Job) -> None:
        self.name = name
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        self.conn = ours
        self.proc = multiprocessing.get_context("spawn").Process(
            target=target, args=(job, theirs), name=f"bench-{job.path}-{name}", daemon=True
        )
        self.proc.start()

    def expect(self, what: type | str) -> Any:
        deadline = time.monotonic() + SIDE_TIMEOUT_S
        while not self.conn.poll(0.1):
            if not self.proc.is_alive():
                raise RuntimeError(f"the {self.name} process exited ({self.proc.exitcode})")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {self.name} process never sent {what}")
        got = self.conn.recv()
        if (isinstance(what, str) and got != what) or (
            isinstance(what, type) and not isinstance(got, what)
        ):
            raise RuntimeError(f"the {self.name} process sent {got!r}, expected {what}")
        return got

    def finish(self) -> None:
        self.proc.join(60)
        if self.proc.is_alive():
            self.proc.kill()


def measure_one(job: Job) -> Timing:
    consumer = Side("consumer", consumer_side, job)
    producer = Side("producer", producer_side, job)
    try:
        consumer.expect("ready")
        producer.expect("ready")  # the warm-up event is acknowledged
        consumer.expect("warm")  # ... and handled
        consumer.conn.send("go")
        producer.conn.send("go")
        sent: SideReport = producer.expect(SideReport)
        handled: SideReport = consumer.expect(SideReport)
    finally:
        consumer.finish()
        producer.finish()
    return Timing(handled.at - sent.at, sent.cpu_s, handled.cpu_s)


# -- the whole run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write cProfile dumps of each side here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-bench-runtime-") as tmp:
        folder = Path(tmp)
        bootstrap = os.environ.get("ACCORD_BOOTSTRAP_SERVERS")
        registry_url = os.environ.get("ACCORD_REGISTRY_URL")
        broker = None if bootstrap else start_broker(folder / "broker.log")
        registry = (
            None
            if registry_url
            else start_registry(folder / "registry.log", f"sqlite:///{folder / 'registry.db'}")
        )
        try:
            settings = KafkaSettings(
                bootstrap or (broker.bootstrap_servers if broker else ""),
                registry_url or (registry.url if registry else ""),
            )
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
            return measure(settings, folder, args.events, args.repeat, args.profile)
        finally:
            if registry is not None:
                registry.stop()
            if broker is not None:
                broker.stop(timeout=1)


def measure(
    settings: KafkaSettings, folder: Path, n: int, repeat: int, profile: Path | None
) -> int:
    runs: dict[str, list[Timing]] = {path: [] for path in PATHS}
    timed = n - 1  # the warm-up event is not timed
    for r in range(repeat):
        for path in PATHS:
            topic = f"bench.{r}.{path}.{uuid.uuid4().hex[:6]}"
            ensure_topics(settings, [topic], partitions=3)
            job = Job(
                path,
                topic,
                n,
                settings.bootstrap_servers,
                settings.registry_url,
                str(folder),
                str(profile) if profile else None,
            )
            timing = measure_one(job)
            runs[path].append(timing)
            print(
                f"run {r + 1}/{repeat} {path:>6}: {timed / timing.wall_s:,.0f} events/s,"
                f" CPU per event {timing.producer_cpu_s / timed * 1e6:.1f} us producer"
                f" + {timing.consumer_cpu_s / timed * 1e6:.1f} us consumer",
                flush=True,
            )
    best = {path: min(times, key=lambda t: t.wall_s) for path, times in runs.items()}
    rate = {path: timed / t.wall_s for path, t in best.items()}
    ratio = rate["accord"] / rate["raw"]
    print(
        f"accord / raw = {ratio:.2f}x (goal >= {GOAL}x); outbox / raw ="
        f" {rate['outbox'] / rate['raw']:.2f}x"
    )
    if profile is None:
        write(n, repeat, rate, best, timed, ratio)
    return 0


# -- the results file --------------------------------------------------------------------------


def write(
    n: int, repeat: int, rate: dict[str, float], best: dict[str, Timing], timed: int, ratio: float
) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    raw = rate["raw"]
    rows = [
        ("raw", "anchor: raw confluent-kafka `Producer` -> `Consumer`, the same bytes"),
        ("accord", "accord: `KafkaPublisher` -> `EventConsumer` (inbox + handler in SQLite)"),
        ("outbox", "accord with the outbox: SQLite outbox + relay -> the same consumer"),
    ]

    def us(seconds: float) -> str:
        return f"{seconds / timed * 1e6:.1f} us"

    met = "met" if ratio >= GOAL else "**not met**"
    lines = [
        "# Runtime benchmark",
        "",
        f"`bench/runtime.py`, {date.today().isoformat()}, {machine} ({platform.system()}), a"
        " machine shared with other jobs; one Tansu broker and one accord registry server on"
        f" loopback; {n:,} `UserUpdated` events (Avro, about {_size()} bytes each) per run, 3"
        f" partitions, best of {repeat} interleaved runs.",
        "",
        "How it is measured: the producer side and the consumer side of each path run in two"
        " separate processes (spawned fresh for every run), as two services would. Before the"
        " clock starts the consumer holds its partitions and one warm-up event has gone through."
        " The rate is the events over the time from the producer's first produce to the"
        " consumer's last event handled (for accord: its transaction committed), both read from"
        " `time.monotonic` (one clock for the machine). CPU is each process's own CPU time over"
        " that window (all its threads, librdkafka's included; not the broker's), per event.",
        "",
        "| path | events/s | ratio to raw | CPU per event: producer | consumer |",
        "| --- | ---: | ---: | ---: | ---: |",
        *[
            f"| {label} | {rate[key]:,.0f} | {rate[key] / raw:.2f}x"
            f" | {us(best[key].producer_cpu_s)} | {us(best[key].consumer_cpu_s)} |"
            for key, label in rows
        ],
        "",
        f"Goal: accord's produce -> consume -> handler with the inbox at least {GOAL}x the raw"
        f" rate: {met} ({ratio:.2f}x).",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")


def _size() -> int:
    serde = Serde("mock://accord-bench-size", auto_register=True)
    return len(serde.encode(make_events(1)[0]))


if __name__ == "__main__":
    sys.exit(main())
