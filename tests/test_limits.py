"""Requests over a limit, and bodies that are not strict JSON: a 4xx in the vendor's shape.

Each refusal is compared with an error the same API answers anyway (401 without credentials,
or 400 for a body missing its fields): same top-level keys means the vendor's own shape.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from mockserver import MockServer
from mockserver.cli import main
from mockserver.config import Settings
from mockserver.errors import HTTPError
from mockserver.limits import Limits, LimitsMiddleware, parse_limits, whole_number
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS

HAPIHUB = {"Authorization": f"Bearer {DEMO_ACCOUNTS[0]['token']}"}
JSON = {"Content-Type": "application/json"}
CLIENT = {"Authorization": "Basic " + base64.b64encode(b"demo-client:demo-secret").decode()}
# A GET every API answers with 401 without credentials (the admin API: 404 for an unknown name).
LISTS = {
    "chatkitty": ("GET", "/chatkitty/chat-sessions"),
    "twin": ("GET", "/twin/api/v1/sessions"),
    "hapihub": ("GET", "/hapihub/chat-sessions"),
    "superoffice": ("POST", "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser"),
    "admin": ("GET", "/__admin/state/nowhere/nothing"),
}
# One JSON write per API that takes JSON, with the headers it needs and a body it accepts.
WRITES: dict[str, tuple[str, str, dict[str, str], dict[str, Any]]] = {
    "hapihub": ("POST", "/hapihub/chat-sessions", HAPIHUB, {"participants": ["a", "b"]}),
    "twin": (
        "POST",
        "/twin/api/v1/auth/login",
        {},
        {"email": "demo@twin.example", "password": "demo-password"},
    ),
    "admin": ("POST", "/__admin/rules", {}, {"path": "/twin/nowhere", "status": 503}),
}
BAD_JSON = {
    "nested 1,000 levels": b'{"x":' + b"[" * 1000 + b"]" * 1000 + b"}",
    "nested 65 levels": b'{"x":' + b"[" * 64 + b"]" * 64 + b"}",
    "an integer of 4,301 digits": b'{"x":' + b"7" * 4301 + b"}",
    "an integer of 65 digits": b'{"x":' + b"7" * 65 + b"}",
    "NaN": b'{"x":NaN}',
    "-Infinity": b'{"x":-Infinity}',
    "a number beyond a double": b'{"x":1e999}',
    "a lone surrogate": b'{"x":"\\ud800"}',
    "a lone surrogate as a key": b'{"\\udfff":1}',
    "an array of 10,001 items": b'{"x":[' + b",".join([b"0"] * 10_001) + b"]}",
}


def keys(response: httpx.Response) -> set[str]:
    body = response.json()
    assert isinstance(body, dict), response.text
    return set(body)


@pytest.mark.parametrize("api", sorted(WRITES))
@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_a_body_that_is_not_strict_json_is_a_400_in_the_vendors_shape(
    client: TestClient, api: str, case: str
) -> None:
    method, path, headers, _ = WRITES[api]
    wanted = client.request(method, path, headers={**headers, **JSON}, content=b"{}")
    assert wanted.status_code == 400, wanted.text
    response = client.request(method, path, headers={**headers, **JSON}, content=BAD_JSON[case])
    assert response.status_code == 400, response.text
    assert keys(response) == keys(wanted)


def test_a_lone_surrogate_is_never_stored(client: TestClient, server: MockServer) -> None:
    before = len(server.store.collections("hapihub")["sessions"])
    for field in ("room", "reject"):
        body = f'{{"participants":["a","b"],"{field}":"\\ud800"}}'
        response = client.post("/hapihub/chat-sessions", headers={**HAPIHUB, **JSON}, content=body)
        assert response.status_code == 400, response.text
        assert "surrogate" in response.text
    assert len(server.store.collections("hapihub")["sessions"]) == before
    assert client.get("/hapihub/chat-sessions", headers=HAPIHUB).status_code == 200


# Every call the probe found answering 500 to a body without Content-Type.
NO_CONTENT_TYPE = [
    ("POST", "/hapihub/chat-sessions", HAPIHUB, b'{"participants":["a","b"]}'),
    ("PATCH", "/hapihub/chat-sessions/{id}", HAPIHUB, b'{"room":"x"}'),
    ("POST", "/twin/api/v1/auth/login", {}, b'{"email":"demo@twin.example","password":"x"}'),
    ("POST", "/twin/api/v1/auth/refresh", {}, b'{"refreshToken":"x"}'),
    ("POST", "/chatkitty/oauth/token", CLIENT, b"grant_type=client_credentials"),
    ("POST", "/__admin/rules", {}, b'{"path":"/twin/x","status":503}'),
    ("POST", "/__admin/fixtures/hapihub", {}, b"{}"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), NO_CONTENT_TYPE)
def test_a_body_without_content_type_is_a_415_in_the_vendors_shape(
    client: TestClient, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    if "{id}" in path:
        first = client.get("/hapihub/chat-sessions", headers=HAPIHUB).json()[0]
        path = path.format(id=first["id"])
    wanted = client.request(method, path, headers=headers)  # no body: the API's own 4xx
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code == 415, response.text
    assert "Content-Type" in response.text
    assert keys(response) == keys(wanted)


def test_an_empty_body_without_content_type_is_still_fine(client: TestClient) -> None:
    assert client.post("/__admin/reset").status_code == 200


@pytest.mark.parametrize("seed", ["1" * 4301, "1" * 11, "4294967296"])
def test_prefer_numbers_out_of_range_are_a_400(client: TestClient, seed: str) -> None:
    headers = {**HAPIHUB, "Prefer": f"dynamic=true, seed={seed}"}
    response = client.get("/hapihub/chat-sessions", headers=headers)
    assert response.status_code == 400, response.text
    assert "seed must be an integer" in response.text


@pytest.mark.parametrize("value", ["1" * 4301, "²", "-" + "9" * 80])
def test_feathers_numbers_out_of_range_are_a_400(client: TestClient, value: str) -> None:
    for query in ({"$limit": value}, {"$skip": value}, {"createdAt": value}):
        response = client.get("/hapihub/chat-sessions", headers=HAPIHUB, params=query)
        assert response.status_code == 400, (query, response.text)


# -- the limits middleware ----------------------------------------------------------------------

SMALL = Limits(
    body_bytes=200, admin_body_bytes=400, header_bytes=2_000, url_bytes=300, query_parameters=5
)


@pytest.fixture(scope="module")
def small() -> Iterator[TestClient]:
    server = MockServer(Settings(limits=SMALL))
    with server.app.test_client() as client:
        yield client


def shape_of_status(client: TestClient, api: str, status: int) -> set[str]:
    """The keys of the API's own answer with ``status``, made by a fault rule."""
    method, path = LISTS[api]
    rule = {"path": path, "method": method, "status": status}
    assert client.post("/__admin/rules", json=rule).status_code == 201
    try:
        return keys(client.request(method, path))
    finally:
        client.delete("/__admin/rules")


