"""TWIN's session calls, operators and messages: what each call changes, and who may call it.

Expected states are worked out here from the fixture records with plain Python. Every answer is
checked against the spec (``conforms``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.collection import Collection
from mockserver.errors import FixtureError
from tests.conftest import Conforms, FakeClock

API = "/twin/api/v1"
Record = dict[str, Any]


def _login(client: TestClient, email: str, password: str) -> dict[str, str]:
    body = {"email": email, "password": password}
    token = client.post(f"{API}/auth/login", json=body).json()["token"]
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def demo(client: TestClient) -> dict[str, str]:
    return _login(client, "demo@twin.example", "demo-password")


@pytest.fixture(scope="module")
def solo(client: TestClient) -> dict[str, str]:
    return _login(client, "solo@twin.example", "solo-password")


def twin(server: MockServer, name: str) -> Collection:
    return server.store.collections("twin")[name]


def call(
    client: TestClient,
    headers: dict[str, str],
    conforms: Conforms,
    method: str,
    path: str,
    body: Any = None,
    status: int = 200,
    **params: Any,
) -> Any:
    """One call as TWIN's SDK sends it: JSON on every verb, ``[]`` when there is no body."""
    content = None if method == "GET" else json.dumps([] if body is None else body)
    response = client.request(
        method, f"{API}/{path}", headers=headers, content=content, params=params
    )
    assert response.status_code == status, response.text
    conforms(response)
    return response.json()


def a_session(server: MockServer, company: int = 1, **fields: Any) -> Record:
    return next(
        s
        for s in twin(server, "sessions")
        if s["companyId"] == company and all(s[k] == v for k, v in fields.items())
    )


def messages_of(server: MockServer, session_id: str) -> list[Record]:
    return sorted(
        (m for m in twin(server, "messages") if m["sessionId"] == session_id),
        key=lambda m: m["createdAt"],
    )


def team(server: MockServer, company: int) -> list[Record]:
    return [
        u for u in twin(server, "users") if u["companyId"] == company and u["role"] == "OPERATOR"
    ]


# -- fixtures ----------------------------------------------------------------------------------


def test_every_session_agrees_with_its_messages(server: MockServer) -> None:
    """Counters, lastMessage, unread and the answer timers, from the messages, independently."""
    by_session: dict[str, list[Record]] = defaultdict(list)
    for message in twin(server, "messages"):
        by_session[message["sessionId"]].append(message)
    sessions = list(twin(server, "sessions"))
    assert len(twin(server, "messages")) > 5 * len(sessions)
    for session in sessions:
        mine = sorted(by_session.pop(session["id"], []), key=lambda m: m["createdAt"])
        kinds = [m["authorType"] for m in mine]
        assert session["clientMessageCount"] == kinds.count("CLIENT")
        assert session["operatorMessageCount"] == kinds.count("OPERATOR")
        assert session["botMessageCount"] == kinds.count("BOT")
        unread = [m for m in mine if m["authorType"] == "CLIENT" and m["readAt"] is None]
        assert session["unreadClientMessageCount"] == len(unread)
        if unread:
            assert session["status"] != "CLOSED"
        last = mine[-1] if mine else None
        assert (session["lastMessage"] or {}).get("id") == (last or {}).get("id")
        assert session["lastMessageCreatedAt"] == (last and last["createdAt"])
        operators = [m for m in mine if m["authorType"] == "OPERATOR"]
        assert session["lastOperatorMessage"] == (operators[-1]["createdAt"] if operators else None)
        for message in mine:
            assert session["startedAt"] <= message["createdAt"]
            if message["authorType"] == "OPERATOR":
                assert message["authorId"] in {str(o["id"]) for o in session["operators"]}
            if message["replyTo"] is not None:
                assert message["replyTo"]["sessionId"] == session["id"]
    assert not by_session, "messages of no session"


