"""HAPI Hub end to end: logins and tokens, the session lifecycle, who sees what, the Feathers
query on the wire, concurrency, reset, and the fixtures' invariants."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.config import PROJECT_ROOT
from mockserver.errors import FixtureError
from mockserver.vendors.hapihub.api import ACCESS_TTL, DIRECTIVES, state_of
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS, STATES
from tests.conftest import Conforms, FakeClock

SESSIONS = "/hapihub/chat-sessions"
AUTHENTICATION = "/hapihub/authentication"
DOCTOR, PATIENT, ADMIN = DEMO_ACCOUNTS
STAMPS = ("createdAt", "startedAt", "acceptedAt", "rejectedAt", "finishedAt")
# how to bring a new session into each state
PATHS = {
    "created": [],
    "started": ["start"],
    "accepted": ["start", "accept"],
    "rejected": ["start", "reject"],
    "finished": ["start", "accept", "finish"],
}
ALLOWED = {
    ("created", "start"): "started",
    ("started", "accept"): "accepted",
    ("started", "reject"): "rejected",
    ("started", "finish"): "finished",
    ("accepted", "finish"): "finished",
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


AS_DOCTOR, AS_PATIENT, AS_ADMIN = (bearer(a["token"]) for a in DEMO_ACCOUNTS)


def stored(server: MockServer) -> list[dict[str, Any]]:
    return list(server.store.collections("hapihub")["sessions"])


def account(server: MockServer, role: str, *, besides: tuple[str, ...] = ()) -> dict[str, Any]:
    demo = {a["uid"] for a in DEMO_ACCOUNTS}
    return next(
        a
        for a in server.store.collections("hapihub")["accounts"]
        if a["role"] == role and a["uid"] not in demo and a["uid"] not in besides
    )


def create(client: TestClient, conforms: Conforms, **fields: Any) -> dict[str, Any]:
    body = {"participants": [PATIENT["uid"], DOCTOR["uid"]], **fields}
    response = client.post(SESSIONS, json=body, headers=AS_DOCTOR)
    assert response.status_code == 200, response.text
    conforms(response)
    return dict(response.json())


def patch(
    client: TestClient, conforms: Conforms, session_id: str, body: Any, headers: Any = AS_DOCTOR
) -> httpx.Response:
    response = client.patch(f"{SESSIONS}/{session_id}", json=body, headers=headers)
    conforms(response)
    return response


def session_in(client: TestClient, conforms: Conforms, state: str) -> dict[str, Any]:
    session = create(client, conforms)
    for directive in PATHS[state]:
        response = patch(client, conforms, session["id"], {directive: True})
        assert response.status_code == 200, response.text
        session = response.json()
    assert state_of(session) == state
    return session


def find(
    client: TestClient, conforms: Conforms, query: str, headers: Any = AS_DOCTOR
) -> list[dict[str, Any]]:
    response = client.get(f"{SESSIONS}?{query}", headers=headers)
    assert response.status_code == 200, response.text
    conforms(response)
    return list(response.json())


def find_all(
    client: TestClient, conforms: Conforms, query: str, headers: Any = AS_DOCTOR
) -> list[dict[str, Any]]:
    """Every page of a find, walked with $skip."""
    found: list[dict[str, Any]] = []
    while page := find(client, conforms, f"{query}&$limit=100&$skip={len(found)}", headers):
        found += page
    return found


def visible_to(uid: str, sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in sessions if s["createdBy"] == uid or uid in s["participants"]]


def assert_feathers_error(response: httpx.Response, name: str, code: int) -> dict[str, Any]:
    body = dict(response.json())
    assert response.status_code == code, response.text
    assert (body["name"], body["code"]) == (name, code)
    assert body["className"] in ("bad-request", "not-authenticated", "not-found", "conflict")
    assert isinstance(body["errors"], dict)
    return body


# -- logins and tokens ------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMO_ACCOUNTS, ids=lambda a: a["role"])
def test_local_login_answers_a_jwt_and_the_user_with_id_and_uid(
    client: TestClient, conforms: Conforms, demo: dict[str, Any]
) -> None:
    response = client.post(
        AUTHENTICATION,
        json={"strategy": "local", "email": demo["email"].upper(), "password": "demo-password"},
    )
    assert response.status_code == 201
    conforms(response)
    body = response.json()
    claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
    assert claims["sub"] == body["uid"] == body["user"]["id"] == body["user"]["uid"] == demo["uid"]
    assert claims["exp"] - claims["iat"] == ACCESS_TTL
    assert body["authentication"] == {"strategy": "local"}
    assert "password" not in body["user"]
    assert "token" not in body["user"]
    listed = client.get(SESSIONS, headers=bearer(body["accessToken"]))
    assert listed.status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "doctor@hapihub.example", "password": "wrong"},
        {"email": "nobody@hapihub.example", "password": "demo-password"},
    ],
)
def test_wrong_login_is_not_authenticated(
    client: TestClient, conforms: Conforms, credentials: dict[str, str]
) -> None:
    response = client.post(AUTHENTICATION, json={"strategy": "local", **credentials})
    conforms(response)
    assert assert_feathers_error(response, "NotAuthenticated", 401)["message"] == "Invalid login"


@pytest.mark.parametrize(
    "body", [{}, {"strategy": "local", "email": "doctor@hapihub.example"}, {"strategy": "oauth"}]
)
def test_authentication_without_a_strategy_it_knows_is_a_bad_request(
    client: TestClient, conforms: Conforms, body: dict[str, str]
) -> None:
    response = client.post(AUTHENTICATION, json=body)
    conforms(response)
    assert_feathers_error(response, "BadRequest", 400)


def login(client: TestClient, account: dict[str, Any] = DOCTOR) -> dict[str, Any]:
    response = client.post(
        AUTHENTICATION,
        json={"strategy": "local", "email": account["email"], "password": "demo-password"},
    )
    assert response.status_code == 201
    return dict(response.json())


def test_refused_tokens_get_feathers_words(
    client: TestClient, conforms: Conforms, clock: FakeClock
) -> None:
    tokens = login(client)
    cases = [
        ({}, "Not authenticated"),
        (bearer("not-a-token"), "invalid token"),
        (bearer(tokens["refreshToken"]), "invalid token"),  # not an access token
    ]
    for headers, message in cases:
        response = client.get(SESSIONS, headers=headers)
        conforms(response)
        assert assert_feathers_error(response, "NotAuthenticated", 401)["message"] == message
    clock.advance(ACCESS_TTL + 1)
    try:
        response = client.get(SESSIONS, headers=bearer(tokens["accessToken"]))
        assert assert_feathers_error(response, "NotAuthenticated", 401)["message"] == "jwt expired"
        assert client.get(SESSIONS, headers=AS_DOCTOR).status_code == 200  # API tokens last
    finally:
        clock.advance(-(ACCESS_TTL + 1))


def test_jwt_strategy_re_authenticates_with_the_same_token(
    client: TestClient, conforms: Conforms
) -> None:
    token = login(client)["accessToken"]
    response = client.post(AUTHENTICATION, json={"strategy": "jwt", "accessToken": token})
    assert response.status_code == 201
    conforms(response)
    body = response.json()
    assert body["accessToken"] == token
    assert body["authentication"]["strategy"] == "jwt"
    assert body["authentication"]["payload"]["sub"] == DOCTOR["uid"]


def test_refresh_action_renews_tokens_and_uses_the_refresh_token_up(
    client: TestClient, conforms: Conforms
) -> None:
    refresh = {"action": "refreshAccessToken", "refreshToken": login(client)["refreshToken"]}
    renewed = client.post(AUTHENTICATION, json=refresh)
    assert renewed.status_code == 201
    conforms(renewed)
    assert client.get(SESSIONS, headers=bearer(renewed.json()["accessToken"])).status_code == 200
    again = client.post(AUTHENTICATION, json=refresh)
    conforms(again)
    assert_feathers_error(again, "NotAuthenticated", 401)


def test_logout_revokes_a_jwt_but_not_an_api_token(client: TestClient, conforms: Conforms) -> None:
    token = login(client)["accessToken"]
    response = client.delete(AUTHENTICATION, headers=bearer(token))
    assert response.status_code == 200
    conforms(response)
    assert response.json()["authentication"]["strategy"] == "jwt"
    assert client.get(SESSIONS, headers=bearer(token)).status_code == 401
    response = client.delete(AUTHENTICATION, headers=AS_PATIENT)
    assert response.status_code == 200
    conforms(response)
    assert response.json()["authentication"] == {"strategy": "apiToken"}
    assert client.get(SESSIONS, headers=AS_PATIENT).status_code == 200


# -- the lifecycle ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("directive", list(DIRECTIVES))
def test_every_directive_in_every_state(
    client: TestClient, conforms: Conforms, state: str, directive: str
) -> None:
    before = session_in(client, conforms, state)
    response = patch(client, conforms, before["id"], {directive: True}, AS_PATIENT)
    after = client.get(f"{SESSIONS}/{before['id']}", headers=AS_DOCTOR).json()
    if (state, directive) in ALLOWED:
        assert response.status_code == 200, response.text
        assert response.json() == after
        assert state_of(after) == ALLOWED[state, directive]
        at, by, _ = DIRECTIVES[directive]
        assert after[by] == PATIENT["uid"]
        assert {k: v for k, v in after.items() if k not in (at, by)} == before
        stamps = [after[s] for s in STAMPS if s in after]
        assert stamps == sorted(stamps)
    else:
        body = assert_feathers_error(response, "Conflict", 409)
        assert body["errors"] == {"state": state, "directive": directive}
        words = "was never started" if state == "created" else state
        assert directive in body["message"]
        assert words in body["message"]
        assert after == before


@pytest.mark.parametrize(
    ("directive", "value", "reason"),
    [
        ("reject", True, None),
        ("reject", "Please see me at the clinic", "Please see me at the clinic"),
        ("finish", "Prescription sent", None),
        ("finish", True, None),
    ],
)
def test_reject_and_finish_take_a_boolean_or_a_string(
    client: TestClient, conforms: Conforms, directive: str, value: Any, reason: str | None
) -> None:
    session = session_in(client, conforms, "started")
    response = patch(client, conforms, session["id"], {directive: value})
    assert response.status_code == 200
    assert response.json().get("rejectReason") == reason
    assert "Prescription sent" not in json.dumps(response.json())


@pytest.mark.parametrize("body", [{"start": False}, {"reject": ""}, {"seen": True}, {}])
def test_false_directives_and_unknown_fields_change_nothing(
    client: TestClient, conforms: Conforms, body: dict[str, Any]
) -> None:
    session = session_in(client, conforms, "created")
    response = patch(client, conforms, session["id"], body)
    assert response.status_code == 200
    assert response.json() == session


@pytest.mark.parametrize(
    "body",
    [
        {"accept": True, "finish": True},
        {"start": True, "reject": "no"},
        {"reject": True, "finish": "x"},
    ],
)
def test_two_directives_at_once_are_a_conflict_and_change_nothing(
    client: TestClient, conforms: Conforms, body: dict[str, Any]
) -> None:
    session = session_in(client, conforms, "started")
    response = patch(client, conforms, session["id"], {**body, "room": "mc-tm-other"})
    message = assert_feathers_error(response, "Conflict", 409)["message"]
    assert all(d in message for d in body)
    assert client.get(f"{SESSIONS}/{session['id']}", headers=AS_DOCTOR).json() == session


@pytest.mark.parametrize("state", STATES)
def test_plain_fields_change_in_every_state(
    client: TestClient, conforms: Conforms, server: MockServer, state: str
) -> None:
    session = session_in(client, conforms, state)
    third = account(server, "doctor")["uid"]
    body = {"room": "mc-tm-moved", "participants": [PATIENT["uid"], DOCTOR["uid"], third]}
    response = patch(client, conforms, session["id"], body)
    assert response.status_code == 200
    assert response.json() == {**session, **body}


def test_a_clock_set_back_never_breaks_the_stamp_order(
    client: TestClient, conforms: Conforms, clock: FakeClock
) -> None:
    session = session_in(client, conforms, "started")
    clock.advance(-3600)
    try:
        accepted = patch(client, conforms, session["id"], {"accept": True}).json()
    finally:
        clock.advance(3600)
    assert accepted["acceptedAt"] == session["startedAt"]


def test_a_create_may_state_a_history_the_directives_could_have_made(
    client: TestClient, conforms: Conforms
) -> None:
    history = {
        "createdAt": 1_000,
        "startedAt": 2_000,
        "startedBy": PATIENT["uid"],
        "rejectedAt": 3_000,
        "rejectReason": "fully booked",
    }
    created = create(client, conforms, **history)
    assert {k: created[k] for k in history} == history
    assert created["rejectedBy"] == DOCTOR["uid"]  # a stamp without its *By: the caller's act
    assert state_of(created) == "rejected"
    assert client.get(f"{SESSIONS}/{created['id']}", headers=AS_DOCTOR).json() == created


# Histories no sequence of directives makes, and the field each refusal names.
IMPOSSIBLE = [
    ({"acceptedAt": 5}, "acceptedAt", "started first"),
    ({"startedAt": 5, "startedBy": "x", "acceptedAt": 4}, "acceptedAt", "earlier than startedAt"),
    ({"createdAt": 9, "startedAt": 5}, "startedAt", "earlier than createdAt"),
    ({"startedAt": 5, "acceptedAt": 6, "rejectedAt": 7}, "rejectedAt", "not both"),
    ({"startedAt": 5, "rejectedAt": 6, "finishedAt": 7}, "finishedAt", "not finished"),
    ({"startedBy": PATIENT["uid"]}, "startedBy", "go together"),
    ({"rejectReason": "no"}, "rejectReason", "only a rejected session"),
]


@pytest.mark.parametrize(("history", "field", "words"), IMPOSSIBLE)
def test_a_create_stating_an_impossible_history_is_refused(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    history: dict[str, Any],
    field: str,
    words: str,
) -> None:
    before = len(stored(server))
    body = {"participants": [PATIENT["uid"]], "createdAt": 0, **history}
    response = client.post(SESSIONS, json=body, headers=AS_DOCTOR)
    conforms(response)
    errors = assert_feathers_error(response, "BadRequest", 400)["errors"]
    assert words in errors[field]
    assert len(stored(server)) == before


@pytest.mark.parametrize(("history", "field", "words"), IMPOSSIBLE)
def test_a_patch_stating_an_impossible_history_changes_nothing(
    client: TestClient,
    conforms: Conforms,
    history: dict[str, Any],
    field: str,
    words: str,
) -> None:
    session = session_in(client, conforms, "created")
    history = {**history, "createdAt": history.get("createdAt", 0)}
    response = patch(client, conforms, session["id"], {"room": "moved", **history})
    assert words in assert_feathers_error(response, "BadRequest", 400)["errors"][field]
    assert client.get(f"{SESSIONS}/{session['id']}", headers=AS_DOCTOR).json() == session


def test_a_patch_may_state_history_and_then_a_directive_applies(
    client: TestClient, conforms: Conforms
) -> None:
    session = session_in(client, conforms, "created")
    body = {"startedAt": session["createdAt"] + 1, "accept": True}
    patched = patch(client, conforms, session["id"], body).json()
    assert patched["startedAt"] == session["createdAt"] + 1
    assert patched["startedBy"] == DOCTOR["uid"]
    assert state_of(patched) == "accepted"
    again = {"startedAt": patched["startedAt"], "start": True}
    assert_feathers_error(patch(client, conforms, session["id"], again), "Conflict", 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"participants": []}, "participants"),
        ({"room": "no participants"}, "participants"),
        ({"participants": [PATIENT["uid"]], "type": "clinic"}, "type"),
    ],
)
def test_create_checks_participants_and_type(
    client: TestClient, conforms: Conforms, body: dict[str, Any], field: str
) -> None:
    response = client.post(SESSIONS, json=body, headers=AS_DOCTOR)
    conforms(response)
    assert field in assert_feathers_error(response, "BadRequest", 400)["errors"]


def test_the_vendors_own_example_creates_a_session_as_written(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    # Placeholder uids no account has, and a field the session does not know: kept, ignored.
    operation = server.apis["hapihub"].spec.resolved["paths"]["/chat-sessions"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]["vendorExample"]
    created = create(client, conforms, **example["value"])
    assert created["participants"] == ["account-id1", "account-id2"]
    assert "title" not in created


def test_create_get_patch_list_round_trip(
    client: TestClient, conforms: Conforms, clock: FakeClock
) -> None:
    created = create(client, conforms, title="Hello", room="mc-tm-roundtrip")
    assert len(created["id"]) == 24
    assert int(created["id"], 16)
    assert created["createdAt"] == int(clock() * 1000)
    assert (created["createdBy"], created["type"]) == (DOCTOR["uid"], "telemed")
    assert "title" not in created
    read = client.get(f"{SESSIONS}/{created['id']}", headers=AS_PATIENT)
    conforms(read)
    assert read.json() == created
    started = patch(client, conforms, created["id"], {"start": True}, AS_PATIENT).json()
    assert client.get(f"{SESSIONS}/{created['id']}", headers=AS_DOCTOR).json() == started
    assert find(client, conforms, f"id={created['id']}", AS_PATIENT) == [started]
    newest = find(client, conforms, "$sort[createdAt]=-1&$limit=1")
    assert newest == [started]


def test_a_given_creation_time_is_kept(client: TestClient, conforms: Conforms) -> None:
    assert create(client, conforms, createdAt=1564661697125)["createdAt"] == 1564661697125


# -- who sees what ----------------------------------------------------------------------------


def test_strangers_get_404_exactly_as_for_a_session_that_does_not_exist(
    client: TestClient, conforms: Conforms, server: MockServer
) -> None:
    session = create(client, conforms)
    stranger = bearer(account(server, "patient")["token"])
    for method, body in (("GET", None), ("PATCH", {"start": True}), ("PATCH", {"room": "x"})):
        hidden = client.request(method, f"{SESSIONS}/{session['id']}", json=body, headers=stranger)
        missing = client.request(method, f"{SESSIONS}/no-such-id", json=body, headers=stranger)
        conforms(hidden)
        assert_feathers_error(hidden, "NotFound", 404)
        assert hidden.json()["message"] == missing.json()["message"].replace(
            "no-such-id", session["id"]
        )
    assert find(client, conforms, f"id={session['id']}", stranger) == []
    assert state_of(client.get(f"{SESSIONS}/{session['id']}", headers=AS_DOCTOR).json()) == (
        "created"
    )


def test_creator_participants_and_admins_see_a_session(
    client: TestClient, conforms: Conforms, server: MockServer
) -> None:
    patient, doctor = account(server, "patient"), account(server, "doctor")
    # the demo doctor books a consultation between two other people
    session = create(client, conforms, participants=[patient["uid"], doctor["uid"]])
    for headers in (AS_DOCTOR, AS_ADMIN, bearer(patient["token"]), bearer(doctor["token"])):
        assert client.get(f"{SESSIONS}/{session['id']}", headers=headers).status_code == 200
    assert client.get(f"{SESSIONS}/{session['id']}", headers=AS_PATIENT).status_code == 404


@pytest.mark.parametrize(
    ("headers", "uid"), [(AS_DOCTOR, DOCTOR["uid"]), (AS_PATIENT, PATIENT["uid"]), (AS_ADMIN, None)]
)
def test_find_walks_exactly_the_visible_sessions_in_creation_order(
    client: TestClient, conforms: Conforms, server: MockServer, headers: Any, uid: str | None
) -> None:
    expected = stored(server) if uid is None else visible_to(uid, stored(server))
    walked = find_all(client, conforms, "type=telemed", headers)
    assert [s["id"] for s in walked] == [s["id"] for s in expected]


# -- the Feathers query -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 10),
        ("$limit=3", 3),
        ("$limit=%233", 3),  # MYCURE's typed number
        ("$limit=1000", 100),
        ("$limit=0", 0),
        ("$limit=5&$skip=%23{two_before_the_end}", 2),
    ],
)
def test_limit_defaults_to_10_and_is_clamped_to_100(
    client: TestClient, conforms: Conforms, server: MockServer, query: str, count: int
) -> None:
    visible = len(visible_to(DOCTOR["uid"], stored(server)))
    assert visible > 100
    assert len(find(client, conforms, query.format(two_before_the_end=visible - 2))) == count


def mongo_order(sessions: list[dict[str, Any]], keys: list[tuple[str, int]]) -> list[str]:
    """Ids in MongoDB's order for ``keys``: a missing field is smaller than any value."""

    def sort_key(name: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
        def key(session: dict[str, Any]) -> tuple[int, Any]:
            value = session.get(name)
            if value is None:
                return (0, 0)
            return (1, value.casefold() if isinstance(value, str) else value)

        return key

    result = list(sessions)
    for name, direction in reversed(keys):
        result.sort(key=sort_key(name), reverse=direction == -1)
    return [s["id"] for s in result]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("$sort[createdAt]=-1", [("createdAt", -1)]),
        (
            "%24sort%5BstartedBy%5D=1&%24sort%5BcreatedAt%5D=-1",
            [("startedBy", 1), ("createdAt", -1)],
        ),
        ("$sort[acceptedAt]=1", [("acceptedAt", 1)]),  # never accepted first
        ("$sort[acceptedAt]=%23-1&$sort[id]=1", [("acceptedAt", -1), ("id", 1)]),
        ("$sort[room]=1&$sort[finishedAt]=-1", [("room", 1), ("finishedAt", -1)]),
    ],
)
def test_sort_by_several_fields_in_mongodb_order(
    client: TestClient, conforms: Conforms, server: MockServer, query: str, keys: Any
) -> None:
    expected = mongo_order(visible_to(DOCTOR["uid"], stored(server)), keys)
    assert [s["id"] for s in find_all(client, conforms, query)] == expected