@pytest.mark.parametrize("api", sorted(LISTS))
def test_each_limit_is_answered_with_its_status_in_the_vendors_shape(
    client: TestClient, small: TestClient, api: str
) -> None:
    method, path = LISTS[api]
    over = {
        431: {"headers": {"X-Padding": "x" * 2_000}},
        414: {"params": {"q": "x" * 300}},
        400: {"params": [("a", "1")] * 6},
        413: {"content": b"x" * (401 if api == "admin" else 201), "headers": JSON},
    }
    for status, request in over.items():
        response = small.request(method, path, **request)  # type: ignore[arg-type]
        assert response.status_code == status, (status, response.text)
        assert "limit" in response.text
        if api != "admin":  # the admin API's own rules do not apply to it
            assert keys(response) == shape_of_status(client, api, status), response.text
    at_the_limit = small.request(method, path, params=[("a", "1")] * 5)
    assert at_the_limit.status_code in (401, 404), at_the_limit.text


def test_a_body_sent_without_length_is_cut_at_the_limit() -> None:
    """Chunked: nothing announced, so the body is counted as whoever reads it receives it."""
    read: list[int] = []

    async def reader(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            read.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break

    def render(request: Any, exc: Exception) -> Any:
        raise AssertionError("nothing is refused before the body is read")

    limited = LimitsMiddleware(reader, limits=SMALL, render=render, is_admin=lambda path: False)
    chunks = [{"type": "http.request", "body": b"x" * 50, "more_body": True}] * 10
    pending = iter(chunks)
    scope = {"type": "http", "headers": [(b"transfer-encoding", b"chunked")], "path": "/x"}

    async def receive() -> Message:
        return next(pending)

    async def send(message: Message) -> None:
        pass

    with pytest.raises(HTTPError) as refused:
        asyncio.run(limited(scope, receive, send))
    assert refused.value.status == 413
    assert sum(read) == 200  # the chunk that crossed the limit never reached the reader


def test_the_admin_api_takes_bodies_up_to_its_own_limit(small: TestClient) -> None:
    rule = {"path": "/twin/" + "x" * 250, "status": 503}
    assert small.post("/__admin/rules", json=rule).status_code == 201
    rule["path"] += "x" * 200
    response = small.post("/__admin/rules", json=rule)
    assert response.status_code == 413, response.text
    assert "admin_body_bytes" in response.text


def test_a_body_within_the_limit_is_served(small: TestClient) -> None:
    participants = [DEMO_ACCOUNTS[0]["uid"], DEMO_ACCOUNTS[1]["uid"]]
    response = small.post(
        "/hapihub/chat-sessions", headers=HAPIHUB, json={"participants": participants}
    )
    assert response.status_code == 200, response.text


def test_limits_are_set_by_name() -> None:
    assert parse_limits(["body_bytes=10", "json-depth=3"]) == Limits(body_bytes=10, json_depth=3)
    for bad in ("body_bytes", "size=3", "body_bytes=-1", "body_bytes=0", "body_bytes=²"):
        with pytest.raises(ValueError, match=r"body_bytes|NAME=VALUE"):
            parse_limits([bad])


def test_limits_survive_the_trip_through_the_environment() -> None:
    settings = Settings(limits=Limits(json_depth=7))
    assert Settings.from_env(settings.to_env()).limits == Limits(json_depth=7)


def test_serve_refuses_a_bad_limit() -> None:
    result = CliRunner().invoke(main, ["serve", "--limit", "bogus=1"])
    assert result.exit_code == 2
    assert "bogus=1" in result.output
    assert "body_bytes" in result.output


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("-7", None), ("²", None), ("٣", None), ("1" * 65, None), ("", None)],
)
def test_whole_number_reads_ascii_digits_only(text: str, number: int | None) -> None:
    assert whole_number(text) == number
