"""Real ``mockserver serve`` processes on free loopback ports, for the state's guarantees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.testing import RedisServer
from tests.conftest import _free_port

DOCTOR_TOKEN = {"Authorization": "Bearer demo-doctor-token"}
PATIENT_UID = "pT4xW9mQ2vJ7nK5rB8cY3hL6sD1f"
DOCTOR_UID = "dQw8Nc2kT1hVbR7mYpL3sXe9ZaF4"
SESSIONS = "/hapihub/chat-sessions"


class Served:
    """One ``mockserver serve`` process (with its workers), its output kept for the test."""

    def __init__(
        self,
        state: str,
        *args: str,
        port: int | None = None,
        mockserver: Sequence[str] = (sys.executable, "-m", "mockserver"),
        cwd: Path | None = None,
    ) -> None:
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [*mockserver, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--state", state, "--log-level", "warning", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            start_new_session=True,  # its workers are killed with it, as a group
        )
        self.output = ""
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/__admin/rules", timeout=1).raise_for_status()
                return
            except httpx.TransportError:
                if self.process.poll() is not None:
                    raise AssertionError(f"serve exited: {self.read()}") from None
                assert time.monotonic() < deadline, f"serve did not answer in 60 s: {self.read()}"
                time.sleep(0.1)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def read(self) -> str:
        """Everything it printed (once it has stopped)."""
        if self.process.poll() is not None and self.process.stdout is not None:
            self.output += self.process.stdout.read()
        return self.output

    def kill(self) -> None:
        """``kill -9`` of the server and every worker: no shutdown, no flush."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def serve() -> Iterator[type[Served]]:
    """Starts servers for a test (``serve(state, *args)``) and stops them all after it."""
    started: list[Served] = []

    class Tracked(Served):
        def __init__(self, state: str, *args: str, **options: Any) -> None:
            super().__init__(state, *args, **options)
            started.append(self)

    yield Tracked
    for served in started:
        served.stop()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:{tmp_path / 'state.db'}"


@pytest.fixture(params=["sqlite", "redis"])
def shared_state(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A state URL that several processes share: a SQLite file, or a prefix on a Redis server."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        return server.url()
    return sqlite_url(tmp_path)
