"""Journal queries and explanations through the admin API: bodies kept (bounded, redacted),
selection by every filter, counts, "explain" in the 400's own words, and the state view."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.journal import BODY_LIMIT
from tests.vendors.test_chatkitty import get_token
from tests.vendors.test_hapihub import AS_DOCTOR, DOCTOR, PATIENT

SESSIONS = "/chatkitty/chat-sessions"
HAPI = "/hapihub/chat-sessions"
LOGIN = "/twin/api/v1/auth/login"


def journal(client: TestClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/journal", params=query)
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])


def count(client: TestClient, **query: Any) -> int:
    response = client.get("/__admin/journal/count", params=query)
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


def create_session(client: TestClient, room: str) -> dict[str, Any]:
    body = {"participants": [PATIENT["uid"], DOCTOR["uid"]], "room": room}
    response = client.post(HAPI, json=body, headers=AS_DOCTOR)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_entry_keeps_both_bodies_with_credentials_redacted(client: TestClient) -> None:
    login = {"email": "demo@twin.example", "password": "demo-password", "ttl": 3600}
    answer = client.post(LOGIN, json=login).json()
    entry = journal(client)[0]
    assert entry["request_body"] == (
        '{"email":"demo@twin.example","password":"[redacted]","ttl":3600}'
    )
    assert entry["response_body"] == (
        '{"token":"[redacted]","authToken":"[redacted]","refreshToken":"[redacted]"}'
    )
    assert answer["token"] not in str(entry)
    assert entry["request_body_size"] == len(client.post(LOGIN, json=login).request.content)
    assert entry["response_headers"]["content-type"] == "application/json"
    assert entry["operation"] == "login"


def test_form_and_multipart_credentials_are_redacted(client: TestClient) -> None:
    client.post(
        "/chatkitty/oauth/token",
        data={"grant_type": "client_credentials", "client_secret": "s3cret"},
    )
    client.post(
        "/chatkitty/oauth/token",
        files={"grant_type": (None, "client_credentials"), "client_secret": (None, "s3cret")},
    )
    multipart, form = journal(client)
    assert form["request_body"] == "grant_type=client_credentials&client_secret=[redacted]"
    assert "client_credentials" in multipart["request_body"]
    assert "s3cret" not in multipart["request_body"]
    assert "s3cret" not in form["request_body"]


def test_a_body_is_kept_up_to_the_limit_and_a_cut_one_is_still_redacted(
    client: TestClient,
) -> None:
    filler = "x" * (2 * BODY_LIMIT)
    body = '{"password": "hunter2", "note": "' + filler + '"}'
    client.post(HAPI, content=body, headers={**AS_DOCTOR, "Content-Type": "application/json"})
    entry = journal(client)[0]
    assert entry["request_body_size"] == len(body)
    assert "hunter2" not in entry["request_body"]
    assert '"password": "[redacted]"' in entry["request_body"]
    kept, _, rest = entry["request_body"].partition("…")
    assert len(kept) == BODY_LIMIT - len('"hunter2"') + len('"[redacted]"')
    assert rest == f" [{len(body) - BODY_LIMIT} more bytes not kept]"


def test_a_binary_answer_is_described_not_shown(client: TestClient) -> None:
    login = {"email": "demo@twin.example", "password": "demo-password", "ttl": 3600}
    token = client.post(LOGIN, json=login).json()["token"]
    response = client.get(
        "/twin/api/v1/sessions",
        params={"zip": "true", "limit": 3},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    entry = journal(client)[0]
    assert entry["response_body"] == f"<{len(response.content)} bytes of application/zip>"


def test_queries_by_method_path_status_namespace_and_body_fields(client: TestClient) -> None:
    create_session(client, "consult-1")
    create_session(client, "consult-2")
    session = create_session(client, "consult-2")
    client.get(f"{HAPI}/{session['id']}", headers=AS_DOCTOR)
    client.get(SESSIONS, headers={"Mock-Namespace": "team-a"})  # in team-a's own journal
    client.get(SESSIONS, params={"state": "PAUSED"})

    assert count(client) == 5
    assert count(client, method="post") == 3
    assert count(client, api="hapihub", method="GET") == 1
    assert count(client, path=f"{HAPI}/*") == 1  # a glob covers the whole path
    assert count(client, path=HAPI) == 4  # a plain path is a prefix
    assert count(client, path_regex=r"/hapihub/chat-sessions/[^/]+") == 1
    assert count(client, path_regex="/hapihub") == 0  # the whole path must match
    assert count(client, status="2xx") == 4
    assert count(client, status="401") == 1
    assert count(client, namespace="team-a") == 0
    in_team_a = client.get("/__admin/journal", headers={"Mock-Namespace": "team-a"}).json()
    assert [e["namespace"] for e in in_team_a["entries"]] == ["team-a"]
    assert count(client, body="room=consult-2") == 2
    assert count(client, body=["room=consult-2", f"participants.0={PATIENT['uid']}"]) == 2
    assert count(client, body="room") == 3
    assert count(client, body="room=consult-3") == 0
    assert count(client, response_body="room=consult-1") == 1
    assert count(client, response_body=f"id={session['id']}") == 2  # the create and the read


def test_body_values_compare_as_json_when_they_parse() -> None:
    from mockserver.verification import FieldFilter

    document = {"ttl": 3600, "on": True, "name": "3600", "list": [{"a": None}]}
    assert FieldFilter.parse("ttl=3600", "body").matches(document)
    assert FieldFilter.parse("name=3600", "body").matches(document)
    assert FieldFilter.parse("on=true", "body").matches(document)
    assert FieldFilter.parse("list.0.a=null", "body").matches(document)
    assert not FieldFilter.parse("ttl=3601", "body").matches(document)
    assert not FieldFilter.parse("list.1", "body").matches(document)
    assert not FieldFilter.parse("on=yes", "body").matches(document)


def test_a_credential_cannot_be_probed_through_a_body_query(client: TestClient) -> None:
    login = {"email": "demo@twin.example", "password": "demo-password", "ttl": 3600}
    client.post(LOGIN, json=login)
    assert count(client, body="email=demo@twin.example") == 1
    assert count(client, body="password=demo-password") == 0


def test_matched_and_problems_find_what_strict_mode_reports(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {get_token(client)}"}
    client.get(SESSIONS, headers=auth)  # fine
    client.get(SESSIONS, params={"state": "PAUSED"}, headers=auth)  # breaks the spec
    client.get("/chatkitty/sessions")  # no such path
    client.delete(SESSIONS)  # no such method
    client.get("/nowhere")  # no API
    client.options(SESSIONS, headers={"Origin": "http://x", "Access-Control-Request-Method": "GET"})
    unmatched = [e["path"] for e in journal(client, matched="false")]
    assert unmatched == ["/nowhere", SESSIONS, "/chatkitty/sessions"]
    assert [e["method"] for e in journal(client, matched="false", path=SESSIONS)] == ["DELETE"]
    assert [e["query"] for e in journal(client, problems="true")] == ["state=PAUSED"]
    assert count(client, matched="true") == 4  # the token, two lists and the preflight


def test_after_returns_only_newer_entries(client: TestClient) -> None:
    client.get(SESSIONS)
    newest = journal(client)[0]["id"]
    client.get("/chatkitty/a")
    client.get("/chatkitty/b")
    later = journal(client, after=newest)
    assert [e["path"] for e in later] == ["/chatkitty/b", "/chatkitty/a"]
    ids = [int(e["id"]) for e in later]
    assert ids[0] > ids[1] > int(newest)
    assert journal(client, after=ids[0]) == []
    assert [e["path"] for e in journal(client, after=ids[1])] == ["/chatkitty/b"]


def test_explain_uses_the_words_of_the_400(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {get_token(client)}"}
    answer = client.get(
        SESSIONS, params={"state": "PAUSED", "sort": "nope,up"}, headers=auth
    ).json()
    entry = journal(client)[0]
    explained = client.get(f"/__admin/journal/{entry['id']}/explain").json()
    assert explained["outcome"] == "refused"
    assert explained["status"] == 400
    assert explained["operation"] == "listChatSessions"
    assert explained["request"] == f"GET {SESSIONS}?state=PAUSED&sort=nope%2Cup"
    assert explained["reasons"] == [entry["error"], *entry["problems"]]
    for problem in answer["explanation"].removeprefix("Invalid request: ").split("; "):
        assert any(problem in reason for reason in explained["reasons"]), problem
    assert explained["text"].startswith(
        f"GET {SESSIONS}?state=PAUSED&sort=nope%2Cup was refused with 400:"
    )
    assert (
        "\n  - query parameter 'state' must be one of ACTIVE, ENDED, got 'PAUSED'"
        in explained["text"]
    )


@pytest.mark.parametrize(
    ("method", "path", "reason"),
    [
        ("GET", "/chatkitty/sessions", "chatkitty has no path /sessions; its paths: "),
        ("DELETE", SESSIONS, "chatkitty has no DELETE /chat-sessions; allowed: GET, HEAD"),
        ("GET", "/nowhere", "no API is served at /nowhere; the APIs are under /chatkitty, "),
    ],
)
def test_explain_says_where_an_unmatched_request_should_have_gone(
    client: TestClient, method: str, path: str, reason: str
) -> None:
    client.request(method, path)
    explained = client.get(f"/__admin/journal/{journal(client)[0]['id']}/explain").json()
    assert explained["operation"] is None
    assert explained["reasons"][0].startswith(reason)


def test_explain_names_the_fault_rule_that_answered(client: TestClient) -> None:
    rule = client.post("/__admin/rules", json={"path": SESSIONS, "status": 503}).json()
    client.get(SESSIONS)
    explained = client.get(f"/__admin/journal/{journal(client)[0]['id']}/explain").json()
    assert explained["outcome"] == "failed"
    assert any(rule["id"] in reason for reason in explained["reasons"])


def test_one_entry_by_id_and_unknown_ids(client: TestClient) -> None:
    client.get(SESSIONS)
    entry = journal(client)[0]
    assert client.get(f"/__admin/journal/{entry['id']}").json() == entry
    for unknown in ("999999", "abc"):
        response = client.get(f"/__admin/journal/{unknown}/explain")
        assert response.status_code == 404
        assert unknown in response.json()["message"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"path_regex": "(("}, "path_regex"),
        ({"body": "=x"}, "body"),
        ({"response_body": ""}, "response_body"),
        ({"after": "x"}, "after"),
    ],
)
def test_a_query_it_cannot_understand_is_a_400_naming_the_parameter(
    client: TestClient, query: dict[str, str], named: str
) -> None:
    for endpoint in ("/__admin/journal", "/__admin/journal/count"):
        response = client.get(endpoint, params=query)
        assert response.status_code == 400, response.text
        assert named in response.json()["message"]


def test_state_counts_every_collection_and_follows_writes(client: TestClient) -> None:
    def sessions() -> int:
        apis = {a["name"]: a for a in client.get("/__admin/state").json()["apis"]}
        assert set(apis) == {"chatkitty", "twin", "hapihub", "superoffice"}
        return next(c["count"] for c in apis["hapihub"]["collections"] if c["name"] == "sessions")

    before = sessions()
    create_session(client, "counted")
    assert sessions() == before + 1


def test_records_are_shown_with_credentials_redacted(client: TestClient) -> None:
    shown = client.get("/__admin/state/hapihub/accounts").json()
    assert shown["offset"] == 0
    assert shown["total"] > 100
    (account,) = shown["records"]
    assert account["email"] == "doctor@hapihub.example"
    assert account["password"] == account["token"] == "[redacted]"
    two = client.get("/__admin/state/hapihub/accounts", params={"offset": 1, "limit": 2}).json()
    assert len(two["records"]) == 2
    missing = client.get("/__admin/state/hapihub/nothing")
    assert missing.status_code == 404
    assert "accounts" in missing.json()["message"]
    assert client.get("/__admin/state/nope/sessions").status_code == 404
