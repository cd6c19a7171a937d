"""Benchmark: the registry's hot paths against its own framework floor, in one run.

Registry servers (``python -m accord registry serve``: uvicorn + FastAPI + accord's
middleware and store) run in their own processes; a small asyncio HTTP/1.1 load generator
with keep-alive connections (cheap enough not to be the bottleneck) drives them at a fixed
concurrency and records every request's latency and the server process's CPU time.
Measured:

- floor: ``GET /`` (an empty JSON answer through the same stack: uvicorn's HTTP parsing,
  the middleware, routing, the response), the anchor;
- lookup: ``GET /schemas/ids/{id}`` for uniformly random ids, on one server holding 100
  schemas and one holding 100,000 (the deserializers' hot path: one call per unseen id);
- register: ``POST /subjects/{subject}/versions`` of new schemas (parse, validate,
  canonicalise, allocate an id, write), into new subjects and as new versions of one subject
  (which adds a BACKWARD compatibility check against the latest version).

The floor and the lookups on both servers are measured in alternating turns, so noise from
the machine (the cores are shared) hits them alike. Two ratios are reported: by wall-clock
throughput, and by the server's CPU time per request (what one core can serve; robust to
other processes). Goals: lookups >= 0.6x the floor; lookup latency flat from 100 to 100,000
stored schemas. Prints the ratios and writes ``bench/results/registry.md``.

    .venv/bin/python bench/registry.py [--seconds 5] [--rounds 5] [--concurrency 16]
        [--schemas 100000] [--store sqlite|postgresql://USER@HOST/DB] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

GOAL_LOOKUP = 0.6
RESULTS = Path(__file__).resolve().parent / "results" / "registry.md"
CT = "application/vnd.schemaregistry.v1+json"
TICKS = os.sysconf("SC_CLK_TCK")

Maker = Callable[[int], bytes]


@dataclass(frozen=True)
class Result:
    """One workload: requests and wall time of its median turn, latencies of every turn,
    and the server's CPU seconds over all its turns with their request count."""

    name: str
    requests: int
    seconds: float
    latencies_ms: tuple[float, ...]
    cpu_seconds: float
    cpu_requests: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float:
        """Server CPU time per request (all its threads), in microseconds."""
        return self.cpu_seconds / max(self.cpu_requests, 1) * 1e6

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# --- load generator -----------------------------------------------------------------------


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n"
    if body:
        head += f"Content-Type: {CT}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def _drive(
    url: str, make: Maker, seconds: float, concurrency: int
) -> tuple[int, float, list[float]]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                raw = make(next(counter))
                start = time.perf_counter()
                status = await _exchange(reader, writer, raw)
                latencies.append((time.perf_counter() - start) * 1000)
                errors += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{errors} requests failed")
    return len(latencies), elapsed, latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


@dataclass(frozen=True)
class Workload:
    name: str
    server: Server
    make: Maker


def _show(result: Result) -> None:
    print(
        f"  {result.name:<40} {result.throughput:7.0f} req/s  p50 {result.percentile(50):6.2f} ms"
        f"  p99 {result.percentile(99):6.2f} ms  server CPU {result.cpu_us:5.0f} us/req",
        flush=True,
    )


