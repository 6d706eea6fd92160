"""The validating proxy against a second in-process server that drifts from the ChatKitty spec:
every violation is reported (header and journal), and the upstream's answer passes unchanged."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.proxy import SERVER_OPTIONS, VIOLATIONS_HEADER, create_proxy
from tests.conftest import serving

SESSIONS = "/chatkitty/chat-sessions"
# A page missing its required `page` metadata, with an id of the wrong type.
DRIFTED = b'{"_links":{"self":{"href":"x"}},"_embedded":{"sessions":[{"id":"one"}]}}'
seen: list[Request] = []


async def drifted_list(request: Request) -> Response:
    seen.append(request)
    if request.query_params.get("state") == "ENDED":
        return Response(b"busy", status_code=503, media_type="text/plain")
    return Response(DRIFTED, headers={"Content-Type": "application/json", "X-Upstream": "yes"})


async def token(request: Request) -> Response:
    seen.append(request)
    body = {"access_token": "t", "token_type": "bearer", "expires_in": 60, "scope": "read"}
    return JSONResponse(body)


async def teapot(request: Request) -> Response:
    return Response(b"short and stout", status_code=418, media_type="text/plain")


UPSTREAM = Starlette(
    routes=[
        Route("/chat-sessions", drifted_list),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/not-in-spec", teapot),
    ]
)


@pytest.fixture(scope="module")
def proxy() -> Iterator[TestClient]:
    app = create_proxy(
        "chatkitty",
        "http://upstream.test",
        Settings(),
        transport=httpx.ASGITransport(app=UPSTREAM),
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture(autouse=True)
def _fresh(proxy: TestClient) -> None:
    seen.clear()
    proxy.delete("/__admin/journal")


def journal(proxy: TestClient) -> list[dict[str, object]]:
    return list(proxy.get("/__admin/journal").json()["entries"])


def test_a_drifting_answer_is_passed_through_and_every_violation_reported(
    proxy: TestClient,
) -> None:
    response = proxy.get(
        SESSIONS, params={"state": "PAUSED"}, headers={"Authorization": "Bearer secret-token"}
    )
    assert response.status_code == 200
    assert response.content == DRIFTED
    assert response.headers["x-upstream"] == "yes"
    count, first = response.headers[VIOLATIONS_HEADER].split("; ", 1)
    assert first == "request: query parameter 'state' must be one of ACTIVE, ENDED, got 'PAUSED'"
    entry = journal(proxy)[0]
    problems = entry["problems"]
    assert isinstance(problems, list)
    assert int(count) == len(problems) >= 3
    assert 'response: Response violates schema: "page" is a required property' in problems
    assert (
        'response: Response violates schema at /_embedded/sessions/0/id: "one" is not of type '
        '"integer"'
    ) in problems
    assert all(p.startswith(("request: ", "response: ")) for p in problems)
    assert entry["status"] == 200
    assert entry["api"] == "chatkitty"


def test_the_request_reaches_the_upstream_unchanged_but_secrets_stay_out_of_the_journal(
    proxy: TestClient,
) -> None:
    secrets = {"Authorization": "Bearer secret-token", "Cookie": "sid=1", "X-XSRF-TOKEN": "x"}
    proxy.get(SESSIONS, params={"state": "ACTIVE", "access_token": "t0"}, headers=secrets)
    upstream = seen[0]
    assert upstream.url.path == "/chat-sessions"
    assert upstream.query_params["state"] == "ACTIVE"
    assert upstream.headers["authorization"] == "Bearer secret-token"
    entry = journal(proxy)[0]
    headers = entry["headers"]
    assert isinstance(headers, dict)
    for name in ("authorization", "cookie", "x-xsrf-token"):
        assert headers[name] == "[redacted]"
    assert entry["query"] == "state=ACTIVE&access_token=[redacted]"


def test_a_conforming_exchange_has_no_violations(proxy: TestClient) -> None:
    response = proxy.post(
        "/chatkitty/oauth/token", auth=("c", "s"), data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 200
    assert VIOLATIONS_HEADER not in response.headers
    assert journal(proxy)[0]["problems"] == []


def test_an_operation_outside_the_spec_is_forwarded_and_reported(proxy: TestClient) -> None:
    response = proxy.get("/chatkitty/not-in-spec")
    assert response.status_code == 418
    assert response.text == "short and stout"
    assert response.headers[VIOLATIONS_HEADER] == (
        "1; request: No resource at GET /chatkitty/not-in-spec"
    )


def test_an_undocumented_status_is_a_violation(proxy: TestClient) -> None:
    response = proxy.get(SESSIONS, params={"state": "ENDED"})
    assert (response.status_code, response.text) == (503, "busy")
    assert response.headers[VIOLATIONS_HEADER] == (
        "1; response: status 503 is not documented for GET /chat-sessions; "
        "documented: 200, 400, 401, 403, 404, 406"
    )


def test_a_method_outside_the_spec_is_a_violation(proxy: TestClient) -> None:
    response = proxy.delete(SESSIONS)
    assert response.status_code == 405  # Starlette's answer upstream, passed through
    assert journal(proxy)[0]["problems"] == [
        "request: DELETE is not allowed on /chatkitty/chat-sessions; allowed: GET, HEAD"
    ]


def test_paths_outside_the_api_and_fault_rules_answer_in_the_plain_shape(
    proxy: TestClient,
) -> None:
    outside = proxy.get("/twin/anything")
    assert outside.status_code == 404
    assert outside.json()["error"] == "not_found"
    proxy.post("/__admin/rules", json={"path": SESSIONS, "status": 503, "times": 1})
    faulted = proxy.get(SESSIONS)
    assert faulted.status_code == 503
    assert faulted.json() == {
        "error": "service_unavailable",
        "message": faulted.json()["message"],
    }
    assert proxy.get(SESSIONS).status_code == 200


def test_the_proxy_has_the_mocks_guards(proxy: TestClient) -> None:
    cross_site = proxy.post(
        "/__admin/rules", headers={"Origin": "http://evil.example"}, json={"path": "/x"}
    )
    assert cross_site.status_code == 403
    assert proxy.get("/__admin/rules").json() == {"rules": []}
    rebound = proxy.get(SESSIONS, headers={"Host": "rebind.evil.example"})
    assert rebound.status_code == 400
    assert seen == []  # nothing reached the upstream


# -- the proxy never leaves its base path ---------------------------------------------------------

reached: list[str] = []


async def record(request: Request) -> Response:
    reached.append(request.scope["path"])
    return JSONResponse({"path": request.scope["path"]})


BASED_UPSTREAM = Starlette(
    routes=[Route("/{rest:path}", record, methods=["GET", "POST", "PATCH", "DELETE"])]
)


@pytest.fixture(scope="module")
def based() -> Iterator[TestClient]:
    """A proxy whose upstream lives under a base path, like a mock's /hapihub."""
    app = create_proxy(
        "chatkitty",
        "http://upstream.test/api",
        Settings(),
        transport=httpx.ASGITransport(app=BASED_UPSTREAM),
    )
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/chatkitty/%2e%2e/__admin/reset",
        "/chatkitty/%2E%2E/__admin/reset",
        "/chatkitty/.%2e/__admin/reset",
        "/chatkitty/%2e/chat-sessions",
        "/chatkitty/chat-sessions/%2e%2e%2f%2e%2e%2f__admin%2freset",
        "/chatkitty/chat-sessions%2F..%2F..%2F__admin%2Freset",
        "/chatkitty/chat-sessions%5C..%5C..%5C__admin",
        "/%63hatkitty%2f..%2f__admin/reset",
    ],
)
def test_a_path_that_would_leave_the_base_is_refused_in_the_vendors_shape(
    based: TestClient, path: str
) -> None:
    reached.clear()
    response = based.post(path)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "ClientError"  # ChatKitty's ApiError
    assert "/chatkitty/ only" in response.json()["explanation"]
    assert reached == []


