"""ChatKitty end to end: OAuth, paging, sorting, filtering, HAL links, media types, errors."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.auth import TokenIssuer
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
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    session = list_sessions(client, auth, conforms, size=1)["_embedded"]["sessions"][0]
    assert "application_id" not in session
    assert "channel_id" not in session
    assert session["_links"]["session"]["href"] == f"http://testserver{SESSIONS}/{session['id']}"


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