def test_groups_clients_and_chats_belong_to_their_company(server: MockServer) -> None:
    users = {u["id"]: u for u in twin(server, "users")}
    for group in twin(server, "operatorGroups"):
        assert group["operatorIds"]
        assert {users[u]["companyId"] for u in group["operatorIds"]} == {group["companyId"]}
    clients = {c["id"]: c for c in twin(server, "clients")}
    chats = {c["id"]: c for c in twin(server, "chats")}
    for session in twin(server, "sessions"):
        assert clients[session["clientId"]]["companyId"] == session["companyId"]
        assert chats[session["chatId"]]["companyId"] == session["companyId"]
        assert session["tags"] is None or isinstance(session["tags"], str)


def test_fixtures_whose_counters_lie_are_refused(server: MockServer) -> None:
    session = a_session(server, clientMessageCount=3)
    twin(server, "sessions").put({**session, "clientMessageCount": 4})
    with pytest.raises(FixtureError, match=r"clientMessageCount.*messages make it 3"):
        server.apis["twin"].check_fixtures(server.store.collections("twin"), lambda n: n)


# -- tenancy and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "sessions/{s}"),
        ("DELETE", "sessions/{s}"),
        ("PATCH", "sessions/{s}/names/x"),
        ("PATCH", "sessions/{s}/spam"),
        ("PUT", "sessions/{s}/operators/3"),
        ("GET", "sessions/{s}/messages"),
        ("GET", "clients/{c}/messages"),
        ("PATCH", "messages/{m}/read"),
    ],
)
def test_another_tenants_things_are_not_found(
    client: TestClient,
    server: MockServer,
    solo: dict[str, str],
    conforms: Conforms,
    method: str,
    path: str,
) -> None:
    session = a_session(server, 1)
    message = messages_of(server, session["id"])[0]
    where = path.format(s=session["id"], c=session["clientId"], m=message["id"])
    body = call(client, solo, conforms, method, where, status=404)
    assert body["error"].endswith("not found.")
    assert twin(server, "sessions").get(session["id"]) == session


