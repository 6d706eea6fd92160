"""Each API at 1k, 10k and 100k sessions: start-up time, memory and list latency.

For one API at one size, the fixture folder holds that API's generated data set
(``mockserver fixtures generate API --count N --seed 1``, kept in the work folder between runs)
and every other API's checked-in fixtures, so the server started is exactly what a user starts
with ``mockserver serve --fixtures``. Latency is measured with one connection, so p50 is the cost
of one list call rather than time spent queueing behind other clients; the first call after
start-up, on a store nothing has been asked of yet, is reported apart: it pays for the filtering
and sorting that later calls find cached. For an API with a create, the list call right after
one is timed too (median of five): a write must not send the next list back to that first cost.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from .load import Call, Load, Result, run_wrk
from .mix import create_call, list_call, mix_for
from .recorded import mock_url
from .servers import free_port, rss_mb, serve
from .tools import PROJECT, Tools

__all__ = ["Scaled", "measure_scale"]

SEED = 1


@dataclass(frozen=True)
class Scaled:
    api: str
    sessions: int
    startup_seconds: float
    startup_cpu_seconds: float
    rss_start_mb: float
    rss_end_mb: float
    first_list_ms: float
    list_after_create_ms: float | None
    """None for an API without a create."""
    result: Result


def measure_scale(
    apis: list[str], sizes: list[int], load: Load, tools: Tools, work: Path
) -> list[Scaled]:
    latency_load = Load(threads=1, connections=1, seconds=load.seconds, warmup_seconds=1)
    rows = []
    for api in apis:
        for size in sizes:
            fixtures = fixture_folder(api, size, tools, work)
            port = free_port()
            name = f"mock-{api}-{size}"
            command = tools.mock_command(port, fixtures)
            with serve(name, command, port, work / "logs") as mock:
                rss_start = rss_mb(mock.pid)
                client = httpx.Client(base_url=mock.url, timeout=60)
                mix = mix_for(api, client)
                call = list_call(mix)
                first = _first_call_ms(client, call)
                result = run_wrk(mock.url + mock_url(call), call, latency_load)
                create = create_call(mix)
                after = _after_create_ms(client, call, create) if create else None
                rss_end = rss_mb(mock.pid)
                startup = (mock.startup_seconds, mock.startup_cpu_seconds)
                row = Scaled(api, size, *startup, rss_start, rss_end, first, after, result)
            print(
                f"  {api:<11} {size:>7,} sessions: start {row.startup_seconds:5.2f} s "
                f"({row.startup_cpu_seconds:4.2f} s CPU), "
                f"RSS {row.rss_start_mb:4.0f}/{row.rss_end_mb:4.0f} MB, first list "
                f"{row.first_list_ms:7.1f} ms, p50 {result.p50_ms:6.2f} ms, "
                f"p99 {result.p99_ms:6.2f} ms"
                + (f", after a create {after:6.2f} ms" if after is not None else ""),
                file=sys.stderr,
            )
            rows.append(row)
    return rows


def _first_call_ms(client: httpx.Client, call: Call) -> float:
    """The call on a fresh store (``/__admin/reset``): nothing filtered or sorted yet."""
    client.post("/__admin/reset").raise_for_status()
    return _call_ms(client, call)


def _after_create_ms(client: httpx.Client, call: Call, create: Call) -> float:
    """The median of five list calls, each right after a create (the list cached before)."""
    _call_ms(client, call)
    timings = []
    for _ in range(5):
        _call_ms(client, create)
        timings.append(_call_ms(client, call))
    return statistics.median(timings)


def _call_ms(client: httpx.Client, call: Call) -> float:
    started = time.perf_counter()
    answer = client.request(
        call.method, mock_url(call), headers=list(call.headers), content=call.body
    )
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return elapsed


def fixture_folder(api: str, size: int, tools: Tools, work: Path) -> Path:
    """``work/fixtures-<api>-<size>``: the API's generated set, the others' checked-in ones."""
    folder = work / f"fixtures-{api}-{size}"
    generated = folder / api
    if not (generated / ".complete").exists():
        print(f"  generating {size:,} {api} sessions …", file=sys.stderr)
        command = [str(tools.mockserver), "fixtures", "generate", api, "--count", str(size)]
        command += ["--seed", str(SEED), "--out", str(generated)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=1800)
        (generated / ".complete").touch()
    for other in (PROJECT / "fixtures").iterdir():
        link = folder / other.name
        if other.is_dir() and other.name != api and not link.exists():
            link.symlink_to(other)
    return folder
