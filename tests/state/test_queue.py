"""Journal entries queued to be written together (``mockserver/state/queue.py``): none is lost
when the server stops, none is kept from the process that made it."""

from __future__ import annotations

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
    """The thread writing entries waits an hour here: only the server's shutdown (its ASGI
    lifespan, which every worker process runs as it stops) can have written them."""
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