@pytest.mark.parametrize(
    "query",
    [
        "$select[0]=room&$select[1]=startedAt",
        "%24select%5B0%5D=room&%24select%5B1%5D=startedAt",
        "$select[]=room&$select[]=startedAt",
        "$select=room&$select=startedAt",
        "$select=id&$select=room&$select=startedAt",
    ],
)
def test_select_keeps_the_id_and_the_named_fields(
    client: TestClient, conforms: Conforms, server: MockServer, query: str
) -> None:
    expected = visible_to(DOCTOR["uid"], stored(server))[:10]
    fields = ("id", "room", "startedAt")
    assert find(client, conforms, query) == [{k: s[k] for k in fields if k in s} for s in expected]


def _fixture_values(server: MockServer) -> dict[str, Any]:
    sessions = visible_to(DOCTOR["uid"], stored(server))
    created = sorted(s["createdAt"] for s in sessions)
    return {
        "T": created[len(created) // 2],
        "room": next(s["room"] for s in sessions if "room" in s),
        "ids": [sessions[3]["id"], sessions[7]["id"]],
        "reason": next(s["rejectReason"] for s in sessions if "rejectReason" in s),
    }


FILTERS: list[tuple[str, Callable[[dict[str, Any], dict[str, Any]], bool]]] = [
    ("type=telemed", lambda s, v: True),
    ("room={room}", lambda s, v: s.get("room") == v["room"]),
    (f"createdBy={PATIENT['uid']}", lambda s, v: s["createdBy"] == PATIENT["uid"]),
    (f"startedBy={DOCTOR['uid']}", lambda s, v: s.get("startedBy") == DOCTOR["uid"]),
    (f"acceptedBy={DOCTOR['uid']}", lambda s, v: s.get("acceptedBy") == DOCTOR["uid"]),
    (f"participants={PATIENT['uid']}", lambda s, v: PATIENT["uid"] in s["participants"]),
    (f"participants[$ne]={PATIENT['uid']}", lambda s, v: PATIENT["uid"] not in s["participants"]),
    ("id[$in][0]={ids[0]}&id[$in][1]={ids[1]}", lambda s, v: s["id"] in v["ids"]),
    ("id%5B%24in%5D%5B%5D={ids[0]}", lambda s, v: s["id"] == v["ids"][0]),
    ("id[$in]=%23[]", lambda s, v: False),
    (f"createdBy[$nin][0]={DOCTOR['uid']}", lambda s, v: s["createdBy"] != DOCTOR["uid"]),
    (f"startedBy[$ne]={PATIENT['uid']}", lambda s, v: s.get("startedBy") != PATIENT["uid"]),
    ("createdAt[$gt]={T}", lambda s, v: s["createdAt"] > v["T"]),
    ("createdAt[$gte]=%23{T}", lambda s, v: s["createdAt"] >= v["T"]),
    ("createdAt[$lt]={T}", lambda s, v: s["createdAt"] < v["T"]),
    ("createdAt[$lte]={T}&createdAt[$gte]={T}", lambda s, v: s["createdAt"] == v["T"]),
    ("createdAt[$in][0]={T}", lambda s, v: s["createdAt"] == v["T"]),
    ("acceptedBy", lambda s, v: "acceptedBy" not in s),  # MYCURE's null: a bare key
    ("acceptedAt[$ne]", lambda s, v: "acceptedAt" in s),
    ("acceptedAt[$ne]=", lambda s, v: "acceptedAt" in s),
    ("startedBy&finishedAt[$ne]", lambda s, v: False),
    (
        "rejectReason[$in][]={reason}&rejectReason[$in][]=x",
        lambda s, v: s.get("rejectReason") == v["reason"],
    ),
]


@pytest.mark.parametrize(("template", "matches"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_and_operators_match_what_mongodb_would(
    client: TestClient,
    conforms: Conforms,
    server: MockServer,
    template: str,
    matches: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> None:
    values = _fixture_values(server)
    expected = [s["id"] for s in visible_to(DOCTOR["uid"], stored(server)) if matches(s, values)]
    found = [s["id"] for s in find_all(client, conforms, template.format(**values))]
    assert found == expected
    assert found or template in ("id[$in]=%23[]", "startedBy&finishedAt[$ne]")


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("$limit=-1", ["$limit"]),
        ("$limit=ten&$skip=x", ["$limit", "$skip"]),
        ("$sort[createdAt]=up", ["$sort[createdAt]"]),
        ("$sort[nope]=1", ["$sort"]),
        ("$sort[participants]=1", ["$sort"]),
        ("$select[0]=nope", ["$select[0]"]),
        ("$select=nope", ["$select[0]"]),
        ("nope=1", ["nope"]),
        ("room[$regex]=x", ["room[$regex]"]),
        ("$or[0][room]=x", ["$or"]),
        ("createdAt[$gt]=yesterday", ["createdAt[$gt]"]),
        ("createdAt[$in][0]=yesterday", ["createdAt[$in]"]),
        ("room=a&room=b", ["room"]),
        ("participants[$lt]=x", ["participants[$lt]"]),
        ("nope=1&room[$where]=x&$limit=%232", ["nope", "room[$where]"]),
    ],
)
def test_bad_queries_are_a_bad_request_naming_every_key(
    client: TestClient, conforms: Conforms, query: str, keys: list[str]
) -> None:
    response = client.get(f"{SESSIONS}?{query}", headers=AS_DOCTOR)
    conforms(response)
    assert sorted(assert_feathers_error(response, "BadRequest", 400)["errors"]) == sorted(keys)


# -- state: reset and concurrency -------------------------------------------------------------


def test_admin_reset_restores_the_fixtures(
    client: TestClient, conforms: Conforms, server: MockServer
) -> None:
    created = create(client, conforms)
    fixture = next(s for s in visible_to(DOCTOR["uid"], stored(server)) if state_of(s) == "created")
    assert patch(client, conforms, fixture["id"], {"start": True}).status_code == 200
    assert client.post("/__admin/reset?api=hapihub").status_code == 200
    assert client.get(f"{SESSIONS}/{created['id']}", headers=AS_DOCTOR).status_code == 404
    assert client.get(f"{SESSIONS}/{fixture['id']}", headers=AS_DOCTOR).json() == fixture


@pytest.fixture
def live(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=30) as http:
        yield http


def _live_session(live: httpx.Client) -> str:
    body = {"participants": [PATIENT["uid"], DOCTOR["uid"]]}
    response = live.post(SESSIONS, json=body, headers=AS_DOCTOR)
    assert response.status_code == 200
    return str(response.json()["id"])


def test_concurrent_directives_on_one_session_apply_exactly_once(live: httpx.Client) -> None:
    session = _live_session(live)

    def send(body: dict[str, Any]) -> int:
        return live.patch(f"{SESSIONS}/{session}", json=body, headers=AS_PATIENT).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        starts = list(pool.map(send, [{"start": True}] * 16))
        # accepting and rejecting race: whichever comes first wins, the rest find it decided
        answers = list(pool.map(send, [{"accept": True}, {"reject": "busy"}] * 8))
    assert (starts.count(200), starts.count(409)) == (1, 15)
    assert (answers.count(200), answers.count(409)) == (1, 15)
    final = live.get(f"{SESSIONS}/{session}", headers=AS_DOCTOR).json()
    assert state_of(final) in ("accepted", "rejected")
    assert ("rejectReason" in final) == (state_of(final) == "rejected")


def test_concurrent_writers_never_lose_an_update_and_readers_never_see_half_of_one(
    live: httpx.Client,
) -> None:
    sessions = [_live_session(live) for _ in range(8)]
    rooms = {s: f"mc-tm-{i:08x}" for i, s in enumerate(sessions)}

    def drive(session: str) -> list[int]:
        codes = []
        for directive in ("start", "accept", "finish"):
            codes.append(
                live.patch(
                    f"{SESSIONS}/{session}", json={directive: True}, headers=AS_DOCTOR
                ).status_code
            )
        return codes

    def move(session: str) -> list[int]:
        body = {"room": rooms[session]}
        return [live.patch(f"{SESSIONS}/{session}", json=body, headers=AS_PATIENT).status_code]

    def read(session: str) -> list[int]:
        for _ in range(10):
            seen = live.get(f"{SESSIONS}/{session}", headers=AS_ADMIN).json()
            for at, by, _ in DIRECTIVES.values():
                assert (at in seen) == (by in seen), seen
            stamps = [seen[s] for s in STAMPS if s in seen]
            assert stamps == sorted(stamps), seen
        return []

    jobs = [(job, s) for s in sessions for job in (drive, move, read, read)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = [c for result in pool.map(lambda j: j[0](j[1]), jobs) for c in result]
    assert set(codes) == {200}
    for session in sessions:
        final = live.get(f"{SESSIONS}/{session}", headers=AS_DOCTOR).json()
        assert state_of(final) == "finished"
        assert final["room"] == rooms[session]


# -- fixtures ---------------------------------------------------------------------------------


def test_fixtures_hold_every_state_and_the_demo_accounts(server: MockServer) -> None:
    sessions = stored(server)
    for state in STATES:
        assert sum(state_of(s) == state for s in sessions) >= 100, state
    accounts = server.store.collections("hapihub")["accounts"]
    for demo in DEMO_ACCOUNTS:
        assert accounts.get(demo["uid"]) == demo
        assert demo["email"] == f"{demo['role']}@hapihub.example"
        assert (demo["password"], demo["token"]) == ("demo-password", f"demo-{demo['role']}-token")
    assert {state_of(s) for s in visible_to(PATIENT["uid"], sessions)} == set(STATES)


@pytest.mark.parametrize(
    ("edit", "pointer", "words"),
    [
        (lambda s: s.update(acceptedAt=s["startedAt"] - 1), "/acceptedAt", "earlier"),
        (lambda s: s.pop("acceptedBy"), "/acceptedAt", "go together"),
        (lambda s: s["participants"].append("ghost"), "/participants/2", "no account"),
        (
            lambda s: s.update(rejectedAt=s["finishedAt"], rejectedBy=s["acceptedBy"]),
            "/rejectedAt",
            "accepted or rejected, not both",
        ),
    ],
)
def test_a_fixture_breaking_the_lifecycle_stops_start_up(
    tmp_path: Path, edit: Callable[[dict[str, Any]], Any], pointer: str, words: str
) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(PROJECT_ROOT / "fixtures", fixtures)
    file = fixtures / "hapihub" / "sessions.json"
    sessions = json.loads(file.read_text(encoding="utf-8"))
    index = next(
        i
        for i, s in enumerate(sessions)
        if state_of(s) == "finished" and "acceptedAt" in s and len(s["participants"]) == 2
    )
    edit(sessions[index])
    file.write_text(json.dumps(sessions), encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        MockServer(Settings(fixtures_dir=fixtures))
    assert caught.value.file == str(file)
    assert caught.value.pointer == f"/{index}{pointer}"
    assert words in caught.value.message


def test_a_new_id_another_session_holds_is_never_reused(
    client: TestClient, server: MockServer, conforms: Conforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids are claimed in the store (insert-if-absent), not checked and then put."""
    taken = stored(server)[0]
    api = server.apis["hapihub"]
    ids = iter([taken["id"], "000000000000000000000001"])
    monkeypatch.setattr(api, "_new_id", lambda now: next(ids))
    created = create(client, conforms)
    assert created["id"] == "000000000000000000000001"
    assert server.store.collections("hapihub")["sessions"].get(taken["id"]) == taken
