"""ChatKitty end to end: OAuth, paging, sorting, filtering, HAL links and the resources they
lead to, media types, errors, fixtures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.auth import TokenIssuer
from mockserver.config import PROJECT_ROOT
from mockserver.errors import FixtureError
from mockserver.generators import generate
from mockserver.paths import scalar_paths
from mockserver.vendors.chatkitty.api import MAX_PAGE_SIZE
from tests.conftest import Conforms, FakeClock

SESSIONS = "/chatkitty/chat-sessions"
TOKEN = "/chatkitty/oauth/token"
MEDIA_TYPES = [
    "application/json",
    "application/vnd.chatkitty+json",
    "application/vnd.chatkitty.v1+json",
    "application/vnd.hal+json",
    "application/hal+json",
]


def get_token(
    client: TestClient, client_id: str = "demo-client", secret: str = "demo-secret"
) -> str:
    response = client.post(
        TOKEN, auth=(client_id, secret), data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="module")
def auth(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {get_token(client)}"}


def app_sessions(server: MockServer, application: int) -> list[dict[str, Any]]:
    return [
        s
        for s in server.store.collections("chatkitty")["sessions"]
        if s["application_id"] == application
    ]


def list_sessions(
    client: TestClient, auth: dict[str, str], conforms: Conforms, **params: Any
) -> dict[str, Any]:
    response = client.get(SESSIONS, params=params, headers=auth)
    assert response.status_code == 200, response.text
    conforms(response)
    return dict(response.json())


# -- OAuth -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_token_endpoint_issues_a_bearer_token(
    client: TestClient, conforms: Conforms, encoding: str
) -> None:
    form = {"grant_type": "client_credentials"}
    kwargs: dict[str, Any] = (
        {"files": {k: (None, v) for k, v in form.items()}}
        if encoding == "multipart"
        else {"data": form}
    )
    response = client.post(TOKEN, auth=("demo-client", "demo-secret"), **kwargs)
    assert response.status_code == 200
    conforms(response)
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] > 0
    listed = client.get(SESSIONS, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("credentials", "status", "error"),
    [
        (("demo-client", "wrong-secret"), 401, "invalid_client"),
        (("nobody", "demo-secret"), 401, "invalid_client"),
        (None, 401, "unauthorized"),
    ],
)
def test_token_endpoint_refuses_bad_client_credentials(
    client: TestClient,
    conforms: Conforms,
    credentials: tuple[str, str] | None,
    status: int,
    error: str,
) -> None:
    response = client.post(TOKEN, auth=credentials, data={"grant_type": "client_credentials"})
    assert response.status_code == status
    conforms(response)
    assert response.json()["error"] == error


def test_token_endpoint_refuses_other_grant_types(client: TestClient, conforms: Conforms) -> None:
    response = client.post(
        TOKEN, auth=("demo-client", "demo-secret"), data={"grant_type": "password"}
    )
    assert response.status_code == 400
    conforms(response)
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "Unsupported grant type: password",
    }


@pytest.mark.parametrize(
    ("authorization", "error"),
    [
        (None, "unauthorized"),
        ("Bearer not-a-token", "invalid_token"),
        ("Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=", "unauthorized"),
    ],
)
def test_listing_needs_a_valid_token(
    client: TestClient, conforms: Conforms, authorization: str | None, error: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(SESSIONS, headers=headers)
    assert response.status_code == 401
    conforms(response)
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_expired_token_is_refused(client: TestClient, clock: FakeClock, conforms: Conforms) -> None:
    token = get_token(client)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(SESSIONS, headers=headers).status_code == 200
    clock.advance(3601)
    try:
        response = client.get(SESSIONS, headers=headers)
    finally:
        clock.advance(-3601)
    assert response.status_code == 401
    conforms(response)
    assert response.json()["error"] == "expired_token"


def test_token_signed_with_another_secret_is_refused(client: TestClient) -> None:
    token = TokenIssuer("another-secret-of-at-least-32-bytes!").issue(
        "demo-client", 3600, app=1, scope="read"
    )
    response = client.get(SESSIONS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_each_application_sees_only_its_own_sessions(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    seen = {}
    for client_id, secret, application in [
        ("demo-client", "demo-secret", 1),
        ("other-client", "other-secret", 2),
    ]:
        headers = {"Authorization": f"Bearer {get_token(client, client_id, secret)}"}
        body = list_sessions(client, headers, conforms, size=MAX_PAGE_SIZE)
        seen[application] = {s["id"] for s in body["_embedded"]["sessions"]}
        assert seen[application] == {s["id"] for s in app_sessions(server, application)}
        assert body["page"]["total_elements"] == len(seen[application])
    assert seen[1]
    assert seen[2]
    assert not seen[1] & seen[2]


def test_suspended_application_is_forbidden(client: TestClient, conforms: Conforms) -> None:
    token = get_token(client, "suspended-client", "suspended-secret")
    response = client.get(SESSIONS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    conforms(response)
    assert response.json()["error"] == "access_denied"


# -- paging ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 7, 25, 500])
def test_paging_walks_the_whole_collection_without_gap_or_overlap(
    client: TestClient, server: MockServer, auth: dict[str, str], conforms: Conforms, size: int
) -> None:
    expected = len(app_sessions(server, 1))
    ids: list[int] = []
    page = 0
    while True:
        body = list_sessions(client, auth, conforms, page=page, size=size, sort="id,asc")
        batch = [s["id"] for s in body["_embedded"]["sessions"]]
        if not batch:
            break
        assert len(batch) <= size
        ids += batch
        page += 1
    assert len(ids) == len(set(ids)) == expected
    assert ids == sorted(ids)
    assert page == body["page"]["total_pages"] == -(-expected // size)


def test_size_above_the_maximum_is_clamped(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    body = list_sessions(client, auth, conforms, size=MAX_PAGE_SIZE + 3000)
    assert body["page"]["size"] == MAX_PAGE_SIZE


def test_page_past_the_end_is_empty_not_an_error(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    body = list_sessions(client, auth, conforms, page=999, size=25)
    assert body["_embedded"]["sessions"] == []
    assert body["page"]["number"] == 999
    assert set(body["_links"]) == {"first", "prev", "self", "last"}


def test_defaults_are_page_zero_of_25(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    body = list_sessions(client, auth, conforms)
    assert (body["page"]["number"], body["page"]["size"]) == (0, 25)
    assert len(body["_embedded"]["sessions"]) == 25


def _link_pages(body: dict[str, Any]) -> dict[str, int]:
    return {
        rel: int(parse_qs(urlsplit(link["href"]).query)["page"][0])
        for rel, link in body["_links"].items()
    }


@pytest.mark.parametrize(
    ("page", "rels"),
    [
        (0, {"first", "self", "next", "last"}),
        (1, {"first", "prev", "self", "next", "last"}),
        ("last", {"first", "prev", "self", "last"}),
    ],
)
def test_links_depend_on_the_position(
    client: TestClient, auth: dict[str, str], conforms: Conforms, page: int | str, rels: set[str]
) -> None:
    total_pages = list_sessions(client, auth, conforms, size=10)["page"]["total_pages"]
    number = total_pages - 1 if page == "last" else int(page)
    body = list_sessions(client, auth, conforms, page=number, size=10)
    assert set(body["_links"]) == rels
    pages = _link_pages(body)
    assert pages["self"] == number
    assert pages["first"] == 0
    assert pages["last"] == total_pages - 1
    if "prev" in pages:
        assert pages["prev"] == number - 1
    if "next" in pages:
        assert pages["next"] == number + 1


def test_single_page_has_only_self(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    body = list_sessions(client, auth, conforms, size=MAX_PAGE_SIZE)
    assert set(body["_links"]) == {"self"}


def test_links_are_absolute_and_keep_the_other_parameters(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.get(
        f"{SESSIONS}?state=ENDED&sort=created_time,desc&sort=id,asc&size=5&page=1", headers=auth
    )
    href = response.json()["_links"]["next"]["href"]
    url = urlsplit(href)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"http://testserver{SESSIONS}"
    query = parse_qs(url.query)
    assert query == {
        "state": ["ENDED"],
        "sort": ["created_time,desc", "id,asc"],
        "page": ["2"],
        "size": ["5"],
    }
    followed = client.get(href, headers=auth)
    assert followed.json()["page"]["number"] == 2


# -- sorting and filtering -------------------------------------------------------------------


def _key(session: dict[str, Any], path: str) -> Any:
    value: Any = session
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value.casefold() if isinstance(value, str) else value


@pytest.mark.parametrize(
    "sort",
    [
        ["created_time,desc"],
        ["state,asc", "created_time,desc"],
        ["session.user.display_name", "id,desc"],
        ["session.user.type,desc", "session.user.presence.online", "id"],
    ],
)
def test_multi_key_sort(
    client: TestClient,
    server: MockServer,
    auth: dict[str, str],
    conforms: Conforms,
    sort: list[str],
) -> None:
    body = list_sessions(client, auth, conforms, size=MAX_PAGE_SIZE, sort=sort)
    got = [s["id"] for s in body["_embedded"]["sessions"]]
    expected = list(app_sessions(server, 1))
    for criterion in reversed(sort):
        path, _, direction = criterion.partition(",")
        expected.sort(key=lambda s, p=path: _key(s, p), reverse=direction == "desc")
    assert got == [s["id"] for s in expected]


def test_spring_form_several_properties_one_direction(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    combined = list_sessions(
        client, auth, conforms, size=MAX_PAGE_SIZE, sort="state,created_time,desc"
    )
    separate = list_sessions(
        client, auth, conforms, size=MAX_PAGE_SIZE, sort=["state,desc", "created_time,desc"]
    )
    assert combined["_embedded"] == separate["_embedded"]


def test_sort_is_stable_for_ties(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    body = list_sessions(client, auth, conforms, size=MAX_PAGE_SIZE, sort="state")
    for state in ("ACTIVE", "ENDED"):
        ids = [s["id"] for s in body["_embedded"]["sessions"] if s["state"] == state]
        assert ids == sorted(ids)


@pytest.mark.parametrize("sort", ["nope,asc", "id,up", "session.user,asc", "created_time,desc,asc"])
def test_unknown_sort_property_or_direction_is_a_400(
    client: TestClient, auth: dict[str, str], conforms: Conforms, sort: str
) -> None:
    response = client.get(SESSIONS, params={"sort": sort}, headers=auth)
    assert response.status_code == 400
    conforms(response)
    body = response.json()
    assert body["error"] == "ClientError"
    assert "properties" not in body  # writeOnly in the vendor's ApiError
    assert body["explanation"].startswith("Invalid request: query parameter 'sort/0' ")
    assert "created_time" in body["explanation"]


@pytest.mark.parametrize("state", ["ACTIVE", "ENDED"])
def test_state_filter(
    client: TestClient, server: MockServer, auth: dict[str, str], conforms: Conforms, state: str
) -> None:
    body = list_sessions(client, auth, conforms, size=MAX_PAGE_SIZE, state=state)
    sessions = body["_embedded"]["sessions"]
    assert {s["state"] for s in sessions} == {state}
    assert len(sessions) == sum(1 for s in app_sessions(server, 1) if s["state"] == state)
    for session in sessions:
        assert ("end_time" in session) == (state == "ENDED")
        if state == "ENDED":
            assert session["end_time"] > session["created_time"]


def test_sessions_never_show_private_fields_and_link_absolutely(
    client: TestClient, server: MockServer, auth: dict[str, str], conforms: Conforms
) -> None:
    session = list_sessions(client, auth, conforms, size=1)["_embedded"]["sessions"][0]
    session_record = server.store.collections("chatkitty")["sessions"].get(session["id"])
    assert "application_id" not in session
    assert "channel_id" not in session
    assert session["_links"] == {
        "session": {
            "href": f"http://testserver/chatkitty/user-sessions/{session['session']['id']}"
        },
        "channel": {"href": f"http://testserver/chatkitty/channels/{session_record['channel_id']}"},
        "application": {"href": "http://testserver/chatkitty/application"},
    }


# -- media types and errors ------------------------------------------------------------------


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_every_media_type_has_the_same_body(
    client: TestClient, auth: dict[str, str], conforms: Conforms, media_type: str
) -> None:
    plain = client.get(SESSIONS, headers=auth).json()
    response = client.get(SESSIONS, headers={**auth, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    conforms(response)
    assert response.json() == plain


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/vnd.chatkitty+json,*/*;q=0.8", "application/vnd.chatkitty+json"),
        ("*/*", "application/json"),
        ("application/hal+json;q=0.9, application/vnd.hal+json", "application/vnd.hal+json"),
        ("application/json; charset=utf-8", "application/json"),
    ],
)
def test_accept_negotiation(
    client: TestClient, auth: dict[str, str], accept: str, media_type: str
) -> None:
    response = client.get(SESSIONS, headers={**auth, "Accept": accept})
    assert response.headers["content-type"] == media_type


def test_unproducible_accept_is_a_406(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    response = client.get(SESSIONS, headers={**auth, "Accept": "text/csv"})
    assert response.status_code == 406
    conforms(response)
    assert response.json()["error"] == "NotAcceptableError"
    assert "application/hal+json" in response.json()["explanation"]


def test_every_bad_parameter_is_named(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    response = client.get(f"{SESSIONS}?sort=nope,up&state=OPEN", headers=auth)
    assert response.status_code == 400
    conforms(response)
    body = response.json()
    sort, state = body["explanation"].removeprefix("Invalid request: ").split("; ")
    assert sort.startswith("query parameter 'sort/0' must be 'property[,property…][,asc|desc]'")
    assert state == "query parameter 'state' must be one of ACTIVE, ENDED, got 'OPEN'"
    assert body["message"] == "A client error occurred, check your request"


# Spring Data's pageable resolver never refuses a page or a size: it falls back.
FALLBACKS = [
    ({"page": -1}, 0, 25),
    ({"page": "abc", "size": "xyz"}, 0, 25),
    ({"size": 0}, 0, 25),
    ({"size": -5, "page": 1}, 1, 25),
    ({"size": 99_999}, 0, 2000),
    ({"page": 2**31, "size": 2**31}, 0, 25),
    ({"page": "²", "size": "٣"}, 0, 25),
    ({"page": 3, "size": 7}, 3, 7),
]


@pytest.mark.parametrize(("params", "number", "size"), FALLBACKS)
def test_page_and_size_fall_back_as_spring_data_does(
    client: TestClient,
    auth: dict[str, str],
    conforms: Conforms,
    params: dict[str, Any],
    number: int,
    size: int,
) -> None:
    response = client.get(SESSIONS, params=params, headers=auth)
    assert response.status_code == 200, response.text
    conforms(response)
    page = response.json()["page"]
    assert (page["number"], page["size"]) == (number, size)


def test_the_served_spec_points_authorize_at_the_mock(client: TestClient) -> None:
    served = client.get("/chatkitty/openapi.json").json()
    flow = served["components"]["securitySchemes"]["application_authorization"]["flows"]
    token_url = flow["clientCredentials"]["tokenUrl"]
    assert token_url == "/chatkitty/oauth/token"
    response = client.post(
        token_url, auth=("demo-client", "demo-secret"), data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 200


def test_unknown_path_is_a_404_api_error(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/chatkitty/chat-session", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"] == "ResourceNotFoundError"
    assert response.json()["timestamp"].endswith("Z")


def test_wrong_method_is_a_405_with_allow(client: TestClient, auth: dict[str, str]) -> None:
    response = client.delete(SESSIONS, headers=auth)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"] == "MethodNotAllowedError"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\xff\xfe\x00garbage", "multipart/form-data; boundary=x"),
        (b"grant_type=%ff", "application/x-www-form-urlencoded"),
    ],
)
def test_undecodable_token_request_is_not_a_500(
    client: TestClient, content: bytes, content_type: str
) -> None:
    response = client.post(
        TOKEN,
        content=content,
        headers={"Content-Type": content_type},
        auth=("demo-client", "demo-secret"),
    )
    assert 400 <= response.status_code < 500, response.text
    assert "error" in response.json()


def test_conformance_check_catches_an_off_spec_body(conforms: Conforms) -> None:
    """The checker the other tests rely on must be able to fail."""
    request = httpx.Request("GET", f"http://testserver{SESSIONS}")
    bad = httpx.Response(200, json={"page": {"number": "zero"}}, request=request)
    bad.elapsed = timedelta(0)
    with pytest.raises(BaseExceptionGroup) as caught:
        conforms(bad)
    assert any("violates schema" in str(e) for e in caught.value.exceptions)


def test_sort_pattern_admits_exactly_the_resources_scalar_properties(server: MockServer) -> None:
    """The spec's pattern and its schema must not drift apart."""
    spec = server.apis["chatkitty"].spec
    pattern = re.compile(
        spec.operations["listChatSessions"].parameter("sort")["schema"]["items"]["pattern"]
    )
    resource = spec.schema("#/components/schemas/ChatSessionResource")
    properties = {".".join(p) for p in scalar_paths(resource) if p[0] != "_links"}
    assert all(pattern.fullmatch(f"{p},desc") for p in properties)
    near_misses = {p.rpartition(".")[0] for p in properties if "." in p} | {"_links.session.href"}
    assert not any(pattern.fullmatch(p) for p in near_misses)


