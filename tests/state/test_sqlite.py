"""The SQLite backend: durable across ``kill -9``, tied to its fixtures, clear when it fails."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.cli import main
from mockserver.config import PROJECT_ROOT
from mockserver.errors import StateError
from mockserver.state import open_backend
from mockserver.state.sqlite import SQLiteBackend
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS, Served, sqlite_url

PARTICIPANTS = [a["uid"] for a in DEMO_ACCOUNTS[:2]]


def test_acknowledged_writes_survive_kill_9(shared_state: str, serve: type[Served]) -> None:
    """Guarantee 3 (SQLite, Redis): what the mock answered 200 to is there after ``kill -9``."""
    state = shared_state
    first = serve(state)
    with first.client() as client:
        created = client.post(SESSIONS, json={"participants": PARTICIPANTS}, headers=DOCTOR_TOKEN)
        assert created.status_code == 200, created.text
        session = created.json()["id"]
        started = client.patch(f"{SESSIONS}/{session}", json={"start": True}, headers=DOCTOR_TOKEN)
        assert started.status_code == 200, started.text
    first.kill()
    assert f"state: {state} (seeded from the fixtures: chatkitty, twin," in first.read()

    second = serve(state)
    with second.client() as client:
        found = client.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN)
        assert found.status_code == 200, found.text
        assert found.json()["startedAt"] == started.json()["startedAt"]
        listed = client.get(SESSIONS, params={"id": session}, headers=DOCTOR_TOKEN).json()
        assert [s["id"] for s in listed] == [session]
    second.stop()
    assert f"state: {state} (restored chatkitty, twin, hapihub, superoffice)" in second.read()


def test_mockserver_reset_restores_a_running_servers_fixtures(
    tmp_path: Path, serve: type[Served]
) -> None:
    state = sqlite_url(tmp_path)
    served = serve(state)
    with served.client() as client:
        created = client.post(SESSIONS, json={"participants": PARTICIPANTS}, headers=DOCTOR_TOKEN)
        session = created.json()["id"]
        result = CliRunner().invoke(main, ["reset", "--state", state, "--api", "hapihub"])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "reset: hapihub"
        gone = client.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN)
        assert gone.status_code == 404, gone.text


def served(state: str, fixtures: Path) -> MockServer:
    return MockServer(Settings(state=state, fixtures_dir=fixtures))


def test_changed_fixtures_reseed_their_vendor_and_keep_the_others(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(PROJECT_ROOT / "fixtures", fixtures)
    state = sqlite_url(tmp_path)
    server = served(state, fixtures)
    assert set(server.seeding.values()) == {"seeded"}
    with TestClient(server.app) as client:
        body = {"participants": PARTICIPANTS}
        session = client.post(SESSIONS, json=body, headers=DOCTOR_TOKEN).json()["id"]
    server.control.backend.close()

    restored = served(state, fixtures)
    assert set(restored.seeding.values()) == {"restored"}
    assert restored.store.collections("hapihub")["sessions"].get(session) is not None
    restored.control.backend.close()

    accounts = fixtures / "hapihub" / "accounts.json"
    accounts.write_text(accounts.read_text().replace("Maria Clara", "Maria"))
    changed = served(state, fixtures)
    assert changed.seeding["hapihub"] == "reseeded"
    assert {v for k, v in changed.seeding.items() if k != "hapihub"} == {"restored"}
    assert changed.store.collections("hapihub")["sessions"].get(session) is None
    changed.control.backend.close()


def test_a_journal_kept_before_the_ring_is_read_and_written_on_as_it_was(tmp_path: Path) -> None:
    """A state file from before logs were rings (a table of inserted and trimmed rows)."""
    file = tmp_path / "state.db"
    with sqlite3.connect(file) as db:
        db.execute(
            "CREATE TABLE logs (log TEXT NOT NULL, n INTEGER NOT NULL, body BLOB NOT NULL, "
            "PRIMARY KEY (log, n)) WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO logs VALUES (?, ?, ?)",
            [("journal", n, b'{"n": %d}' % n) for n in range(3, 7)] + [("other", 1, b"{}")],
        )
    db.close()
    backend = SQLiteBackend(file)
    assert backend.entries("journal", 10) == [{"n": n} for n in (6, 5, 4, 3)]
    assert backend.entries("other", 10) == [{}]
    backend.append("journal", {"n": 7}, limit=3)
    assert backend.entries("journal", 10) == [{"n": n} for n in (7, 6, 5)]
    backend.close()
    with sqlite3.connect(file) as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'logs'").fetchall() == []
    db.close()


def test_a_cleared_log_leaves_no_row_behind(tmp_path: Path) -> None:
    """An expired namespace clears its journal: nothing of it may stay in the file."""
    file = tmp_path / "state.db"
    backend = SQLiteBackend(file)
    backend.append("ns:journal", {"n": 1}, limit=3)
    backend.append("journal", {"n": 2}, limit=3)
    assert backend.clear("ns:journal") == 1
    backend.close()
    with sqlite3.connect(file) as db:
        logs = {
            table: db.execute(f"SELECT DISTINCT log FROM {table}").fetchall()
            for table in ("entries", "log_heads")
        }
    db.close()
    assert logs == {"entries": [("journal",)], "log_heads": [("journal",)]}


def test_a_corrupt_state_file_stops_serve_naming_the_file(tmp_path: Path) -> None:
    file = tmp_path / "state.db"
    file.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["serve", "--state", f"sqlite:{file}", "--port", "1"])
    assert result.exit_code == 2
    assert str(file) in result.output
    assert "corrupt" in result.output


def test_an_unwritable_state_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StateError, match=str(blocker / "state.db")):
        open_backend(f"sqlite:{blocker / 'state.db'}")


def test_a_state_file_locked_past_the_timeout_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mockserver.state.sqlite.BUSY_TIMEOUT", 0.1)
    file = tmp_path / "state.db"
    backend = SQLiteBackend(file)
    holder = sqlite3.connect(file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StateError, match=rf"{file}.*locked.*longer than 0\.1 s"):
            backend.incr("n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert backend.incr("n") == 1
    backend.close()


def test_a_failing_backend_answers_503_in_the_vendors_shape(tmp_path: Path) -> None:
    server = served(sqlite_url(tmp_path), PROJECT_ROOT / "fixtures")
    with TestClient(server.app) as client:
        server.control.backend.close()  # every query fails from now on
        answer = client.get(SESSIONS, headers=DOCTOR_TOKEN)
    assert answer.status_code == 503
    body = answer.json()
    assert body["code"] == 503
    assert "state.db" in body["message"]
