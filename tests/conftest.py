"""Shared fixtures: one mock server for the session, its test client, a clock tests can move,
a checker that every answer conforms to the vendor's spec, and a live server on loopback.

Hypothesis runs derandomized unless told otherwise, so CI gives the same verdict on the same
code; ``make fuzz`` (``HYPOTHESIS_PROFILE=fuzz``) sends the same properties new random examples,
many more of them, to look for what the fixed ones miss.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from mockserver import MockServer, Settings
from mockserver.state import Backend, Base, open_backend
from mockserver.state.memory import MemoryBackend
from mockserver.testing import RedisServer

hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("fuzz", max_examples=1000, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class FakeClock:
    """Time that moves only when a test says so, so expiry is tested without sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RaceLost(MemoryBackend):
    """A backend whose next read-modify-write loses a race, as Redis' compare-and-set may:
    ``change`` runs on the record as read, another process writes ``interfere`` of it meanwhile,
    and ``change`` runs again on that; only the last result is stored."""

    interfere: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def update(
        self,
        space: str,
        key: Any,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        base: Base,
    ) -> tuple[int, dict[str, Any]]:
        interfere, self.interfere = self.interfere, None
        if interfere is not None:
            super().update(space, key, lambda record: (change(dict(record)), record)[1], base)
            super().update(space, key, interfere, base)
        return super().update(space, key, change, base)


@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def server(clock: FakeClock) -> MockServer:
    # Response validation on: a handler answering off-spec fails the test with a 500.
    return MockServer(Settings(validate_responses=True, clock=clock))


@pytest.fixture(autouse=True)
def _fresh_state(server: MockServer) -> Iterator[None]:
    """Every test starts from the fixtures, whatever the previous one wrote or set up."""
    yield
    server.store.reset()
    server.control.rules.clear()
    server.control.journal.clear()


@pytest.fixture(scope="session")
def client(server: MockServer) -> Iterator[TestClient]:
    with server.app.test_client() as test_client:
        yield test_client


Conforms = Callable[[httpx.Response], None]


@pytest.fixture(scope="session")
def conforms(server: MockServer) -> Conforms:
    """Assert that an answer (2xx or error) is one the vendor's spec documents, body included.

    Connexion validates 2xx bodies; error bodies are rendered after its validation, so this
    check (Schemathesis' response validation against the same spec) covers them too.
    """
    schemas = {
        name: schemathesis.openapi.from_path(api.spec.file) for name, api in server.apis.items()
    }

    def check(response: httpx.Response) -> None:
        path = response.request.url.path
        api = server.api_for(path)
        assert api is not None, f"{path} is not under any vendor prefix"
        template = api.spec.match(path.removeprefix(api.prefix))
        assert template is not None, f"{path} matches no path of {api.spec.file}"
        operation = schemas[api.name][template][response.request.method]
        operation.validate_response(response)
        documented = operation.definition.raw["responses"]
        assert str(response.status_code) in documented, (
            f"{response.status_code} is not documented for {response.request.method} {template}"
        )

    return check


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """A real server on a free loopback port, as `mockserver serve` runs it."""
    with serving(MockServer(Settings()).app) as url:
        yield url


@contextmanager
def serving(app: ASGIApp, **options: Any) -> Iterator[str]:
    """``app`` served by uvicorn (with ``options``) on a free loopback port, for the block."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options)
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline, "the live server did not start in 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        live.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One Redis for the session; every state on it has its own key prefix."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


BACKENDS = ("memory", "sqlite", "redis")
"""Every state backend the conformance tests run against (tests/test_store.py and others)."""

MakeBackend = Callable[[], Backend]


@pytest.fixture(params=BACKENDS)
def make_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MakeBackend]:
    """Makes fresh backends of one kind, each on its own state; all closed after the test."""
    made: list[Backend] = []

    def make() -> Backend:
        if request.param == "memory":
            backend = open_backend("memory")
        elif request.param == "redis":
            backend = open_backend(request.getfixturevalue("redis_server").url())
        else:
            folder = tmp_path_factory.mktemp("state")
            backend = open_backend(f"sqlite:{folder / 'state.db'}")
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()
