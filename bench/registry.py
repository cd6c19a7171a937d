"""Benchmark: the registry's hot paths against its own framework floor, in one run.

A registry server (``python -m accord registry serve``: uvicorn + FastAPI + accord's
middleware and store) runs in its own process; a small asyncio HTTP/1.1 load generator with
keep-alive connections (cheap enough not to be the bottleneck) drives it at a fixed
concurrency and records every request's latency. Measured:

- floor: ``GET /`` (an empty JSON answer through the same stack: middleware, routing, the
  thread pool that runs handlers), the anchor;
- lookup: ``GET /schemas/ids/{id}`` for random ids, with 100 and with 100,000 schemas
  stored (the deserializer's hot path: one call per unseen id);
- register: ``POST /subjects/{subject}/versions`` of new schemas (parse, validate,
  canonicalise, allocate an id, write), into new subjects and as new versions of one subject
  (which adds a BACKWARD compatibility check against the latest version).

Goals: lookups >= 0.6x the floor's throughput; lookup latency flat from 100 to 100,000
stored schemas. Prints the ratios and writes ``bench/results/registry.md``.

    .venv/bin/python bench/registry.py [--seconds 4] [--concurrency 16] [--schemas 100000]
        [--store sqlite|postgresql://USER@HOST/DB]
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
CT = b"application/vnd.schemaregistry.v1+json"


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies_ms: tuple[float, ...]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# --- load generator -----------------------------------------------------------------------


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n"
    if body:
        head += f"Content-Type: {CT.decode()}\r\nContent-Length: {len(body)}\r\n"
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
    host: str, port: int, make: Callable[[int], bytes], seconds: float, concurrency: int
) -> Result:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                raw = make(next(counter))
                start = time.perf_counter()
                status = await _exchange(reader, writer, raw)
                latencies.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{errors} requests failed")
    return Result("", len(latencies), elapsed, tuple(latencies))


def _show(result: Result) -> None:
    print(
        f"  {result.name:<40} {result.throughput:8.0f} req/s  p50 {result.percentile(50):6.2f} ms"
        f"  p99 {result.percentile(99):6.2f} ms",
        flush=True,
    )


def measure(
    name: str, url: str, make: Callable[[int], bytes], seconds: float, concurrency: int
) -> Result:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    asyncio.run(_drive(host, int(port), make, min(1.0, seconds / 4), concurrency))  # warm up
    result = asyncio.run(_drive(host, int(port), make, seconds, concurrency))
    named = Result(name, result.requests, result.seconds, result.latencies_ms)
    _show(named)
    return named


def interleaved(
    pairs: list[tuple[str, Callable[[int], bytes]]],
    url: str,
    seconds: float,
    concurrency: int,
    rounds: int,
) -> list[Result]:
    """Measure each workload in ``rounds`` short turns, alternating, so that noise from the
    machine (other processes on shared cores) hits every workload alike; the throughput is
    the median turn's, the latencies are pooled."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    for _name, make in pairs:
        asyncio.run(_drive(host, int(port), make, 0.5, concurrency))  # warm up
    turns: dict[str, list[Result]] = {name: [] for name, _ in pairs}
    for _ in range(rounds):
        for name, make in pairs:
            turns[name].append(
                asyncio.run(_drive(host, int(port), make, seconds / rounds, concurrency))
            )
    out = []
    for name, _ in pairs:
        ordered = sorted(turns[name], key=lambda r: r.throughput)
        median = ordered[len(ordered) // 2]
        latencies = tuple(x for r in turns[name] for x in r.latencies_ms)
        result = Result(name, median.requests, median.seconds, latencies)
        _show(result)
        out.append(result)
    return out


# --- the server and its data --------------------------------------------------------------


def record(i: int, fields: int = 6) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": f"Event{i}",
            "namespace": "bench.events",
            "doc": "A generated event for the registry benchmark.",
            "fields": [
                {"name": f"field_{j}", "type": ["null", "string"], "default": None, "doc": "x"}
                for j in range(fields)
            ],
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


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


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


def fresh_store(base: str, folder: Path, name: str) -> str:
    if base == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    import psycopg

    db = f"accord_bench_{name}_{os.getpid()}"
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    return base.rsplit("/", 1)[0] + f"/{db}"


def drop_store(base: str, store_url: str) -> None:
    if base != "sqlite":
        import psycopg

        admin = base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{store_url.rsplit("/", 1)[1]}" WITH (FORCE)')


def lookups(ids: list[int]) -> Callable[[int], bytes]:
    rng = random.Random(7)
    raws = [_request("GET", f"/schemas/ids/{rng.choice(ids)}") for _ in range(200_000)]
    return lambda n: raws[n % len(raws)]


def registrations(prefix: str, *, one_subject: bool) -> Callable[[int], bytes]:
    def make(n: int) -> bytes:
        subject = f"{prefix}-value" if one_subject else f"{prefix}-{n}-value"
        body = json.dumps({"schema": record(10**6 + n, fields=6 + (n if one_subject else 0) % 1)})
        if one_subject:  # each version adds an optional field: BACKWARD-compatible
            doc = json.loads(record(0, fields=6))
            doc["fields"].append({"name": f"extra_{n}", "type": ["null", "long"], "default": None})
            body = json.dumps({"schema": json.dumps(doc)})
        return _request("POST", f"/subjects/{subject}/versions", body.encode())

    return make


def run(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in (100, args.schemas):
            store_url = fresh_store(args.store, folder, f"s{count}")
            t0 = time.perf_counter()
            populate(store_url, count)
            print(f"stored {count} schemas in {time.perf_counter() - t0:.1f} s", flush=True)
            server = start(store_url)
            try:
                results += interleaved(
                    [
                        (f"floor GET / ({count} stored)", lambda n: _request("GET", "/")),
                        (
                            f"GET /schemas/ids/{{id}} ({count} stored)",
                            lookups(list(range(1, count + 1))),
                        ),
                    ],
                    server.url,
                    args.seconds,
                    args.concurrency,
                    args.rounds,
                )
                if count == args.schemas:
                    results.append(
                        measure(
                            "register, new subjects",
                            server.url,
                            registrations("fresh", one_subject=False),
                            args.seconds,
                            args.concurrency,
                        )
                    )
                    results.append(
                        measure(
                            "register, new versions of one subject",
                            server.url,
                            registrations("growing", one_subject=True),
                            args.seconds,
                            args.concurrency,
                        )
                    )
            finally:
                server.stop()
                drop_store(args.store, store_url)
    return results


def report(results: list[Result], args: argparse.Namespace) -> str:
    by = {r.name: r for r in results}
    small, large = 100, args.schemas
    floor = by[f"floor GET / ({large} stored)"]
    floor_small = by[f"floor GET / ({small} stored)"]
    look_small = by[f"GET /schemas/ids/{{id}} ({small} stored)"]
    look_large = by[f"GET /schemas/ids/{{id}} ({large} stored)"]
    ratio_small = look_small.throughput / floor_small.throughput
    ratio_large = look_large.throughput / floor.throughput
    flat = look_large.percentile(50) / look_small.percentile(50)
    rows = [
        "| Measurement | Throughput (req/s) | p50 (ms) | p99 (ms) | vs floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        anchor = floor_small if f"({small} stored)" in r.name else floor
        rows.append(
            f"| {r.name} | {r.throughput:,.0f} | {r.percentile(50):.2f} | {r.percentile(99):.2f}"
            f" | {r.throughput / anchor.throughput:.2f}x |"
        )
    verdict_lookup = "met" if min(ratio_small, ratio_large) >= GOAL_LOOKUP else "NOT met"
    store = "SQLite (WAL, one file)" if args.store == "sqlite" else "PostgreSQL 15 (local)"
    return "\n".join(
        [
            "# Registry benchmark",
            "",
            f"`bench/registry.py`: one `accord registry serve` process ({store}), driven by an"
            f" asyncio HTTP/1.1 load generator with {args.concurrency} keep-alive connections"
            f" for {args.seconds:g} s per workload, in {args.rounds} alternating turns (median turn; latencies pooled). The floor is `GET /`"
            " through the same stack (uvicorn, FastAPI, accord's middleware, the handler"
            " thread pool), measured in the same run.",
            "",
            *rows,
            "",
            f"- lookups vs the floor: **{ratio_small:.2f}x** with {small} schemas stored,"
            f" **{ratio_large:.2f}x** with {large:,} (goal >= {GOAL_LOOKUP}x: {verdict_lookup})",
            f"- lookup p50 with {large:,} stored / with {small} stored: **{flat:.2f}**"
            " (goal: flat, about 1.0)",
            "",
            "Reading: a lookup by id is one primary-key read of an immutable row plus the"
            " serialisation of a small JSON body, so it costs little more than the empty"
            " answer of the floor; the framework (HTTP parsing, routing, the thread-pool hop of"
            " a synchronous handler) is most of the cost of both. Latency stays flat with the"
            " number of stored schemas because the read is a B-tree primary-key lookup"
            " (logarithmic, and the pages stay cached). Registrations cost more: they parse,"
            " validate and canonicalise the schema, and serialise writers on the subject's"
            " lock (SQLite: one writer at a time for the whole file); a new version of an"
            " existing subject also runs the compatibility check against the latest version.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores shared by server and"
            f" load generator, Python {platform.python_version()}, {platform.system()}."
            f" Date: {date.today().isoformat()}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="alternating turns per workload")
    parser.add_argument("--schemas", type=int, default=100_000)
    parser.add_argument("--store", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args()
    results = run(args)
    text = report(results, args)
    print()
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