def test_a_message_list_of_a_foreign_company_is_forbidden(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = a_session(server, 1)
    body = call(
        client, demo, conforms, "GET", f"sessions/{session['id']}/messages", status=403, companyId=5
    )
    assert body == {"error": "Access to the company is denied.", "details": {"companyId": 5}}
    call(
        client, demo, conforms, "GET", f"sessions/{session['id']}/messages", status=404, companyId=2
    )


def test_errors_speak_the_language_asked_except_the_sdks_expiry_text(
    client: TestClient, demo: dict[str, str], conforms: Conforms
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    ru = call(client, demo, conforms, "GET", f"sessions/{missing}", status=404, language="ru")
    assert ru["error"] == "Сессия не найдена."
    bad = call(client, demo, conforms, "GET", "sessions", status=400, limit=0, language="ru")
    assert bad["error"] == "Неверные входные параметры"
    en = call(client, demo, conforms, "GET", f"sessions/{missing}", status=404)
    assert en == {"error": "Session not found.", "details": {"sessionId": missing}}


# -- the list's QueryRequest -------------------------------------------------------------------


def test_dates_in_the_time_zone_asked_for(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = a_session(server, operatorType="OPERATOR")
    shown = call(client, demo, conforms, "GET", f"sessions/{session['id']}", timezone=-5)
    for field in ("createdAt", "startedAt", "updatedAt"):
        assert shown[field].endswith("-05:00")
        assert datetime.fromisoformat(shown[field]) == datetime.fromisoformat(session[field])
    assert shown["operators"][0]["assigned_at"].endswith("-05:00")
    assert shown["lastMessage"]["createdAt"].endswith("-05:00")
    properties = server.apis["twin"].spec.schema("#/components/schemas/SessionInfo")["properties"]
    dates = {name for name, p in properties.items() if p.get("format") == "date-time"}
    assert {"lastOperatorMessage", "closedAt"} <= dates
    for name, value in session.items():
        if name in dates and value is not None:
            assert datetime.fromisoformat(shown[name]) == datetime.fromisoformat(value)
            assert shown[name].endswith("-05:00")
        elif name not in ("operators", "lastMessage"):
            assert shown[name] == value, name
    messages = call(
        client, demo, conforms, "GET", f"sessions/{session['id']}/messages", timezone=14
    )
    assert all(m["createdAt"].endswith("+14:00") for m in messages["items"])


def test_cursor_paging_walks_every_session_once(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    expected = [
        s["id"]
        for s in sorted(
            (s for s in twin(server, "sessions") if s["companyId"] == 1),
            key=lambda s: s["name"].casefold(),
        )
    ]
    seen: list[str] = []
    params: dict[str, Any] = {"sort": "name", "limit": 7, "fields": "id"}
    while True:
        page = call(client, demo, conforms, "GET", "sessions", **params)
        assert page["count"] == len(expected)
        if not page["items"]:
            break
        seen += [i["id"] for i in page["items"]]
        params.update(offsetField="id", offsetValue=seen[-1])
    assert seen == expected


def test_a_cursor_on_a_date_compares_instants(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    newest = sorted(
        (s for s in twin(server, "sessions") if s["companyId"] == 1),
        key=lambda s: s["startedAt"],
        reverse=True,
    )
    at = datetime.fromisoformat(newest[2]["startedAt"]).astimezone().isoformat()
    page = call(
        client,
        demo,
        conforms,
        "GET",
        "sessions",
        offsetField="startedAt",
        offsetValue=at,
        limit=2,
        fields="id",
    )
    assert [i["id"] for i in page["items"]] == [s["id"] for s in newest[3:5]]
    gone = call(client, demo, conforms, "GET", "sessions", offsetField="id", offsetValue="nobody")
    assert gone["items"] == []
    lone = call(client, demo, conforms, "GET", "sessions", status=400, offsetField="id")
    assert lone["details"][0]["name"] == "offsetValue"


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"groupByClientId": "1"}, ("clientId",)),
        ({"group": "messengerType,status"}, ("messengerType", "status")),
        ({"group": "chatId", "groupByClientId": "true"}, ("chatId", "clientId")),
    ],
)
def test_group_answers_the_first_session_of_each_group(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    params: dict[str, str],
    key: tuple[str, ...],
) -> None:
    ordered = sorted(
        (s for s in twin(server, "sessions") if s["companyId"] == 1),
        key=lambda s: s["startedAt"],
        reverse=True,
    )
    firsts: dict[tuple[Any, ...], str] = {}
    for session in ordered:
        firsts.setdefault(tuple(session[k] for k in key), session["id"])
    answer = call(client, demo, conforms, "GET", "sessions", limit=1000, fields="id", **params)
    assert answer["count"] == len(firsts) < len(ordered)
    assert [i["id"] for i in answer["items"]] == list(firsts.values())


# -- a session's edits and operators -----------------------------------------------------------


def test_rename_and_spam_are_seen_by_the_list_and_its_filters(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = a_session(server, markedAsSpam=False)
    sid = session["id"]
    renamed = call(client, demo, conforms, "PATCH", f"sessions/{sid}/names/Zoë%20O'Neil")
    assert renamed["name"] == "Zoë O'Neil"
    assert renamed["updatedAt"] > session["updatedAt"]
    assert (
        call(client, demo, conforms, "GET", "sessions", sessionId=sid, name="zoë o")["count"] == 1
    )
    call(client, demo, conforms, "PATCH", f"sessions/{sid}/spam")
    assert (
        call(client, demo, conforms, "GET", "sessions", sessionId=sid, markedAsSpam="1")["count"]
        == 1
    )
    assert (
        call(client, demo, conforms, "GET", "sessions", sessionId=sid, markedAsSpam="0")["count"]
        == 0
    )
    call(client, demo, conforms, "PATCH", f"sessions/{sid}/notSpam", body={})
    assert (
        call(client, demo, conforms, "GET", "sessions", sessionId=sid, markedAsSpam="0")["count"]
        == 1
    )


def test_operators_come_and_go(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    waiting = a_session(server, status="WAITING")
    sid, (first, second) = waiting["id"], team(server, 1)[:2]
    added = call(client, demo, conforms, "PUT", f"sessions/{sid}/operators/{first['id']}")
    assert (added["status"], added["operatorId"], added["operatorType"]) == (
        "ACTIVE",
        str(first["id"]),
        "OPERATOR",
    )
    again = call(client, demo, conforms, "PUT", f"sessions/{sid}/operators/{second['id']}")
    assert again["operatorId"] == str(first["id"])  # someone handles it already
    assert [o["id"] for o in again["operators"]] == [first["id"], second["id"]]
    for operator in (first, second):
        listed = call(
            client, demo, conforms, "GET", "sessions", operatorId=str(operator["id"]), sessionId=sid
        )
        assert listed["count"] == 1
    switched = call(client, demo, conforms, "PATCH", f"sessions/{sid}/operators/{first['id']}")
    assert [o["id"] for o in switched["operators"]] == [second["id"], first["id"]]
    left = call(client, demo, conforms, "DELETE", f"sessions/{sid}/operators/{first['id']}")
    assert (left["operatorId"], left["status"]) == (str(second["id"]), "ACTIVE")
    none = call(client, demo, conforms, "DELETE", f"sessions/{sid}/operators/{second['id']}")
    assert (none["operatorId"], none["operatorType"], none["status"], none["operators"]) == (
        None,
        None,
        "WAITING",
        [],
    )
    call(client, demo, conforms, "DELETE", f"sessions/{sid}/operators/{second['id']}", status=404)
    foreign = team(server, 2)[0]
    call(client, demo, conforms, "PUT", f"sessions/{sid}/operators/{foreign['id']}", status=404)


def test_a_group_hands_the_session_to_its_first_other_operator(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    group = next(
        g
        for g in twin(server, "operatorGroups")
        if g["companyId"] == 1 and len(g["operatorIds"]) > 1
    )
    session = a_session(server, operatorId=str(group["operatorIds"][0]))
    moved = call(
        client, demo, conforms, "PATCH", f"sessions/{session['id']}/groupoperators/{group['id']}"
    )
    assert moved["operatorId"] == str(group["operatorIds"][1])
    other = next(g for g in twin(server, "operatorGroups") if g["companyId"] == 2)
    call(
        client,
        demo,
        conforms,
        "PATCH",
        f"sessions/{session['id']}/groupoperators/{other['id']}",
        status=404,
    )


def test_a_deleted_session_and_its_messages_are_gone_everywhere(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = a_session(server)
    sid = session["id"]
    before = call(client, demo, conforms, "GET", "sessions")["count"]
    client_messages = call(
        client, demo, conforms, "GET", f"clients/{session['clientId']}/messages", limit=1000
    )
    own = len(messages_of(server, sid))
    answer = call(client, demo, conforms, "DELETE", f"sessions/{sid}", body={"result": "resolved"})
    assert answer == {"id": sid, "result": "resolved"}
    call(client, demo, conforms, "GET", f"sessions/{sid}", status=404)
    call(client, demo, conforms, "GET", f"sessions/{sid}/messages", status=404)
    assert call(client, demo, conforms, "GET", "sessions")["count"] == before - 1
    left = call(
        client, demo, conforms, "GET", f"clients/{session['clientId']}/messages", limit=1000
    )
    assert left["count"] == client_messages["count"] - own
    assert own == sum(
        session[c] for c in ("clientMessageCount", "operatorMessageCount", "botMessageCount")
    )
    assert messages_of(server, sid) == []


# -- messages ----------------------------------------------------------------------------------


def test_a_posted_message_moves_the_session(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = a_session(server, status="ACTIVE", operatorType="OPERATOR")
    sid = session["id"]
    last_reply = [m for m in messages_of(server, sid) if m["authorType"] == "OPERATOR"][-1]
    posted = call(
        client, demo, conforms, "POST", f"sessions/{sid}/clients/messages", status=201,
        body={"body": "Спасибо!", "replyToMessageId": last_reply["id"],
              "attachments": [{"name": "photo.jpg", "contentType": "image/jpeg", "url": "https://x.example/p.jpg"}]},
    )  # fmt: skip
    after = call(client, demo, conforms, "GET", f"sessions/{sid}")
    assert after["clientMessageCount"] == session["clientMessageCount"] + 1
    assert after["unreadClientMessageCount"] == session["unreadClientMessageCount"] + 1
    assert after["lastMessage"]["id"] == posted["id"]
    assert after["lastMessage"]["type"] == "IMAGE"
    assert after["lastMessageCreatedAt"] == posted["createdAt"] == after["clientOnlineAt"]
    if session["firstClientMessageAfterLastOperatorMessage"] is None:
        assert after["firstClientMessageAfterLastOperatorMessage"] == posted["createdAt"]
    listed = call(
        client, demo, conforms, "GET", f"sessions/{sid}/messages", sort="-created_at", limit=1
    )
    assert listed["items"][0]["replyTo"]["id"] == last_reply["id"]
    assert listed["count"] == len(messages_of(server, sid))
    read = call(client, demo, conforms, "PATCH", f"messages/{posted['id']}/read")
    assert read["readAt"] is not None
    again = call(client, demo, conforms, "GET", f"sessions/{sid}")
    assert again["unreadClientMessageCount"] == session["unreadClientMessageCount"]
    assert again["lastMessage"]["readAt"] == read["readAt"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"body": ""}, 400),
        ({"body": "x", "replyToMessageId": "00000000-0000-4000-8000-000000000000"}, 404),
    ],
)
def test_messages_that_cannot_be_posted(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    body: Any,
    status: int,
) -> None:
    session = a_session(server, status="ACTIVE")
    call(
        client,
        demo,
        conforms,
        "POST",
        f"sessions/{session['id']}/clients/messages",
        body=body,
        status=status,
    )
    assert twin(server, "sessions").get(session["id"]) == session


def test_a_closed_session_takes_messages_only_once_continued(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    closed = a_session(server, status="CLOSED", operatorType="BOT")
    sid = closed["id"]
    call(
        client,
        demo,
        conforms,
        "POST",
        f"sessions/{sid}/clients/messages",
        body={"body": "?"},
        status=409,
    )
    continued = call(
        client, demo, conforms, "PUT", f"chats/{closed['chatId']}/sessions",
        body={"clientId": closed["clientId"], "messageBody": "Снова я"},
    )  # fmt: skip
    newest = max(
        (
            s
            for s in twin(server, "sessions")
            if s["clientId"] == closed["clientId"] and s["chatId"] == closed["chatId"]
        ),
        key=lambda s: s["startedAt"],
    )
    assert continued["id"] == newest["id"]
    if newest["id"] == sid:
        assert (newest["status"], newest["closedAt"]) == ("ACTIVE", None)
    assert continued["messages"] == []  # a finished bot does not answer


def test_start_refuses_a_session_id_in_use_and_a_foreign_client(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    chat = next(c for c in twin(server, "chats") if c["companyId"] == 1)
    session = a_session(server)
    call(
        client,
        demo,
        conforms,
        "POST",
        f"chats/{chat['id']}/sessions",
        body={"sessionId": session["id"]},
        status=409,
    )
    foreign = next(c for c in twin(server, "clients") if c["companyId"] == 5)
    call(
        client,
        demo,
        conforms,
        "POST",
        f"chats/{chat['id']}/sessions",
        body={"clientId": foreign["id"]},
        status=404,
    )
    mine = next(c for c in twin(server, "clients") if c["companyId"] == 1)
    started = call(
        client,
        demo,
        conforms,
        "POST",
        f"chats/{chat['id']}/sessions",
        body={"clientId": mine["id"]},
        status=201,
    )
    stored = twin(server, "sessions").get(started["id"])
    assert stored is not None
    assert (stored["name"], stored["companyId"], stored["clientMessageCount"]) == (
        mine["name"],
        1,
        0,
    )


def test_messages_of_one_second_keep_their_order(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    clock: FakeClock,
) -> None:
    sid = a_session(server, status="ACTIVE")["id"]
    clock.advance(-clock.now % 1)  # the start of a second
    sent = []
    for text in ("one", "two", "three"):
        sent.append(
            call(
                client,
                demo,
                conforms,
                "POST",
                f"sessions/{sid}/clients/messages",
                body={"body": text},
                status=201,
            )
        )
        clock.advance(0.25)
    assert len({m["createdAt"][:19] for m in sent}) == 1
    newest = call(
        client, demo, conforms, "GET", f"sessions/{sid}/messages", sort="-created_at", limit=3
    )
    assert [m["body"] for m in newest["items"]] == ["three", "two", "one"]
