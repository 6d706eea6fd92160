"""Namespaces (``Mock-Namespace``): isolated writes, journal and rules; bad names; expiry."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.cli import main
from mockserver.state.namespaces import HEADER, IDLE_SECONDS
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS
from tests.conftest import FakeClock
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS

PARTICIPANTS = [a["uid"] for a in DEMO_ACCOUNTS[:2]]


def ns(name: str) -> dict[str, str]:
    return {**DOCTOR_TOKEN, HEADER: name}


def create(client: TestClient, namespace: str) -> str:
    answer = client.post(SESSIONS, json={"participants": PARTICIPANTS}, headers=ns(namespace))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def test_writes_are_seen_in_their_namespace_only_on_every_process(shared_state: str) -> None:
    """Guarantee 5 (writes), across two servers sharing one state."""
    first, second = (MockServer(Settings(state=shared_state)) for _ in range(2))
    with TestClient(first.app) as one, TestClient(second.app) as two:
        session = create(one, "team-a")
        assert two.get(f"{SESSIONS}/{session}", headers=ns("team-a")).status_code == 200
        assert two.get(f"{SESSIONS}/{session}", headers=ns("team-b")).status_code == 404
        assert two.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN).status_code == 404
        reset = one.post("/__admin/reset", headers={HEADER: "team-b"})
        assert reset.status_code == 200
        assert two.get(f"{SESSIONS}/{session}", headers=ns("team-a")).status_code == 200
        one.post("/__admin/reset", headers={HEADER: "team-a"})
        assert two.get(f"{SESSIONS}/{session}", headers=ns("team-a")).status_code == 404
    for server in (first, second):
        server.control.backend.close()


def test_journal_and_rules_are_the_namespaces_own(client: TestClient) -> None:
    """Guarantee 5 (journal, rules)."""
    added = client.post(
        "/__admin/rules", json={"path": SESSIONS, "status": 503}, headers={HEADER: "rules-a"}
    )
    assert added.status_code == 201
    assert client.get(SESSIONS, headers=ns("rules-a")).status_code == 503
    assert client.get(SESSIONS, headers=ns("rules-b")).status_code == 200
    assert client.get(SESSIONS, headers=DOCTOR_TOKEN).status_code == 200
    assert client.get("/__admin/rules", headers={HEADER: "rules-b"}).json() == {"rules": []}

    def journaled(namespace: dict[str, str]) -> list[int]:
        entries = client.get("/__admin/journal", headers=namespace).json()["entries"]
        return [e["status"] for e in entries if e["path"] == SESSIONS]

    assert journaled({HEADER: "rules-a"}) == [503]
    assert journaled({HEADER: "rules-b"}) == [200]
    assert journaled({}) == [200]


@pytest.mark.parametrize(
    ("path", "name"), [(SESSIONS, "Bad Name"), ("/__admin/journal", "x" * 64), (SESSIONS, "-a")]
)
def test_a_bad_namespace_name_is_a_400_naming_the_header(
    client: TestClient, path: str, name: str
) -> None:
    answer = client.get(path, headers={**DOCTOR_TOKEN, HEADER: name})
    assert answer.status_code == 400
    assert HEADER in answer.json()["message"]
    if path == SESSIONS:  # HAPI Hub's own (Feathers) shape
        assert answer.json()["name"] == "BadRequest"


def test_an_idle_namespace_expires_with_its_writes_journal_and_rules(
    client: TestClient, server: MockServer, clock: FakeClock
) -> None:
    session = create(client, "idle")
    client.post("/__admin/rules", json={"path": "/twin", "status": 500}, headers={HEADER: "idle"})
    clock.advance(IDLE_SECONDS - 120)
    create(client, "busy")  # used since: stays
    clock.advance(121)
    client.get(SESSIONS, headers=ns("busy"))  # a request on any namespace sweeps
    assert "idle" not in server.store.names()
    assert client.get(f"{SESSIONS}/{session}", headers=ns("idle")).status_code == 404
    assert client.get("/__admin/rules", headers={HEADER: "idle"}).json() == {"rules": []}
    entries = client.get("/__admin/journal", headers={HEADER: "idle"}).json()["entries"]
    assert [e["path"] for e in entries] == [f"{SESSIONS}/{session}"]  # only the request since
    assert "busy" in server.store.names()


def test_the_cli_controls_a_namespace(live_url: str) -> None:
    added = CliRunner().invoke(
        main,
        ["--namespace", "cli-a", "rules", "add", "--url", live_url, "/twin", "--status", "503"],
    )
    assert added.exit_code == 0, added.output
    with httpx.Client(base_url=live_url) as http:
        assert http.get("/__admin/rules", headers={HEADER: "cli-a"}).json()["rules"] != []
        assert http.get("/__admin/rules").json() == {"rules": []}
        cleared = CliRunner().invoke(
            main, ["--namespace", "cli-a", "rules", "clear", "--url", live_url]
        )
        assert cleared.exit_code == 0, cleared.output
        assert http.get("/__admin/rules", headers={HEADER: "cli-a"}).json() == {"rules": []}
    refused = CliRunner().invoke(
        main, ["--namespace", "Bad Name", "rules", "list", "--url", live_url]
    )
    assert refused.exit_code == 1
    assert HEADER in refused.output
