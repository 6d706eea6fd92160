"""Server-wide behaviour: mounting, CORS, errors outside any vendor."""

from __future__ import annotations

import pytest
from connexion.decorators import parameter as connexion_parameters
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.vendors import VENDORS

PREFLIGHT = {
    "Origin": "http://localhost:3000",
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_every_vendor_has_its_swagger_ui_and_spec(client: TestClient, vendor: str) -> None:
    ui = client.get(f"/{vendor}/ui/")
    assert ui.status_code == 200
    assert "swagger" in ui.text.lower()
    spec = client.get(f"/{vendor}/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.0")


def test_cors_preflight_is_answered_for_any_origin_by_default(client: TestClient) -> None:
    response = client.options("/chatkitty/chat-sessions", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "GET" in response.headers["access-control-allow-methods"]


def test_cors_headers_are_on_error_answers_too(client: TestClient) -> None:
    response = client.get("/chatkitty/chat-sessions", headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_cors_origin_can_be_restricted() -> None:
    server = MockServer(Settings(cors_origins=("http://app.example",)))
    with server.app.test_client() as restricted:
        allowed = restricted.options(
            "/chatkitty/chat-sessions", headers={**PREFLIGHT, "Origin": "http://app.example"}
        )
        refused = restricted.options("/chatkitty/chat-sessions", headers=PREFLIGHT)
    assert allowed.headers["access-control-allow-origin"] == "http://app.example"
    assert "access-control-allow-origin" not in refused.headers


def test_path_outside_every_vendor_is_a_plain_json_404(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "No resource at GET /nowhere"}


@pytest.mark.parametrize("name", ["sessionId", "$limit", "createdAt[$gte]", "id", "type", "Accept"])
def test_parameter_names_become_python_names_as_connexion_makes_them(name: str) -> None:
    cached = connexion_parameters.pythonic
    assert cached.__wrapped__(name) == cached(name) == cached(name)  # type: ignore[attr-defined]
    assert cached.cache_info().hits >= 1  # type: ignore[attr-defined]
