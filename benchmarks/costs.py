"""What a hostile request costs: each kind at size n and 2n, with the ratio (2.0 is linear).

``python -m benchmarks.costs`` prints one row per kind: the CPU milliseconds one request takes
at each size, in-process (no network), best of a few runs, and how that grows when the request
doubles. Each kind once froze the server: a body of 4,000 mixed-type HAPI Hub participants took
20 s (a quadratic uniqueness check), repeated query keys cost up to 1.5 s. The limits of
``mockserver.limits`` are raised for the run, so the costs measured are the code's, not refusals.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from mockserver import MockServer, Settings
from mockserver.limits import Limits
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS

__all__ = ["Cost", "costs_table", "measure_costs"]

_HAPIHUB = {"Authorization": f"Bearer {DEMO_ACCOUNTS[0]['token']}"}
_UNLIMITED = Limits(
    body_bytes=10**8,
    header_bytes=10**8,
    url_bytes=10**8,
    query_parameters=10**6,
    json_depth=10**4,
    json_items=10**6,
)
_RUNS = 3


@dataclass(frozen=True)
class Cost:
    kind: str
    size: int
    ms: float
    """Best run's CPU milliseconds for one request of ``size``."""
    doubled_ms: float
    """The same for a request of twice the size."""

    @property
    def ratio(self) -> float:
        return self.doubled_ms / self.ms if self.ms else float("inf")


@dataclass(frozen=True)
class Request:
    """One request, as the ASGI app receives it (no client library in the measurement)."""

    method: str
    path: str
    query: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""


_AUTH = tuple((k.lower().encode(), v.encode()) for k, v in _HAPIHUB.items())
_JSON = ((b"content-type", b"application/json"),)


def _mixed_participants(n: int) -> Request:
    items = [[i] if i % 3 == 0 else ({"a": i} if i % 3 == 1 else i) for i in range(n)]
    body = json.dumps({"participants": items}).encode()
    return Request("POST", "/hapihub/chat-sessions", headers=_AUTH + _JSON, body=body)


def _repeated_query_keys(n: int) -> Request:
    return Request("GET", "/hapihub/chat-sessions", b"&".join([b"type[$in]=telemed"] * n), _AUTH)


def _deep_json(n: int) -> Request:
    body = b'{"participants":' + b"[" * n + b"]" * n + b"}"
    return Request("POST", "/hapihub/chat-sessions", headers=_AUTH + _JSON, body=body)


def _many_headers(n: int) -> Request:
    padding = tuple((f"x-padding-{i}".encode(), b"x" * 64) for i in range(n))
    return Request("GET", "/hapihub/chat-sessions", b"$limit=1", _AUTH + padding)


KINDS: dict[str, tuple[Callable[[int], Request], int]] = {
    "uniqueItems over mixed-type participants": (_mixed_participants, 2_000),
    "repeated query keys": (_repeated_query_keys, 1_000),
    "JSON nested n levels": (_deep_json, 200),
    "headers": (_many_headers, 1_000),
}


async def _send(app: ASGIApp, request: Request) -> int:
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query,
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8080"),
            (b"content-length", b"%d" % len(request.body)),
            *request.headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
        "extensions": {},
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": request.body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def _best_ms(app: ASGIApp, request: Request) -> float:
    best = float("inf")
    for _ in range(_RUNS):
        started = time.process_time()
        asyncio.run(_send(app, request))
        best = min(best, time.process_time() - started)
    return best * 1000


def measure_costs() -> list[Cost]:
    app = MockServer(Settings(limits=_UNLIMITED)).app
    results = []
    with TestClient(app):  # runs the app's lifespan, as a server would
        for kind, (make, size) in KINDS.items():
            asyncio.run(_send(app, make(size)))  # warm: the first call compiles schemas
            at_n, at_2n = _best_ms(app, make(size)), _best_ms(app, make(2 * size))
            results.append(Cost(kind, size, at_n, at_2n))
    return results


def costs_table(rows: list[Cost]) -> str:
    lines = [
        "| request | n | ms at n | ms at 2n | ratio (2.0 = linear) |",
        "|---|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {r.kind} | {r.size:,} | {r.ms:.1f} | {r.doubled_ms:.1f} | {r.ratio:.2f} |" for r in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(costs_table(measure_costs()))
