"""`/` and the inspector's files: what the landing page lists, the demo logins it finds in the
data, and that the pages are served beside the admin API without weakening it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.pages import demo_credentials


def test_the_landing_page_lists_every_api_with_its_swagger_ui(
    client: TestClient, server: MockServer
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for api in server.apis.values():
        assert f'<section id="api-{api.name}">' in page.text
        assert f'href="{api.prefix}/ui/"' in page.text
        for operation in api.spec.operations.values():
            assert f"{operation.method.upper()} {api.prefix}{operation.path}" in page.text
    assert 'href="/__admin/"' in page.text
    assert 'href="/__admin/ui/"' in page.text


@pytest.mark.parametrize(
    ("api", "shown"),
    [
        ("chatkitty", {"client_id": "demo-client", "client_secret": "demo-secret"}),
        ("twin", {"email": "demo@twin.example", "password": "demo-password"}),
        ("hapihub", {"email": "doctor@hapihub.example", "token": "demo-doctor-token"}),
        ("superoffice", {"username": "demo", "password": "demo-password"}),
    ],
)
def test_the_demo_logins_come_from_the_data(
    client: TestClient, server: MockServer, api: str, shown: dict[str, str]
) -> None:
    logins = list(demo_credentials(server.store, api))
    assert any(shown.items() <= login.items() for login in logins), logins
    page = client.get("/").text
    section = page.split(f'<section id="api-{api}">')[1].split("</section>")[0]
    for value in shown.values():
        assert f"<code>{value}</code>" in section


def test_only_demo_logins_are_listed(client: TestClient, server: MockServer) -> None:
    everything = str([list(demo_credentials(server.store, api)) for api in server.apis])
    assert "suspended-secret" not in everything
    assert "solo-password" not in everything
    assert "suspended-secret" not in client.get("/").text


def test_the_inspector_is_served_with_its_files(client: TestClient) -> None:
    page = client.get("/__admin/")
    assert page.status_code == 200
    assert '<script src="/__admin/inspector/inspector.js"' in page.text
    script = client.get("/__admin/inspector/inspector.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/__admin/inspector/inspector.css").status_code == 200
    assert client.get("/__admin/inspector/missing.js").status_code == 404
    moved = client.get("/__admin", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (307, "/__admin/")


def test_with_an_admin_token_the_page_is_open_and_the_api_still_locked() -> None:
    server = MockServer(Settings(admin_token="page-token"))
    with server.app.test_client() as guarded:
        assert guarded.get("/__admin/").status_code == 200
        assert guarded.get("/").status_code == 200
        assert guarded.get("/__admin/journal").status_code == 401
        assert guarded.get("/__admin/state").status_code == 401
        authorized = {"Authorization": "Bearer page-token"}
        assert guarded.get("/__admin/state", headers=authorized).status_code == 200
        assert guarded.get("/__admin/ui/").status_code == 200  # the admin API's Swagger UI


def test_a_fault_rule_cannot_break_the_pages(client: TestClient) -> None:
    client.post("/__admin/rules", json={"path": "/", "status": 503})
    assert client.get("/").status_code == 200
    assert client.get("/__admin/").status_code == 200
    assert client.get("/chatkitty/chat-sessions").status_code == 503
