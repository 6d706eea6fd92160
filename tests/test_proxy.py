"""The validating proxy against a second in-process server that drifts from the ChatKitty spec:
every violation is reported (header and journal), and the upstream's answer passes unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.proxy import VIOLATIONS_HEADER, create_proxy

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
        SESSIONS, params={"page": -1}, headers={"Authorization": "Bearer secret-token"}
    )
    assert response.status_code == 200
    assert response.content == DRIFTED
    assert response.headers["x-upstream"] == "yes"
    count, first = response.headers[VIOLATIONS_HEADER].split("; ", 1)
    assert first == "request: query parameter 'page' must be >= 0, got -1"
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
