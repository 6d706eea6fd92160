"""What the state backends cost: CPU per request on each, workers, and a warm start at scale.

* CPU per request inside the app (as ``inprocess.py`` measures it), HAPI Hub's reads and writes,
  with the state in memory, in a SQLite file and in a Redis on loopback (Debian's
  ``redis-server``, started here); the ratio to memory is what the backend adds.
* Read throughput of one worker on each backend under the same wrk load: what the targets are
  stated in. Unlike the in-process figure, concurrent requests overlap their waits, and the
  requests on one loop share a Redis stamp read (``FreshReads``); the backend's own processes
  (Redis, SQLite's journal thread) take CPU from the same cores as wrk.
* Throughput of ``serve --workers 2`` against one worker, both on SQLite, under the same wrk
  load (only where wrk is installed; how many cores were free for it is the machine line's).
* Start-up at 100k HAPI Hub sessions from a SQLite state that already holds them (warm: the
  fingerprint matches, nothing is seeded), and the resident memory of the started server.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.testing import RedisServer

from .inprocess import cpu_us
from .load import Call, Load, Result, run_wrk
from .mix import mix_for
from .recorded import mock_url
from .report import machine
from .scale import fixture_folder
from .servers import free_port, rss_mb, serve
from .tools import BENCHMARKS, Tools

__all__ = [
    "Backends",
    "Started",
    "Workers",
    "measure_backends",
    "measure_read_throughput",
    "measure_start",
    "measure_workers",
]

API = "hapihub"


@dataclass(frozen=True)
class Backends:
    call: str
    figures: dict[str, float]
    """One figure per backend (memory, sqlite, redis): CPU µs per request, or requests per
    second."""


@dataclass(frozen=True)
class Workers:
    call: str
    one: Result
    two: Result
    prism: Result | None
    """Stoplight Prism mocking the same spec (None where it is not installed)."""


@dataclass(frozen=True)
class Started:
    sessions: int
    cold_seconds: float
    warm_seconds: float
    warm_cpu_seconds: float
    rss_mb: float


def measure_backends(requests: int) -> list[Backends]:
    """CPU µs per request of each HAPI Hub call, on memory, a SQLite file and a Redis."""
    with tempfile.TemporaryDirectory() as folder:
        redis = RedisServer(Path(folder))
        try:
            servers = {
                "memory": MockServer(Settings()),
                "sqlite": MockServer(Settings(state=f"sqlite:{Path(folder) / 'state.db'}")),
                "redis": MockServer(Settings(state=redis.url("bench"))),
            }
            with TestClient(servers["memory"].app) as client:
                calls = mix_for(API, client)
            measured = {
                name: [asyncio.run(cpu_us(server.app, call, requests)) for call in calls]
                for name, server in servers.items()
            }
            for server in servers.values():
                server.control.backend.close()
        finally:
            redis.stop()
    return [
        Backends(call.name, {name: costs[i] for name, costs in measured.items()})
        for i, call in enumerate(calls)
    ]


def measure_read_throughput(load: Load, tools: Tools, work: Path) -> list[Backends]:
    """wrk against one worker with its state in memory, in a SQLite file and in a Redis:
    requests per second of each HAPI Hub read."""
    if shutil.which("wrk") is None:
        return []
    calls = _reads()
    folder = work / "state-throughput"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    redis = RedisServer(folder)
    redis.start()
    try:
        states = {
            "memory": "memory",
            "sqlite": f"sqlite:{folder / 'state.db'}",
            "redis": redis.url("throughput"),
        }
        measured: dict[str, list[float]] = {}
        for name, state in states.items():
            port = free_port()
            command = [*tools.mock_command(port), "--state", state]
            with serve(f"mock-{name}", command, port, work / "logs") as mock:
                runs = [run_wrk(mock.url + mock_url(c), c, load) for c in calls]
            measured[name] = [run.requests_per_second for run in runs]
    finally:
        redis.stop()
    return [
        Backends(call.name, {name: rates[i] for name, rates in measured.items()})
        for i, call in enumerate(calls)
    ]


def measure_workers(load: Load, tools: Tools, work: Path) -> list[Workers]:
    """wrk against ``serve --workers 1`` and ``--workers 2`` on one SQLite state each, and
    against Prism mocking the same spec (one process: Node serves on one core)."""
    if shutil.which("wrk") is None:
        return []
    calls = _reads()
    results: dict[int, list[Result]] = {}
    for workers in (1, 2):
        state = work / f"state-workers-{workers}"
        shutil.rmtree(state, ignore_errors=True)
        port = free_port()
        command = tools.mock_command(port)
        command += ["--state", f"sqlite:{state / 'state.db'}", "--workers", str(workers)]
        with serve(f"mock-workers-{workers}", command, port, work / "logs") as mock:
            results[workers] = [run_wrk(mock.url + mock_url(c), c, load) for c in calls]
    prism: list[Result | None] = [None] * len(calls)
    if tools.prism.exists():
        port = free_port()
        with serve("prism-workers", tools.prism_command(API, port), port, work / "logs") as mock:
            prism = [run_wrk(mock.url + c.target, c, load) for c in calls]
    return [
        Workers(call.name, one, two, other)
        for call, one, two, other in zip(calls, results[1], results[2], prism, strict=True)
    ]


def _reads() -> list[Call]:
    """HAPI Hub's reads in the mix (the list and a single session)."""
    with TestClient(MockServer(Settings()).app) as client:
        return [c for c in mix_for(API, client) if c.method == "GET"]