# -- links and the resources they lead to ----------------------------------------------------

USER_SESSIONS = "/chatkitty/user-sessions"
CHANNELS = "/chatkitty/channels"
APPLICATION = "/chatkitty/application"
CLIENTS = [("demo-client", "demo-secret", 1), ("other-client", "other-secret", 2)]


def hrefs_of(body: Any) -> set[str]:
    """Every ``_links`` href anywhere in ``body``."""
    if isinstance(body, list):
        return {href for item in body for href in hrefs_of(item)}
    if not isinstance(body, dict):
        return set()
    own = {link["href"] for link in body.get("_links", {}).values()}
    return own | {
        href for key, value in body.items() if key != "_links" for href in hrefs_of(value)
    }


def records(server: MockServer, collection: str, application: int) -> list[dict[str, Any]]:
    return [
        r
        for r in server.store.collections("chatkitty")[collection]
        if r["application_id"] == application
    ]


def list_sessions_plain(client: TestClient, auth: dict[str, str], **params: Any) -> Any:
    response = client.get(SESSIONS, params=params, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["sessions"]


@pytest.mark.parametrize(("client_id", "secret", "application"), CLIENTS)
def test_every_link_of_every_answer_resolves_to_a_conforming_resource(
    client: TestClient, conforms: Conforms, client_id: str, secret: str, application: int
) -> None:
    """From the whole list, every link, and every link of what they lead to, answers 200 with
    the token that listed the sessions, in the shape the spec gives it."""
    headers = {"Authorization": f"Bearer {get_token(client, client_id, secret)}"}
    first = list_sessions(client, headers, conforms, size=MAX_PAGE_SIZE)
    pending, seen = hrefs_of(first), set()
    while pending:
        href = pending.pop()
        seen.add(href)
        assert href.startswith("http://testserver/chatkitty/"), href
        response = client.get(href, headers=headers)
        assert response.status_code == 200, f"{href}: {response.status_code} {response.text}"
        conforms(response)
        pending |= hrefs_of(response.json()) - seen
    sessions = first["_embedded"]["sessions"]
    assert {f"http://testserver{USER_SESSIONS}/{s['session']['id']}" for s in sessions} <= seen
    assert f"http://testserver{APPLICATION}" in seen
    assert sum(href.startswith(f"http://testserver{CHANNELS}/") for href in seen) > 1


def test_a_sessions_links_lead_to_its_own_user_session_channel_and_application(
    client: TestClient, server: MockServer, auth: dict[str, str]
) -> None:
    for session in list_sessions_plain(client, auth, size=40):
        record = server.store.collections("chatkitty")["sessions"].get(session["id"])
        user_session = client.get(session["_links"]["session"]["href"], headers=auth).json()
        assert user_session == {
            **session["session"],
            "_links": {"application": {"href": f"http://testserver{APPLICATION}"}},
        }
        channel = client.get(session["_links"]["channel"]["href"], headers=auth).json()
        assert channel["id"] == record["channel_id"]
        assert channel["_links"]["self"]["href"] == session["_links"]["channel"]["href"]
        assert "application_id" not in channel
        application = client.get(session["_links"]["application"]["href"], headers=auth).json()
        assert application["id"] == record["application_id"]


@pytest.mark.parametrize(("client_id", "secret", "application"), CLIENTS)
def test_the_application_is_the_tokens_own_without_the_mocks_fields(
    client: TestClient, conforms: Conforms, client_id: str, secret: str, application: int
) -> None:
    headers = {"Authorization": f"Bearer {get_token(client, client_id, secret)}"}
    response = client.get(APPLICATION, headers=headers)
    assert response.status_code == 200
    conforms(response)
    body = response.json()
    assert body["id"] == application
    assert set(body) == {"id", "key", "created_time", "properties", "_links"}
    assert body["_links"] == {"self": {"href": f"http://testserver{APPLICATION}"}}


def test_channels_are_of_the_three_vendor_types(
    client: TestClient, server: MockServer, auth: dict[str, str], conforms: Conforms
) -> None:
    kinds: dict[str, dict[str, Any]] = {}
    for record in records(server, "channels", 1):
        kinds.setdefault(record["type"], record)
    assert set(kinds) == {"PUBLIC", "PRIVATE", "DIRECT"}
    for kind, record in kinds.items():
        response = client.get(f"{CHANNELS}/{record['id']}", headers=auth)
        assert response.status_code == 200
        conforms(response)
        body = response.json()
        assert body["type"] == kind
        assert ("members" in body) == (kind == "DIRECT")
        assert ("name" in body) == (kind != "DIRECT")


def _foreign(server: MockServer, collection: str) -> int:
    return int(records(server, collection, 2)[0]["id"])


@pytest.mark.parametrize(
    "path",
    [
        lambda server: f"{USER_SESSIONS}/1",
        lambda server: f"{USER_SESSIONS}/{_foreign(server, 'user_sessions')}",
        lambda server: f"{CHANNELS}/0",
        lambda server: f"{CHANNELS}/{_foreign(server, 'channels')}",
        lambda server: f"{CHANNELS}/-5",
    ],
    ids=["unknown-user-session", "other-apps-user-session", "unknown-channel",
         "other-apps-channel", "negative-channel"],
)  # fmt: skip
def test_unknown_or_other_applications_ids_are_a_404_api_error(
    client: TestClient,
    server: MockServer,
    auth: dict[str, str],
    conforms: Conforms,
    path: Callable[[MockServer], str],
) -> None:
    response = client.get(path(server), headers=auth)
    assert response.status_code == 404
    conforms(response)
    body = response.json()
    assert (body["error"], body["message"]) == ("ResourceNotFoundError", "Resource not found")
    assert body["timestamp"].endswith("Z")


@pytest.mark.parametrize("path", [f"{USER_SESSIONS}/9223372036854775808", f"{CHANNELS}/1e3"])
def test_an_id_that_is_no_int64_is_not_a_500(
    client: TestClient, auth: dict[str, str], conforms: Conforms, path: str
) -> None:
    response = client.get(path, headers=auth)
    assert response.status_code in (400, 404)
    conforms(response)
    assert response.json()["error"] in ("ClientError", "ResourceNotFoundError")


@pytest.mark.parametrize("path", [f"{USER_SESSIONS}/7001", f"{CHANNELS}/5", APPLICATION])
def test_linked_resources_need_a_valid_token_of_a_live_application(
    client: TestClient, conforms: Conforms, path: str
) -> None:
    missing = client.get(path)
    assert missing.status_code == 401
    conforms(missing)
    assert missing.json()["error"] == "unauthorized"
    token = get_token(client, "suspended-client", "suspended-secret")
    suspended = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert suspended.status_code == 403
    conforms(suspended)
    assert suspended.json()["error"] == "access_denied"


@pytest.mark.parametrize("path", [f"{USER_SESSIONS}/7001", f"{CHANNELS}/5", APPLICATION])
@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_linked_resources_come_in_every_media_type_and_are_read_only(
    client: TestClient, auth: dict[str, str], path: str, media_type: str
) -> None:
    response = client.get(path, headers={**auth, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.json() == client.get(path, headers=auth).json()
    refused = client.delete(path, headers=auth)
    assert refused.status_code == 405
    assert refused.json()["error"] == "MethodNotAllowedError"


# -- fixtures --------------------------------------------------------------------------------

FIXTURES = PROJECT_ROOT / "fixtures" / "chatkitty"


def test_checked_in_fixtures_are_the_generators_output() -> None:
    """``mockserver fixtures generate chatkitty --count 160 --seed 1`` wrote them."""
    generated = generate("chatkitty", 160, seed=1)
    assert set(generated) == {p.stem for p in FIXTURES.glob("*.json")}
    for name, expected in generated.items():
        assert json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")) == expected


def _edit_fixture(tmp_path: Path, name: str, edit: Callable[[list[Any]], None]) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES.parent, target)
    file = target / "chatkitty" / f"{name}.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    edit(data)
    file.write_text(json.dumps(data), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("edit", "pointer", "words"),
    [
        (lambda s: s[3]["session"].update(id=1), "/3/session/id", "user_sessions has no record 1"),
        (lambda s: s[4].update(channel_id=140), "/4/channel_id", "channels has no record 140"),
        (lambda s: s[5].update(channel_id=101), "/5/channel_id", "of application 1"),
    ],
    ids=["no-user-session", "no-channel", "other-applications-channel"],
)
def test_a_session_whose_link_would_not_resolve_stops_start_up(
    tmp_path: Path, edit: Callable[[list[Any]], None], pointer: str, words: str
) -> None:
    fixtures = _edit_fixture(tmp_path, "sessions", edit)
    with pytest.raises(FixtureError) as caught:
        MockServer(Settings(fixtures_dir=fixtures))
    assert caught.value.file.endswith("sessions.json")
    assert caught.value.pointer == pointer
    assert words in caught.value.message


def test_a_data_set_whose_links_would_not_resolve_is_refused(
    client: TestClient, server: MockServer
) -> None:
    sessions = json.loads(json.dumps(records(server, "sessions", 1)[:2]))
    sessions[1]["channel_id"] = 999
    response = client.post("/__admin/fixtures/chatkitty", json={"sessions": sessions})
    assert response.status_code == 400
    assert "chatkitty/sessions: at /1/channel_id" in response.json()["message"]


def test_a_fresh_process_runs_chatkittys_checks_in_its_contract() -> None:
    """``mockserver contract chatkitty`` (or one test of it, filtered) runs ChatKitty's checks
    even when nothing imported them before the run was configured."""
    program = (
        "from mockserver.contract import Contract\n"
        "from mockserver.contract.runner import _checks\n"
        "print(sorted(c for c in _checks('chatkitty', Contract(apis=('chatkitty',)))"
        " if c.startswith('chatkitty_')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "'chatkitty_links_resolve'" in done.stdout
    assert "'chatkitty_hal_links'" in done.stdout
