"""Journal entries queued to be written together (``mockserver/state/queue.py``): none is lost
when the server stops, none is kept from the process that made it."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.state import open_backend, queue
from mockserver.watch import Reloading
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS


@pytest.mark.parametrize("watching", [False, True], ids=["serve", "serve --watch"])
def test_a_stopping_server_writes_the_entries_still_queued(
    shared_state: str, monkeypatch: pytest.MonkeyPatch, watching: bool
) -> None:
    """Entries wait an hour here to be written on schedule: only the server's stopping can
    have written them (its ASGI lifespan, which every worker process runs as it stops, and
    the loop's task as the loop ends)."""
    monkeypatch.setattr(queue, "FLUSH_INTERVAL", 3600.0)
    settings = Settings(state=shared_state)
    server = Reloading(settings) if watching else MockServer(settings)
    with TestClient(server if isinstance(server, Reloading) else server.app) as client:
        for n in range(3):
            answer = client.get(SESSIONS, params={"room": f"r{n}"}, headers=DOCTOR_TOKEN)
            assert answer.status_code == 200, answer.text
        elsewhere = open_backend(shared_state)  # another process's view of the same state
        assert elsewhere.entries("journal", 10) == []
    rooms = [entry["query"] for entry in elsewhere.entries("journal", 10)]
    assert rooms == ["room=r2", "room=r1", "room=r0"]
    elsewhere.close()
    server.control.backend.close()


def test_a_process_reads_its_own_entries_at_once(
    shared_state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "FLUSH_INTERVAL", 3600.0)
    server = MockServer(Settings(state=shared_state))
    client = TestClient(server.app)
    client.get(SESSIONS, params={"room": "mine"}, headers=DOCTOR_TOKEN)
    entries = client.get("/__admin/journal").json()["entries"]
    assert [entry["query"] for entry in entries] == ["room=mine"]
    server.control.backend.close()


def _flushers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_flush_often" in t.name]


def test_on_a_loop_entries_are_written_by_a_task_of_the_loop_not_by_a_thread(
    shared_state: str,
) -> None:
    """A thread waking every interval would cost every request the loop serves meanwhile
    (``mockserver/state/queue.py`` says how much): a served process starts none."""
    mine, elsewhere = open_backend(shared_state), open_backend(shared_state)
    threads = len(_flushers())

    async def serve_a_while() -> list[dict[str, Any]]:
        mine.append("journal", {"n": 1}, 10)
        for _ in range(100):  # written within the interval, not at the loop's end
            await asyncio.sleep(queue.FLUSH_INTERVAL)
            if written := elsewhere.entries("journal", 10):
                return written
        return []

    assert asyncio.run(serve_a_while()) == [{"n": 1}]
    assert len(_flushers()) == threads
    mine.close()
    elsewhere.close()


def test_a_loop_that_ends_writes_its_entries_and_the_next_loop_writes_its_own(
    shared_state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test client without ``with`` serves each request on a loop of its own, which ends
    with the request: its task writes what is queued as it is cancelled, and the next loop
    starts a task of its own rather than leaving entries to one that is gone."""
    monkeypatch.setattr(queue, "FLUSH_INTERVAL", 3600.0)
    mine, elsewhere = open_backend(shared_state), open_backend(shared_state)

    async def request(n: int) -> None:
        mine.append("journal", {"n": n}, 10)

    asyncio.run(request(1))
    assert elsewhere.entries("journal", 10) == [{"n": 1}]
    asyncio.run(request(2))
    assert elsewhere.entries("journal", 10) == [{"n": 2}, {"n": 1}]
    mine.close()
    elsewhere.close()


def test_without_a_loop_a_thread_writes_the_entries(shared_state: str) -> None:
    mine, elsewhere = open_backend(shared_state), open_backend(shared_state)
    mine.append("journal", {"n": 1}, 10)
    deadline = time.monotonic() + 5
    while not (written := elsewhere.entries("journal", 10)) and time.monotonic() < deadline:
        time.sleep(queue.FLUSH_INTERVAL)
    assert written == [{"n": 1}]
    mine.close()
    elsewhere.close()