def measure_start(size: int, tools: Tools, work: Path) -> Started:
    """Start-up at ``size`` HAPI Hub sessions: cold (seeding a new state), then warm."""
    fixtures = fixture_folder(API, size, tools, work)
    state = work / f"state-start-{size}"
    shutil.rmtree(state, ignore_errors=True)
    seconds = []
    rss = cpu = 0.0
    for run in ("cold", "warm"):
        port = free_port()
        command = [*tools.mock_command(port, fixtures), "--state", f"sqlite:{state / 'state.db'}"]
        with serve(
            f"mock-start-{run}", command, port, work / "logs", ready_path="/__admin/rules"
        ) as mock:
            seconds.append(mock.startup_seconds)
            rss, cpu = rss_mb(mock.pid), mock.startup_cpu_seconds
    return Started(size, seconds[0], seconds[1], cpu, rss)


def backends_table(rows: list[Backends], *, throughput: bool = False) -> str:
    """A column per backend and each one's ratio to memory: of CPU µs per request (a cost, as
    ×), or of requests per second (a share, as %, beside the targets)."""
    if not rows:
        return "(wrk is not installed: `make bench` installs it)"
    unit, ratio = ("r/s", "{:.0%}") if throughput else ("µs", "{:.2f}×")
    targets = (" (target ≥ 90 %)", " (target ≥ 70 %)") if throughput else ("", "")
    lines = [
        f"| HAPI Hub call | memory {unit} | SQLite {unit} | Redis {unit} | "
        f"SQLite / memory{targets[0]} | Redis / memory{targets[1]} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        memory, sqlite, redis = r.figures["memory"], r.figures["sqlite"], r.figures["redis"]
        lines.append(
            f"| {r.call} | {memory:,.0f} | {sqlite:,.0f} | {redis:,.0f} | "
            f"{ratio.format(sqlite / memory)} | {ratio.format(redis / memory)} |"
        )
    return "\n".join(lines)


def workers_table(rows: list[Workers]) -> str:
    if not rows:
        return "(wrk is not installed: `make bench` installs it)"
    lines = [
        "| HAPI Hub call | 1 worker r/s | 2 workers r/s | 2 / 1 | Prism r/s | 2 workers / Prism |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        one, two = r.one.requests_per_second, r.two.requests_per_second
        prism = r.prism.requests_per_second if r.prism is not None else None
        against = f"{prism:,.0f} | {two / prism:.2f}×" if prism else "– | –"
        lines.append(f"| {r.call} | {one:,.0f} | {two:,.0f} | {two / one:.2f}× | {against} |")
    return "\n".join(lines)


def start_line(started: Started) -> str:
    return (
        f"{started.sessions:,} HAPI Hub sessions on SQLite: "
        f"cold start {started.cold_seconds:.2f} s, "
        f"warm start {started.warm_seconds:.2f} s ({started.warm_cpu_seconds:.2f} s CPU; "
        "target ≤ 3 s), "
        f"RSS {started.rss_mb:.0f} MB (target ≤ 400 MB per worker)"
    )


def report(load: Load, tools: Tools, work: Path, *, requests: int, size: int) -> str:
    """Every figure of this module, as the section of the benchmark report."""
    parts = ["### CPU per request by state backend (in-process)", ""]
    parts += [backends_table(measure_backends(requests)), ""]
    parts += ["### Read throughput of one worker by state backend (wrk)", ""]
    parts += [backends_table(measure_read_throughput(load, tools, work), throughput=True), ""]
    parts += ["### serve --workers 2 against 1 (SQLite, wrk)", ""]
    parts += [workers_table(measure_workers(load, tools, work)), ""]
    parts += ["### Warm start", "", start_line(measure_start(size, tools, work))]
    return "\n".join(parts)


def main() -> None:
    """``python -m benchmarks.state``: this section alone (needs only the mock, and wrk)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.state", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per request")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="per request, in-process")
    parser.add_argument("--size", type=int, default=100_000, help="sessions for the start")
    parser.add_argument("--work", type=Path, default=BENCHMARKS / ".work")
    args = parser.parse_args()
    load = Load(threads=2, connections=args.connections, seconds=args.seconds)
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {machine(load)}\n", flush=True)
    tools = Tools.find(needed=("mockserver",))
    print(report(load, tools, args.work, requests=args.requests, size=args.size), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
