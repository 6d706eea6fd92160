"""Several processes on one state: ``serve --workers 2``, and two servers on one SQLite file.

Bounded bursts (hundreds of writes over tens of connections) against real servers on
127.0.0.1, checking the guarantees of README "State and guarantees": no acknowledged write
lost or unseen by the other process, no lifecycle transition applied twice, rules counting
every worker's calls, one journal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.cli import main
from mockserver.state.queue import FLUSH_INTERVAL
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS, Served

PARTICIPANTS = [a["uid"] for a in DEMO_ACCOUNTS[:2]]
CONNECTIONS = 20
WRITES_PER_CONNECTION = 10


def burst(urls: list[str], work: Callable[[httpx.Client, int], Any], count: int) -> list[Any]:
    """``work(client, n)`` for n < count, over CONNECTIONS connections spread over ``urls``."""

    def connection(c: int) -> list[Any]:
        with httpx.Client(base_url=urls[c % len(urls)], timeout=60) as client:
            return [work(client, n) for n in range(c, count, CONNECTIONS)]

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return [
            result for results in pool.map(connection, range(CONNECTIONS)) for result in results
        ]


def create(client: httpx.Client, n: int) -> str:
    answer = client.post(
        SESSIONS, json={"participants": PARTICIPANTS, "room": f"r{n}"}, headers=DOCTOR_TOKEN
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def directive(session: str, body: dict[str, Any]) -> Callable[[httpx.Client, int], int]:
    def send(client: httpx.Client, n: int) -> int:
        return client.patch(f"{SESSIONS}/{session}", json=body, headers=DOCTOR_TOKEN).status_code

    return send


def check_everything_written_is_read_back(url: str, created: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        for session in created:
            found = client.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN)
            assert found.status_code == 200, (session, found.text)


def lifecycle_races(urls: list[str], sessions: list[str]) -> None:
    """Start, then accept against reject, sent at once from both sides: one wins each race."""
    for session in sessions:
        for bodies in ([{"start": True}] * 2, [{"accept": True}, {"reject": "busy"}]):
            with ThreadPoolExecutor(2) as pool:
                statuses = sorted(
                    pool.map(
                        lambda i, b=bodies, s=session: _patch(urls[i % len(urls)], s, b[i]),
                        range(2),
                    )
                )
            assert statuses == [200, 409], (session, bodies, statuses)
    with httpx.Client(base_url=urls[-1], timeout=60) as client:
        for session in sessions:
            record = client.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN).json()
            assert "startedAt" in record
            assert ("acceptedAt" in record) != ("rejectedAt" in record), record


def _patch(url: str, session: str, body: dict[str, Any]) -> int:
    with httpx.Client(base_url=url, timeout=60) as client:
        return client.patch(f"{SESSIONS}/{session}", json=body, headers=DOCTOR_TOKEN).status_code


def test_two_workers_lose_no_write_and_apply_each_transition_once(
    shared_state: str, serve: type[Served]
) -> None:
    """Guarantees 1 and 2 on ``serve --workers 2``."""
    served = serve(shared_state, "--workers", "2")
    created = burst([served.url], create, CONNECTIONS * WRITES_PER_CONNECTION)
    assert len(set(created)) == len(created) == CONNECTIONS * WRITES_PER_CONNECTION
    check_everything_written_is_read_back(served.url, created)
    lifecycle_races([served.url], created[:20])


def test_two_servers_on_one_state_read_each_others_writes(
    shared_state: str, serve: type[Served]
) -> None:
    """Guarantees 1 and 2 across processes whose traffic the test splits itself (two replicas,
    with Redis)."""
    first, second = serve(shared_state), serve(shared_state)
    urls = [first.url, second.url]
    created = burst(urls, create, CONNECTIONS * WRITES_PER_CONNECTION)
    for url in urls:  # each reads back every write, half of them the other one's
        check_everything_written_is_read_back(url, created)
    lifecycle_races(urls, created[:20])


def test_an_every_nth_rule_counts_the_calls_of_every_worker(
    shared_state: str, serve: type[Served]
) -> None:
    """Guarantee 4: one rule, one count, one journal, whichever process answered."""
    first, second = serve(shared_state), serve(shared_state)
    with first.client() as admin:
        admin.delete("/__admin/journal")
        rule = admin.post("/__admin/rules", json={"path": SESSIONS, "status": 503, "every": 3})
        assert rule.status_code == 201, rule.text

    def call(client: httpx.Client, n: int) -> int:
        return client.get(SESSIONS, headers=DOCTOR_TOKEN).status_code

    statuses = burst([first.url, second.url], call, 90)
    assert statuses.count(503) == 30
    assert statuses.count(200) == 60
    with second.client() as admin:
        listed = admin.get("/__admin/rules").json()["rules"]
        assert [(r["calls"], r["fired"]) for r in listed] == [(90, 30)]
        # The other process's last entries may take FLUSH_INTERVAL to be written.
        deadline = time.monotonic() + 2
        while True:
            journal = admin.get("/__admin/journal", params={"limit": 1000}).json()["entries"]
            journaled = sum(1 for e in journal if e["path"] == SESSIONS)
            if journaled == 90 or time.monotonic() > deadline:
                break
            time.sleep(FLUSH_INTERVAL)
    assert journaled == 90


def test_workers_with_memory_state_are_refused() -> None:
    result = CliRunner().invoke(main, ["serve", "--state", "memory", "--workers", "2"])
    assert result.exit_code == 2
    assert "--state memory is one process's" in result.output


def test_a_refresh_token_is_traded_in_once_across_processes(shared_state: str) -> None:
    """A TWIN refresh token spent on one process is spent on the other (they share the state
    and the token secret, as workers and replicas do)."""
    settings = Settings(state=shared_state, token_secret="a-shared-token-secret-of-32-bytes!!")
    first, second = MockServer(settings), MockServer(settings)
    with TestClient(first.app) as one, TestClient(second.app) as two:
        login = one.post(
            "/twin/api/v1/auth/login",
            json={"email": "demo@twin.example", "password": "demo-password"},
        )
        assert login.status_code == 200, login.text
        tokens = login.json()
        trade = {"refreshToken": tokens["refreshToken"]}
        auth = {"Authorization": f"Bearer {tokens['token']}"}
        assert one.post("/twin/api/v1/auth/refresh", json=trade, headers=auth).status_code == 200
        again = two.post("/twin/api/v1/auth/refresh", json=trade, headers=auth)
        assert again.status_code == 401, again.text
    for server in (first, second):
        server.control.backend.close()