@pytest.mark.parametrize("path", ["/chatkitty/../__admin/reset", "/chatkitty/./x/../../y"])
def test_literal_dot_segments_are_refused_too(based: TestClient, path: str) -> None:
    """What curl --path-as-is sends; httpx would resolve them before sending, so ASGI here."""
    reached.clear()
    status = asyncio.run(_raw_status(based.app, "GET", path))
    assert status == 400
    assert reached == []


def test_what_it_forwards_stays_under_the_base_path_as_encoded(based: TestClient) -> None:
    reached.clear()
    response = based.get("/chatkitty/chat-sessions", params={"state": "A B", "page": "1"})
    assert response.json() == {"path": "/api/chat-sessions"}
    assert based.get("/chatkitty").json() == {"path": "/api"}
    assert based.get("/chatkitty/a%20b//c").json() == {"path": "/api/a b//c"}
    assert reached == ["/api/chat-sessions", "/api", "/api/a b//c"]


async def _raw_status(app: Any, method: str, path: str) -> int:
    messages: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8080")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
    }
    await app(scope, receive, send)
    return int(messages[0]["status"])


# -- an upstream that does not answer, and one that does, over real HTTP ------------------------

_ERROR_SHAPES = {
    "chatkitty": {"error", "message", "timestamp", "explanation"},
    "twin": {"error", "details"},
    "hapihub": {"name", "message", "code", "className", "errors"},
    "superoffice": {"Error", "ErrorType", "ErrorMessage", "Message", "ErrorSource"},
}