def interleaved(
    workloads: list[Workload], seconds: float, concurrency: int, rounds: int
) -> list[Result]:
    """Each workload in ``rounds`` short turns, alternating; the throughput is the median
    turn's, latencies and CPU time are pooled over the turns."""
    for w in workloads:
        asyncio.run(_drive(w.server.url, w.make, 0.5, concurrency))  # warm up
    turns: dict[str, list[tuple[int, float, list[float], float]]] = {w.name: [] for w in workloads}
    for _ in range(rounds):
        for w in workloads:
            before = cpu_seconds(w.server.proc.pid)
            count, elapsed, latencies = asyncio.run(
                _drive(w.server.url, w.make, seconds / rounds, concurrency)
            )
            turns[w.name].append(
                (count, elapsed, latencies, cpu_seconds(w.server.proc.pid) - before)
            )
    out = []
    for w in workloads:
        mine = turns[w.name]
        count, elapsed, _, _ = sorted(mine, key=lambda t: t[0] / t[1])[len(mine) // 2]
        result = Result(
            name=w.name,
            requests=count,
            seconds=elapsed,
            latencies_ms=tuple(x for t in mine for x in t[2]),
            cpu_seconds=sum(t[3] for t in mine),
            cpu_requests=sum(t[0] for t in mine),
        )
        _show(result)
        out.append(result)
    return out


# --- the servers and their data -----------------------------------------------------------


def record(i: int, extra: str | None = None) -> str:
    fields: list[dict[str, object]] = [
        {"name": f"field_{j}", "type": ["null", "string"], "default": None, "doc": "x"}
        for j in range(6)
    ]
    if extra:
        fields.append({"name": extra, "type": ["null", "long"], "default": None})
    return json.dumps(
        {
            "type": "record",
            "name": f"Event{i}",
            "namespace": "bench.events",
            "doc": "A generated event for the registry benchmark.",
            "fields": fields,
        }
    )


def populate(store_url: str, count: int) -> None:
    """Store ``count`` schemas (one subject each) through the store, in one transaction."""
    from accord.registry.model import SchemaType
    from accord.registry.schemas import prepare
    from accord.registry.store import open_store

    store = open_store(store_url)
    try:
        with store.write(None) as tx:
            for i in range(count):
                new, _ = prepare(SchemaType.AVRO, record(i), (), (), normalize=False)
                tx.add_version(f"stored-{i}-value", 1, tx.add_schema(new))
    finally:
        store.close()


def start(store_url: str) -> Server:
    proc = subprocess.Popen(
        [sys.executable, "-m", "accord", "registry", "serve", "--port", "0", "--store", store_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise RuntimeError(f"the registry did not start: {line!r}")
    return Server(proc, line.split("listening on ", 1)[1].split()[0])


def _database(base: str, name: str) -> str:
    """The URL of database ``name`` on the PostgreSQL server of ``base``."""
    return base.rsplit("/", 1)[0] + f"/{name}"


def fresh_store(base: str, folder: Path, name: str) -> str:
    if base == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    import psycopg

    db = f"accord_bench_{name}_{os.getpid()}"
    with psycopg.connect(_database(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    return _database(base, db)


def reachable(base: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_database(base, "postgres"), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def drop_store(base: str, store_url: str) -> None:
    if base != "sqlite":
        import psycopg

        with psycopg.connect(_database(base, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{store_url.rsplit("/", 1)[1]}" WITH (FORCE)')


def floor(_n: int) -> bytes:
    return _request("GET", "/")


def lookups(count: int) -> Maker:
    rng = random.Random(7)
    raws = [_request("GET", f"/schemas/ids/{rng.randint(1, count)}") for _ in range(200_000)]
    return lambda n: raws[n % len(raws)]


def registrations(prefix: str, *, one_subject: bool) -> Maker:
    def make(n: int) -> bytes:
        if one_subject:  # each version adds an optional field: BACKWARD-compatible
            subject, schema = f"{prefix}-value", record(0, extra=f"extra_{n}")
        else:
            subject, schema = f"{prefix}-{n}-value", record(10**6 + n)
        body = json.dumps({"schema": schema}).encode()
        return _request("POST", f"/subjects/{subject}/versions", body)

    return make


def run(args: argparse.Namespace, base: str) -> list[Result]:
    sizes = (100, args.schemas)
    with tempfile.TemporaryDirectory() as tmp:
        stores = [fresh_store(base, Path(tmp), f"s{count}") for count in sizes]
        servers: list[Server] = []
        try:
            for count, store_url in zip(sizes, stores, strict=True):
                t0 = time.perf_counter()
                populate(store_url, count)
                print(f"stored {count:,} schemas in {time.perf_counter() - t0:.1f} s", flush=True)
                servers.append(start(store_url))
            workloads = []
            for count, server in zip(sizes, servers, strict=True):
                workloads.append(Workload(f"floor GET / ({count:,} stored)", server, floor))
                workloads.append(
                    Workload(f"GET /schemas/ids/{{id}} ({count:,} stored)", server, lookups(count))
                )
            results = interleaved(workloads, args.seconds, args.concurrency, args.rounds)
            for name, make in (
                ("register, new subjects", registrations("fresh", one_subject=False)),
                ("register, versions of one subject", registrations("grow", one_subject=True)),
            ):
                work = [Workload(name, servers[-1], make)]
                results += interleaved(work, args.seconds, args.concurrency, 1)
        finally:
            for server in servers:
                server.stop()
            for store_url in stores:
                drop_store(base, store_url)
    return results


# --- report -------------------------------------------------------------------------------

READING_SQLITE = (
    "Reading: a lookup by id is one primary-key read of an immutable row (on the event loop:"
    " a local SQLite read takes microseconds, less than a hop to a worker thread) and a small"
    " JSON body, so it costs little more than the floor, whose cost is uvicorn's HTTP parsing"
    " and Starlette's routing; the cost does not grow with the number of stored schemas"
    " because the read is a B-tree primary-key lookup through a memory-mapped file."
    " Registrations cost more: they parse, validate and canonicalise the schema and write it,"
    " one writer at a time (SQLite has one write lock per file); a new version of an existing"
    " subject also runs the compatibility check against the latest version. Throughput"
    " numbers move with the load of the shared machine; the CPU-per-request ratios are the"
    " stable ones."
)
READING_POSTGRES = (
    "Reading: with PostgreSQL a replica remembers schemas it read by id for 5 seconds (an id"
    " names one schema forever; a permanent delete made through another replica shows here"
    " within those seconds, as Confluent's replicas lag behind their schemas topic), so a"
    " lookup of an id read recently costs about what SQLite's does; a miss is a round trip to"
    " the database from a worker thread. The load generator asks for ids uniformly at random:"
    " with 100 stored schemas nearly every lookup hits the cache, with 100,000 nearly every"
    " lookup misses (a consumer fleet asks for the few ids its topics carry, which is the"
    " first case), and a miss costs the thread hop, the driver and the database server on the"
    " same two cores, several times the floor's empty answer. Registrations take a"
    " transaction-scoped advisory lock on the subject, so writers of different subjects"
    " proceed in parallel across replicas."
)


def report(results: list[Result], args: argparse.Namespace, base: str) -> str:
    by = {r.name: r for r in results}
    small, large = "100", f"{args.schemas:,}"
    floor_s, floor_l = by[f"floor GET / ({small} stored)"], by[f"floor GET / ({large} stored)"]
    look_s = by[f"GET /schemas/ids/{{id}} ({small} stored)"]
    look_l = by[f"GET /schemas/ids/{{id}} ({large} stored)"]
    wall = (look_s.throughput / floor_s.throughput, look_l.throughput / floor_l.throughput)
    cpu = (floor_s.cpu_us / look_s.cpu_us, floor_l.cpu_us / look_l.cpu_us)
    flat_p50 = look_l.percentile(50) / look_s.percentile(50)
    flat_cpu = look_l.cpu_us / look_s.cpu_us
    met = "met" if min(cpu) >= GOAL_LOOKUP else "NOT met"
    rows = [
        "| Measurement | Throughput (req/s) | p50 (ms) | p99 (ms) | Server CPU per request |"
        " vs floor (throughput) | vs floor (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        anchor = floor_s if f"({small} stored)" in r.name else floor_l
        rows.append(
            f"| {r.name} | {r.throughput:,.0f} | {r.percentile(50):.2f} | {r.percentile(99):.2f}"
            f" | {r.cpu_us:,.0f} µs | {r.throughput / anchor.throughput:.2f}x"
            f" | {anchor.cpu_us / r.cpu_us:.2f}x |"
        )
    store = "SQLite (WAL, one file)" if base == "sqlite" else "PostgreSQL 15 (same machine)"
    return "\n".join(
        [
            f"## {store}",
            "",
            f"`bench/registry.py` on {store}: two `accord registry serve` processes (one holding"
            f" 100 schemas, one {large}), driven by an asyncio HTTP/1.1 load generator with"
            f" {args.concurrency} keep-alive connections. The floor (`GET /` through the same"
            " stack) and the lookups of random ids on both servers are measured in"
            f" {args.rounds} alternating turns of {args.seconds / args.rounds:g} s each"
            " (throughput: the median turn; latencies and server CPU: all turns). Registrations"
            f' run {args.seconds:g} s each on the larger server afterwards. "vs floor (CPU)"'
            " compares the server's CPU time per request, what one dedicated core would serve.",
            "",
            *rows,
            "",
            f"- **Lookups vs the floor: {cpu[0]:.2f}x ({small} stored) and {cpu[1]:.2f}x"
            f" ({large} stored) by server CPU per request; {wall[0]:.2f}x and {wall[1]:.2f}x by"
            f" wall-clock throughput.** Goal >= {GOAL_LOOKUP}x: {met}.",
            f"- **Flatness, {large} vs {small} stored: lookup p50 {flat_p50:.2f}x, server CPU per"
            f" lookup {flat_cpu:.2f}x** (goal: about 1.0).",
            "",
            READING_SQLITE if base == "sqlite" else READING_POSTGRES,
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores shared by the servers, the"
            f" load generator and other work; Python {platform.python_version()},"
            f" {platform.system()}. Date: {date.today().isoformat()}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per workload")
    parser.add_argument("--rounds", type=int, default=10, help="alternating turns per workload")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--schemas", type=int, default=100_000)
    parser.add_argument(
        "--store",
        action="append",
        help="sqlite (default), or a PostgreSQL URL; repeat to measure both",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args()
    sections = []
    for base in args.store or ["sqlite"]:
        if base != "sqlite" and not reachable(base):
            print(f"skipping {base}: no PostgreSQL server answers there", file=sys.stderr)
            continue
        sections.append(report(run(args, base), args, base))
    text = "\n".join(["# Registry benchmark", "", *sections])
    print()
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
