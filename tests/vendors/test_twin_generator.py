"""TWIN's generator: the invariants the API and its contract checks rely on hold at any size.

The checked-in fixtures are one output (250 sessions); `make bench` loads 100,000. Every rule is
checked on a data set large enough to hold every kind of session many times over. The same
function finds nothing wrong at 100,000 sessions (``broken_invariants(generate("twin", 100_000))``,
35 s: too long for every CI run).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from mockserver.generators import generate
from mockserver.vendors.twin.messages import summary

Data = dict[str, list[dict[str, Any]]]

CLIENT_IDS = {"WHATSAPP": "whatsappPhone", "TELEGRAM": "telegramClientId"}
"""A messenger -> the client id only its sessions carry."""

LIFECYCLE = ("createdAt", "startedAt", "operatorAssignedAt", "lastMessageCreatedAt", "closedAt")
"""Times that never go backwards, in this order, where set."""


@pytest.fixture(scope="module")
def large() -> Data:
    return generate("twin", 4000, seed=3)


def broken_invariants(data: Data) -> list[str]:
    """Every rule a TWIN data set breaks, one line each (empty when it is consistent)."""
    problems: list[str] = []
    for name, records in data.items():
        ids = [r["id"] for r in records]
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: ids are not unique")
    users = {u["id"]: u for u in data["users"]}
    chats = {c["id"]: c for c in data["chats"]}
    clients = {c["id"]: c for c in data["clients"]}
    messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for message in data["messages"]:
        messages[message["sessionId"]].append(message)
    sessions = {s["id"] for s in data["sessions"]}
    problems += [f"message {m} of no session" for m in messages.keys() - sessions]
    for group in data["operatorGroups"]:
        problems += [
            f"group {group['id']}: operator {o} of another company"
            for o in group["operatorIds"]
            if users[o]["companyId"] != group["companyId"]
        ]
    for session in data["sessions"]:
        problems += _session_problems(session, chats, clients, users, messages[session["id"]])
    return problems


def _session_problems(
    session: dict[str, Any],
    chats: dict[str, dict[str, Any]],
    clients: dict[str, dict[str, Any]],
    users: dict[int, dict[str, Any]],
    messages: list[dict[str, Any]],
) -> list[str]:
    sid, company = session["id"], session["companyId"]
    problems = []
    if chats[session["chatId"]]["companyId"] != company:
        problems.append(f"{sid}: chat of another company")
    client = clients[session["clientId"]]
    if client["companyId"] != company or client["messengerType"] != session["messengerType"]:
        problems.append(f"{sid}: client of another company or messenger")
    for messenger, field in CLIENT_IDS.items():
        if (session[field] is not None) != (session["messengerType"] == messenger):
            problems.append(f"{sid}: {field} on a {session['messengerType']} session")
    if (session["referer"] is not None) != (session["messengerType"] == "WEB"):
        problems.append(f"{sid}: referer on a {session['messengerType']} session")
    for operator in session["operators"]:
        if users[operator["id"]]["companyId"] != company:
            problems.append(f"{sid}: operator {operator['id']} of another company")
    if [m["createdAt"] for m in messages] != sorted(m["createdAt"] for m in messages):
        problems.append(f"{sid}: messages out of order")
    told = summary(messages)
    problems += [
        f"{sid}: {k} disagrees with its messages" for k, v in told.items() if session[k] != v
    ]
    times = [session[field] for field in LIFECYCLE if session[field] is not None]
    if times != sorted(times):
        problems.append(f"{sid}: lifecycle times out of order {times}")
    if (session["closedAt"] is None) != (session["status"] != "CLOSED"):
        problems.append(f"{sid}: closedAt on a {session['status']} session")
    return problems


def test_a_large_data_set_keeps_every_invariant(large: Data) -> None:
    assert broken_invariants(large) == []


def test_the_large_data_set_holds_every_kind_of_session(large: Data) -> None:
    sessions = large["sessions"]
    kinds = {(s["status"], s["operatorType"], s["messengerType"]) for s in sessions}
    assert {status for status, _, _ in kinds} == {"ACTIVE", "WAITING", "CLOSED"}
    assert {kind for _, kind, _ in kinds} == {"OPERATOR", "BOT", None}
    assert sum(len(s["operators"]) > 1 for s in sessions) > 0  # transferred sessions
    assert sum(s["lastMessage"] is None for s in sessions) > 0  # silent sessions


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["messages"].pop(),
        lambda d: d["sessions"][0].update(clientMessageCount=99),
        lambda d: d["sessions"][1].update(whatsappPhone="+491701234567", messengerType="WEB"),
        lambda d: d["operatorGroups"][0]["operatorIds"].append(d["users"][-1]["id"]),
        lambda d: d["sessions"][2].update(closedAt="2020-01-01T00:00:00+00:00"),
    ],
    ids=["lost-message", "counter", "messenger-id", "foreign-operator", "closed-before-created"],
)
def test_each_broken_invariant_is_found(damage: Any) -> None:
    data = generate("twin", 200, seed=3)
    assert broken_invariants(data) == []
    damage(data)
    assert broken_invariants(data) != []