@pytest.mark.parametrize("vendor", list(_ERROR_SHAPES))
def test_an_unreachable_upstream_is_a_502_in_the_vendors_shape(vendor: str) -> None:
    closed = f"http://127.0.0.1:{_closed_port()}/api"
    with TestClient(create_proxy(vendor, closed, Settings())) as client:
        response = client.get(f"/{vendor}/anything")
        assert response.status_code == 502, response.text
        assert set(response.json()) == _ERROR_SHAPES[vendor]
        assert "cannot be reached" in response.text
        entry = client.get("/__admin/journal").json()["entries"][0]
        assert (entry["status"], entry["path"]) == (502, f"/{vendor}/anything")
        assert "cannot be reached" in entry["error"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture(scope="module")
def live_proxy() -> Iterator[str]:
    """The proxy as `mockserver proxy` serves it, in front of a real uvicorn upstream."""
    with serving(BASED_UPSTREAM) as upstream:
        proxy = create_proxy("chatkitty", f"{upstream}/api", Settings())
        with serving(proxy, **SERVER_OPTIONS) as url:
            yield url


def test_the_upstreams_date_and_server_headers_come_once(live_proxy: str) -> None:
    response = httpx.get(f"{live_proxy}/chatkitty/chat-sessions")
    assert response.status_code == 200
    assert len(response.headers.get_list("date")) == 1
    assert response.headers.get_list("server") == ["uvicorn"]  # the upstream's


def test_an_absolute_form_request_goes_to_the_upstream_only(live_proxy: str) -> None:
    reached.clear()
    host, port = live_proxy.removeprefix("http://").split(":")
    climbing = _raw_request(
        host, int(port), "POST http://evil.example/chatkitty/%2e%2e/__admin/reset"
    )
    assert climbing.startswith(b"HTTP/1.1 400")
    listing = _raw_request(host, int(port), "GET http://evil.example/chatkitty/chat-sessions")
    assert listing.startswith(b"HTTP/1.1 200")
    assert reached == ["/api/chat-sessions"]


def _raw_request(host: str, port: int, request_line: str) -> bytes:
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            f"{request_line} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_secret_the_request_check_quotes_is_redacted() -> None:
    twin = create_proxy(
        "twin", "http://upstream.test", Settings(), transport=httpx.ASGITransport(app=UPSTREAM)
    )
    with TestClient(twin) as client:
        answer = client.post(
            "/twin/api/v1/auth/login", json={"email": "a@b.example", "password": 987654321}
        )
        assert "987654321" not in answer.headers[VIOLATIONS_HEADER]
        entry = client.get("/__admin/journal").json()["entries"][0]
        assert (
            "request: body field 'password' must be a string, got [redacted]" in entry["problems"]
        )
        assert "987654321" not in str(entry)
