"""Fault rules: counting, combining and expiring (on a clock the test moves), set through the
admin API, answered in each vendor's shape; real dropped and truncated connections on loopback."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.errors import BadRequest, NotFound
from mockserver.faults import Decision, FaultRules
from mockserver.vendors import VENDORS
from tests.conftest import FakeClock, RaceLost


def decide(rules: FaultRules, method: str, path: str) -> Decision:
    """What the fault middleware would do with this call (it decides on the event loop)."""
    return asyncio.run(rules.decide(method, path))


SESSIONS = "/chatkitty/chat-sessions"


@pytest.fixture
def rules(clock: FakeClock) -> FaultRules:
    return FaultRules(clock, random.Random(1))


def statuses(rules: FaultRules, calls: int, method: str = "GET", path: str = SESSIONS) -> list[Any]:
    return [decide(rules, method, path).status for _ in range(calls)]


# -- the rules themselves --------------------------------------------------------------------


@pytest.mark.parametrize("every", [1, 2, 3])
def test_a_status_fires_on_every_nth_matching_call(rules: FaultRules, every: int) -> None:
    rules.add({"method": "GET", "path": SESSIONS, "status": 503, "every": every})
    fired = [s == 503 for s in statuses(rules, 6)]
    assert fired == [(n + 1) % every == 0 for n in range(6)]


@pytest.mark.parametrize(
    ("rule_path", "method", "path", "matches"),
    [
        ("/chatkitty", "GET", SESSIONS, True),
        ("/chatkitty/", "GET", "/chatkitty", True),
        ("/chat", "GET", SESSIONS, False),
        ("/hapihub/chat-sessions/{id}", "GET", "/hapihub/chat-sessions/42", True),
        ("/hapihub/chat-sessions/{id}", "GET", "/hapihub/chat-sessions", False),
        ("/hapihub/chat-sessions/{id}", "GET", "/hapihub/chat-sessions/4/x", False),
        ("/", "DELETE", "/twin/anything", True),
    ],
)
def test_rules_match_a_prefix_or_a_template(
    rules: FaultRules, rule_path: str, method: str, path: str, matches: bool
) -> None:
    rules.add({"path": rule_path, "status": 500})
    assert (decide(rules, method, path).status == 500) is matches


def test_a_method_limits_a_rule(rules: FaultRules) -> None:
    rules.add({"method": "POST", "path": "/", "status": 500})
    assert decide(rules, "GET", SESSIONS).status is None
    assert decide(rules, "POST", SESSIONS).status == 500


def test_a_rule_expires_after_firing_times(rules: FaultRules) -> None:
    rules.add({"path": "/", "status": 502, "every": 2, "times": 2})
    assert statuses(rules, 6) == [None, 502, None, 502, None, None]
    assert rules.list() == []


def test_a_rule_expires_after_its_ttl(rules: FaultRules, clock: FakeClock) -> None:
    rule = rules.add({"path": "/", "status": 500, "ttl": 30})
    assert rule.as_dict(clock())["expires_in"] == 30
    clock.advance(29.9)
    assert decide(rules, "GET", SESSIONS).status == 500
    clock.advance(0.1)
    assert decide(rules, "GET", SESSIONS).status is None
    assert rules.list() == []


def test_latencies_add_up_and_stay_in_their_range(rules: FaultRules) -> None:
    rules.add({"path": "/twin", "latency_ms": {"min": 200, "max": 800}})
    rules.add({"path": "/", "latency_ms": {"min": 50}})
    delays = [decide(rules, "GET", "/twin/x").delay for _ in range(50)]
    assert all(0.25 <= d <= 0.85 for d in delays)
    assert len(set(delays)) > 1
    assert decide(rules, "GET", "/chatkitty").delay == pytest.approx(0.05)


def test_the_first_firing_rule_with_an_outcome_decides(rules: FaultRules) -> None:
    rules.add({"path": "/", "latency_ms": {"min": 10}})
    rules.add({"path": "/chatkitty", "fault": "drop"})
    rules.add({"path": "/chatkitty", "status": 500})
    decision = decide(rules, "GET", SESSIONS)
    assert (decision.fault, decision.status, decision.rules) == ("drop", None, ("r1", "r2", "r3"))


@pytest.mark.parametrize(
    ("definition", "complaint"),
    [
        ({"path": "/"}, "needs a status, a latency_ms or a fault"),
        ({"path": "/", "status": 500, "fault": "drop"}, "not both"),
        ({"path": "/__admin/journal", "status": 500}, "lock yourself out"),
        ({"path": "/", "latency_ms": {"min": 500, "max": 100}}, "max (100) is below min (500)"),
    ],
)
def test_rules_that_make_no_sense_are_refused(
    rules: FaultRules, definition: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(BadRequest, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        rules.add(definition)


def test_removing_an_unknown_rule_names_the_rules_in_force(rules: FaultRules) -> None:
    rules.add({"path": "/", "status": 500})
    with pytest.raises(NotFound, match="rules in force: r1"):
        rules.remove("r9")


# -- through the admin API -------------------------------------------------------------------


def first_get(server: MockServer, vendor: str) -> str:
    api = server.apis[vendor]
    return api.prefix + next(o.path for o in api.spec.operations.values() if o.method == "get")


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_an_injected_status_is_answered_in_the_vendors_shape(
    client: TestClient, server: MockServer, vendor: str
) -> None:
    path = first_get(server, vendor).split("{")[0]
    added = client.post("/__admin/rules", json={"path": path, "status": 503, "every": 2})
    assert added.status_code == 201
    assert added.json()["id"].startswith("r")
    first, second = client.get(path), client.get(path)
    assert first.status_code != 503
    assert second.status_code == 503
    api = server.apis[vendor]
    assert second.headers["content-type"].startswith(api.error_media_types[0])
    assert "Fault rule" in second.text


def test_rules_are_listed_counted_and_cleared(client: TestClient) -> None:
    definitions = [
        {"method": "GET", "path": SESSIONS, "status": 500},
        {"path": "/twin", "latency_ms": {"min": 1}, "times": 3},
    ]
    first, second = (client.post("/__admin/rules", json=d).json()["id"] for d in definitions)
    client.get(SESSIONS)
    listed = client.get("/__admin/rules").json()["rules"]
    assert [(r["id"], r["calls"], r["fired"]) for r in listed] == [(first, 1, 1), (second, 0, 0)]
    assert client.delete(f"/__admin/rules/{first}").json() == {"deleted": first}
    assert client.delete(f"/__admin/rules/{first}").status_code == 404
    assert client.delete("/__admin/rules").json() == {"cleared": 1}
    assert client.get("/__admin/rules").json() == {"rules": []}


def test_rule_definitions_are_validated_by_the_admin_spec(client: TestClient) -> None:
    response = client.post("/__admin/rules", json={"path": "no-slash", "status": 200, "x": 1})
    assert response.status_code == 400
    message = response.json()["message"]
    for field in ("path", "status", "unknown field"):
        assert field in message


def test_latency_is_waited_for(
    client: TestClient, server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(server.control.rules, "sleep", record)
    client.post("/__admin/rules", json={"path": "/chatkitty", "latency_ms": {"min": 300}})
    assert client.get(SESSIONS).status_code == 401  # the request goes on after the wait
    assert waited == [pytest.approx(0.3)]


def test_in_process_a_drop_says_it_cannot(client: TestClient) -> None:
    client.post("/__admin/rules", json={"path": SESSIONS, "fault": "drop"})
    response = client.get(SESSIONS)
    assert response.status_code == 500
    assert "no way to drop a connection" in response.json()["explanation"]


# -- real network faults ---------------------------------------------------------------------


@pytest.fixture
def live(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=5) as http:
        yield http
        http.delete("/__admin/rules")


def test_a_dropped_connection_sends_nothing(live: httpx.Client) -> None:
    rule = live.post("/__admin/rules", json={"path": SESSIONS, "fault": "drop", "times": 1})
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        live.get(SESSIONS)
    assert live.get(SESSIONS).status_code == 401  # expired after one: served again
    entry = live.get("/__admin/journal", params={"path": SESSIONS}).json()["entries"][1]
    assert entry["status"] is None
    assert entry["notes"] == [f"fault rule {rule.json()['id']}: connection dropped"]


def test_a_truncated_body_is_shorter_than_announced(live: httpx.Client) -> None:
    whole = live.get(SESSIONS)
    live.post("/__admin/rules", json={"path": SESSIONS, "fault": "truncate"})
    with live.stream("GET", SESSIONS) as response:
        assert response.status_code == whole.status_code
        assert response.headers["content-length"] == str(len(whole.content))
        with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|closed"):
            response.read()


def test_a_rule_added_after_a_lost_race_is_answered_as_it_was_stored(clock: FakeClock) -> None:
    backend = RaceLost()
    rules = FaultRules(clock, backend=backend)
    backend.interfere = lambda kept: {**kept, "next": kept["next"] + 1}  # another worker's add
    added = rules.add({"path": SESSIONS, "status": 500})
    assert [rule.id for rule in rules.list()] == [added.id]
