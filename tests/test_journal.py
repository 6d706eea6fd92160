"""The request journal: what it records (problems, notes, redacted secrets), its filters, its
bound, and that the admin API's own calls stay out of it."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.journal import Entry, Journal
from tests.conftest import FakeClock
from tests.vendors.test_chatkitty import get_token

SESSIONS = "/chatkitty/chat-sessions"


def entries(client: TestClient, **filters: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/journal", params=filters)
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])


def test_an_entry_has_every_validation_problem_of_its_request(
    client: TestClient, clock: FakeClock
) -> None:
    token = get_token(client)
    client.get(
        SESSIONS,
        params={"sort": "nope,asc", "state": "PAUSED"},
        headers={"Authorization": f"Bearer {token}"},
    )
    entry = entries(client)[0]
    assert entry["api"] == "chatkitty"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", SESSIONS, 400)
    assert entry["query"] == "sort=nope%2Casc&state=PAUSED"
    assert entry["duration_ms"] > 0
    assert entry["time"].endswith("Z")
    assert entry["error"].startswith("Invalid request")
    assert entry["problems"][1:] == [
        "query parameter 'state' must be one of ACTIVE, ENDED, got 'PAUSED'",
    ]
    assert entry["problems"][0].startswith("query parameter 'sort/0' must be")
    assert entry["headers"]["authorization"] == "[redacted]"


@pytest.mark.parametrize(
    ("query", "recorded"),
    [
        ("page=1&size=2", "page=1&size=2"),
        ("state=token-like", "state=token-like"),
        ("access_token=abc&page=1", "access_token=[redacted]&page=1"),
        ("access%5Ftoken=abc", "access_token=[redacted]"),  # the name only says so decoded
    ],
)
def test_credentials_in_the_query_are_redacted(
    client: TestClient, query: str, recorded: str
) -> None:
    client.get(f"{SESSIONS}?{query}")
    assert entries(client)[0]["query"] == recorded


def test_preferences_and_faults_leave_a_note(client: TestClient) -> None:
    client.post("/__admin/rules", json={"path": "/twin", "status": 502})
    client.get("/twin/anything")
    auth = {"Authorization": f"Bearer {get_token(client)}"}
    client.get(SESSIONS, headers={**auth, "Prefer": "code=404, delay=1"})
    prefer_entry, _token, fault_entry = entries(client)
    assert fault_entry["status"] == 502
    assert fault_entry["notes"][0].endswith("answered 502")
    assert prefer_entry["status"] == 404
    assert prefer_entry["notes"] == ["Prefer: code=404, delay=1"]


def test_filters_by_api_status_and_path_newest_first(client: TestClient) -> None:
    client.get(SESSIONS)  # 401
    client.get("/chatkitty/nowhere")  # 404
    client.get("/twin/nowhere")  # 404 or 401, the vendor's choice
    client.get("/elsewhere")  # outside every API
    assert [e["path"] for e in entries(client, api="chatkitty")] == ["/chatkitty/nowhere", SESSIONS]
    assert [e["path"] for e in entries(client, status="401", api="chatkitty")] == [SESSIONS]
    assert {e["status"] // 100 for e in entries(client, status="4xx")} == {4}
    assert [e["path"] for e in entries(client, path="/chatkitty/no")] == ["/chatkitty/nowhere"]
    assert [e["api"] for e in entries(client, path="/elsewhere")] == [None]
    assert len(entries(client, limit=2)) == 2


def test_a_bad_filter_is_refused(client: TestClient) -> None:
    response = client.get("/__admin/journal", params={"status": "4x", "limit": 0})
    assert response.status_code == 400
    assert "status" in response.json()["message"]
    assert "limit" in response.json()["message"]


def test_the_admin_api_is_not_journaled_and_clearing_empties_it(client: TestClient) -> None:
    client.get(SESSIONS)
    client.get("/__admin/rules")
    assert len(entries(client)) == 1
    assert client.delete("/__admin/journal").json() == {"cleared": 1}
    assert entries(client) == []


def test_the_journal_keeps_only_the_last_entries(clock: FakeClock) -> None:
    journal = Journal(clock, size=3)
    for n in range(5):
        journal.add(Entry(journal.stamp(), None, "GET", f"/{n}", "", {}))
    assert [e.path for e in journal.entries()] == ["/4", "/3", "/2"]


@pytest.mark.parametrize("name", ["X-Auth", "X-Session", "Session", "X-Api-Key", "SO-AppToken"])
def test_credential_headers_are_redacted(client: TestClient, name: str) -> None:
    client.get(SESSIONS, headers={name: "the-secret-value"})
    entry = entries(client)[0]
    assert entry["headers"][name.lower()] == "[redacted]"
    assert "the-secret-value" not in str(entry)


def test_a_password_echoed_by_a_validation_problem_stays_out(client: TestClient) -> None:
    body = {"email": "demo@twin.example", "password": 987654321}
    response = client.post("/twin/api/v1/auth/login", json=body)
    assert response.status_code == 400
    entry = entries(client)[0]
    assert entry["problems"] == ["body field 'password' must be a string, got [redacted]"]
    assert "987654321" not in str(entry)
