"""CPU time per request inside the ASGI app: the mock's and the bare app's, no network, no server.

``wrk`` figures mix the app with uvicorn, the kernel and whatever else the machine runs. Calling
each app directly with the mix's requests and timing the process's CPU shows what the mock's own
code costs per request, steadily enough to compare two versions of it on a shared machine, and
how much of that cost is above the bare app answering the same recorded bytes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote

from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from mockserver import MockServer, Settings

from . import bare
from .load import Call
from .mix import mix_for
from .recorded import mock_url, record

__all__ = ["InProcess", "cpu_us", "measure_in_process"]

_BATCHES = 5


@dataclass(frozen=True)
class InProcess:
    call: Call
    status: int
    mock_us: float
    """Best batch's CPU µs per request of the mock's app."""
    bare_us: float


def measure_in_process(apis: list[str], requests: int) -> list[InProcess]:
    """Each call of each API's mix, ``requests`` times through each app (best of 5 batches)."""
    mock = MockServer(Settings()).app
    with TestClient(mock) as client:
        calls = [call for api in apis for call in mix_for(api, client)]
        recordings = [record(client, call) for call in calls]
    replay = bare.replay_app(recordings)
    results = []
    for call, recording in zip(calls, recordings, strict=True):
        mock_us = asyncio.run(cpu_us(mock, call, requests))
        bare_us = asyncio.run(cpu_us(replay, call, requests))
        results.append(InProcess(call, recording.status, mock_us, bare_us))
    return results


async def cpu_us(app: ASGIApp, call: Call, requests: int) -> float:
    send_one = _sender(app, call)
    for _ in range(min(requests, 200)):  # warm caches, as a running server's are
        await send_one()
    batch = max(requests // _BATCHES, 1)
    best = float("inf")
    for _ in range(_BATCHES):
        started = time.process_time()
        for _ in range(batch):
            await send_one()
        best = min(best, (time.process_time() - started) / batch)
    return best * 1e6


def _sender(app: ASGIApp, call: Call) -> Callable[[], Awaitable[None]]:
    raw_path, _, query = mock_url(call).partition("?")
    path = unquote(raw_path)
    headers = [(k.lower().encode(), v.encode()) for k, v in call.headers]
    headers += [(b"host", b"127.0.0.1:8080"), (b"content-length", b"%d" % len(call.body or b""))]
    body = {"type": "http.request", "body": call.body or b"", "more_body": False}

    async def receive() -> Message:
        return body

    async def send(message: Message) -> None:
        pass

    async def send_one() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": call.method,
            "scheme": "http",
            "path": path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8080),
            "state": {},
        }
        await app(scope, receive, send)

    return send_one
