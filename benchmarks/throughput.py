"""The four servers, one after the other, under the same load and the same requests.

1. the mock as users run it (``mockserver serve``): the mix is built from it, its answers
   recorded, then every request measured, the store reset after each write request so that
   each is measured on the fixtures;
2. Stoplight Prism serving the same spec file, one API at a time;
3. WireMock serving the recorded answers as stub mappings;
4. the bare Starlette app serving the recorded answers.

Before a server is measured on a request, that request is sent once: a server whose answer is
not of the mock's status class (Prism's 4xx, say) is shown with that status, not as fast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from .load import Call, Load, Result, run_wrk
from .mix import mix_for
from .recorded import mock_url, record, save_recordings, write_wiremock_mappings
from .servers import free_port, serve
from .tools import PROJECT, Tools

__all__ = ["SERVERS", "Measured", "measure_all"]

SERVERS = ("mock", "Prism", "WireMock", "bare")


@dataclass(frozen=True)
class Measured:
    call: Call
    server: str
    status: int
    result: Result | None
    """None when the server did not answer the request as the mock did (see ``status``)."""


def measure_all(apis: list[str], load: Load, tools: Tools, work: Path) -> list[Measured]:
    logs = work / "logs"
    measured: list[Measured] = []
    port = free_port()
    with serve("mock", tools.mock_command(port), port, logs) as mock:
        client = httpx.Client(base_url=mock.url, timeout=30)
        calls = [call for api in apis for call in mix_for(api, client)]
        recordings = [record(client, call) for call in calls]
        expected = {call: rec.status for call, rec in zip(calls, recordings, strict=True)}
        for call in calls:
            measured.append(_measure("mock", mock.url + mock_url(call), call, load, expected))
            if call.method != "GET":
                # Tens of thousands of creates would otherwise stay in the heap and lengthen
                # the collector's pauses in every later request's p99.
                client.post("/__admin/reset").raise_for_status()
    recordings_file = work / "recordings.json"
    save_recordings(recordings, recordings_file)

    for api in apis:
        port = free_port()
        with serve(f"prism-{api}", tools.prism_command(api, port), port, logs) as prism:
            for call in (c for c in calls if c.api == api):
                measured.append(_measure("Prism", prism.url + call.target, call, load, expected))

    root = work / "wiremock"
    write_wiremock_mappings(recordings, root)
    port = free_port()
    command = tools.wiremock_command(port, root)
    with serve("wiremock", command, port, logs, ready_path="/__admin/health") as wiremock:
        for call in calls:
            measured.append(
                _measure("WireMock", wiremock.url + mock_url(call), call, load, expected)
            )

    port = free_port()
    env = {"BENCH_RECORDINGS": str(recordings_file)}
    with serve("bare", tools.bare_command(port), port, logs, env=env, cwd=PROJECT) as bare:
        for call in calls:
            measured.append(_measure("bare", bare.url + mock_url(call), call, load, expected))
    return measured


def _measure(server: str, url: str, call: Call, load: Load, expected: dict[Call, int]) -> Measured:
    status = httpx.request(
        call.method, url, headers=list(call.headers), content=call.body, timeout=30
    ).status_code
    if status // 100 != expected[call] // 100:
        print(
            f"  {server:<8} {call.api} {call.name}: {status} (mock: {expected[call]})",
            file=sys.stderr,
        )
        return Measured(call, server, status, None)
    result = run_wrk(url, call, load)
    print(
        f"  {server:<8} {call.api:<11} {call.name:<18} {result.requests_per_second:8.0f} r/s"
        f"  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms",
        file=sys.stderr,
    )
    return Measured(call, server, status, result)
