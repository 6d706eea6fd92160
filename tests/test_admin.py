"""The admin API and its CLI: state goes back to the fixtures (all of it or one API's), a data
set loads all or nothing, a token guards it when asked, and scripts drive it from the shell."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.cli import main
from mockserver.config import PROJECT_ROOT
from mockserver.vendors import VENDORS


def test_reset_restores_every_api(client: TestClient, server: MockServer) -> None:
    sessions = server.store.collections("chatkitty")["sessions"]
    before = len(sessions)
    sessions.put({**sessions.all()[0], "id": 999_999})
    assert len(server.store.collections("chatkitty")["sessions"]) == before + 1
    response = client.post("/__admin/reset")
    assert response.status_code == 200
    assert response.json() == {"reset": server.store.vendors()}
    assert len(server.store.collections("chatkitty")["sessions"]) == before


def test_reset_of_one_api_and_of_an_unknown_one(client: TestClient) -> None:
    assert client.post("/__admin/reset", params={"api": "chatkitty"}).json() == {
        "reset": ["chatkitty"]
    }
    unknown = client.post("/__admin/reset", params={"api": "nope"})
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"
    assert "chatkitty" in unknown.json()["message"]


def test_cli_reset_calls_a_running_mock(live_url: str) -> None:
    result = CliRunner().invoke(main, ["reset", "--url", live_url, "--api", "chatkitty"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "reset: chatkitty"
    refused = CliRunner().invoke(main, ["reset", "--url", live_url, "--api", "nope"])
    assert refused.exit_code == 1
    assert "No API named 'nope'" in refused.output


def test_cli_reset_says_when_the_mock_is_not_there() -> None:
    result = CliRunner().invoke(main, ["reset", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the mock" in result.output


# -- loading a data set ------------------------------------------------------------------------


def _records(
    server: MockServer, collection: str, count: int | None = None, vendor: str = "chatkitty"
) -> Any:
    """A copy of the stored records (as JSON, the way a data set arrives)."""
    records = list(server.store.collections(vendor)[collection])
    return json.loads(json.dumps(records[:count]))


def test_a_data_set_replaces_the_named_collections_until_reset(
    client: TestClient, server: MockServer
) -> None:
    seed = _records(server, "sessions", 3)
    applications = server.store.collections("chatkitty")["applications"]
    response = client.post("/__admin/fixtures/chatkitty", json={"sessions": seed})
    assert response.status_code == 200
    assert response.json() == {"loaded": {"sessions": 3}}
    assert _records(server, "sessions") == seed
    assert server.store.collections("chatkitty")["applications"] is applications
    client.post("/__admin/reset", params={"api": "chatkitty"})
    assert len(_records(server, "sessions")) > 3


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda r: r.update(state="PAUSED"),
            "chatkitty/sessions: at /1/state: 'PAUSED' is not one",
        ),
        (lambda r: r.pop("id"), "chatkitty/sessions: at /1: the key field 'id' is missing"),
        (lambda r: r.update(id=1), "chatkitty/sessions: at /1/id: duplicate key 1 (first at /0)"),
    ],
)
def test_a_bad_record_changes_nothing_and_is_named(
    client: TestClient, server: MockServer, change: Callable[[dict[str, Any]], Any], where: str
) -> None:
    before = server.store.collections("chatkitty")
    seed = _records(server, "sessions", 3)
    seed[0]["id"] = 1
    change(seed[1])
    response = client.post("/__admin/fixtures/chatkitty", json={"sessions": seed})
    assert response.status_code == 400
    assert response.json() == {"error": "bad_request", "message": response.json()["message"]}
    assert response.json()["message"].startswith(where)
    assert server.store.collections("chatkitty") is before  # not even the valid records


def test_a_bad_collection_keeps_the_valid_one_from_loading(
    client: TestClient, server: MockServer
) -> None:
    before = server.store.collections("superoffice")
    persons = _records(server, "persons", 2, vendor="superoffice")
    contacts = _records(server, "contacts", 2, vendor="superoffice")
    contacts[1].pop("ContactId")
    response = client.post(
        "/__admin/fixtures/superoffice", json={"persons": persons, "contacts": contacts}
    )
    assert response.status_code == 400
    assert server.store.collections("superoffice") is before


def test_a_data_set_is_held_to_the_vendors_own_rules(
    client: TestClient, server: MockServer
) -> None:
    """A HAPI Hub session whose participant has no account passes the schema, not the vendor."""
    before = server.store.collections("hapihub")
    sessions = _records(server, "sessions", 2, vendor="hapihub")
    sessions[1]["participants"] = ["no-such-account"]
    response = client.post("/__admin/fixtures/hapihub", json={"sessions": sessions})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "hapihub/sessions: at /1/participants/0: no account has uid 'no-such-account'"
    )
    assert server.store.collections("hapihub") is before


@pytest.mark.parametrize(
    ("url", "body", "status", "message"),
    [
        ("/__admin/fixtures/nope", {"x": []}, 404, "No API named 'nope'"),
        ("/__admin/fixtures/chatkitty", {"people": []}, 400, "chatkitty has no collection people"),
        ("/__admin/fixtures/chatkitty", {"sessions": {}}, 400, "must be an array"),
        ("/__admin/fixtures/chatkitty", {}, 400, "(body)"),
    ],
)
def test_a_data_set_for_nothing_known_is_refused(
    client: TestClient, url: str, body: dict[str, Any], status: int, message: str
) -> None:
    response = client.post(url, json=body)
    assert response.status_code == status
    assert message in response.json()["message"]


# -- the admin API itself ------------------------------------------------------------------------


def test_the_admin_api_has_its_own_swagger_ui(client: TestClient) -> None:
    ui = client.get("/__admin/ui/")
    assert ui.status_code == 200
    assert "swagger" in ui.text.lower()
    assert client.get("/__admin/openapi.json").json()["info"]["title"].endswith("admin API")


def test_an_admin_token_protects_the_admin_api_only() -> None:
    protected = MockServer(Settings(admin_token="s3cret"))
    with protected.app.test_client() as client:
        refused = client.get("/__admin/rules")
        assert refused.status_code == 401
        assert refused.json()["error"] == "unauthorized"
        wrong = client.get("/__admin/rules", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        allowed = client.get("/__admin/rules", headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 200
        assert client.get("/chatkitty/chat-sessions").status_code == 401  # its own auth
        assert client.get("/__admin/openapi.json").json()["security"] == [{"admin_token": []}]


# -- the CLI, against a live mock ----------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_manages_rules(live_url: str) -> None:
    added = run("rules", "add", "/twin", "--status", "503", "--every", "3", "--url", live_url)
    assert added.exit_code == 0, added.output
    assert "* /twin every 3 -> status 503; fired 0/0" in added.output
    latency = run(
        "rules", "add", "/chatkitty", "--latency", "1-5", "--ttl", "60", "--url", live_url
    )
    assert "latency 1-5 ms (expires in 60 s)" in latency.output
    assert len(run("rules", "list", "--url", live_url).output.splitlines()) == 2
    rule_id = added.output.split(":")[0]
    assert run("rules", "clear", rule_id, "--url", live_url).output.strip() == f"deleted: {rule_id}"
    assert run("rules", "clear", "--url", live_url).output.strip() == "cleared: 1"
    bad = run("rules", "add", "/x", "--latency", "soon", "--url", live_url)
    assert bad.exit_code == 2
    assert "use 250 or 200-800" in bad.output


def test_cli_shows_and_clears_the_journal(live_url: str) -> None:
    run("journal", "clear", "--url", live_url)
    httpx.get(f"{live_url}/chatkitty/chat-sessions", params={"page": "x"})
    shown = run("journal", "--api", "chatkitty", "--url", live_url)
    assert shown.exit_code == 0, shown.output
    assert " 401 GET /chatkitty/chat-sessions?page=x (" in shown.output
    as_json = json.loads(run("journal", "--json", "--url", live_url).output)
    assert as_json[0]["status"] == 401
    assert run("journal", "clear", "--url", live_url).output.strip() == "cleared: 1"


def test_cli_loads_a_data_set_all_or_nothing(live_url: str, tmp_path: Path) -> None:
    sessions = json.loads((PROJECT_ROOT / "fixtures/chatkitty/sessions.json").read_text())[:5]
    (tmp_path / "sessions.json").write_text(json.dumps(sessions))
    loaded = run("fixtures", "load", "chatkitty", str(tmp_path), "--url", live_url)
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.strip() == "sessions=5"
    sessions[2]["state"] = "PAUSED"
    (tmp_path / "sessions.json").write_text(json.dumps(sessions))
    refused = run(
        "fixtures", "load", "chatkitty", str(tmp_path / "sessions.json"), "--url", live_url
    )
    assert refused.exit_code == 1
    assert "chatkitty/sessions: at /2/state" in refused.output
    assert run("reset", "--url", live_url).exit_code == 0


# -- what a data set may not change: who may do what -------------------------------------------

PRIVILEGED = [
    (vendor.name, fixture.name)
    for vendor in VENDORS
    for fixture in vendor.fixtures
    if fixture.privileged
]


def test_credentials_and_rights_are_privileged_collections() -> None:
    """The rule's reach, stated once: every login, token, role and right of every vendor."""
    assert sorted(PRIVILEGED) == [
        ("chatkitty", "applications"),
        ("chatkitty", "clients"),
        ("hapihub", "accounts"),
        ("superoffice", "associates"),
        ("superoffice", "chat_topic_agents"),
        ("superoffice", "credentials"),
        ("superoffice", "tokens"),
        ("twin", "companies"),
        ("twin", "users"),
    ]


@pytest.mark.parametrize(("vendor", "collection"), PRIVILEGED)
def test_a_data_set_cannot_change_credentials_or_rights(
    client: TestClient, server: MockServer, vendor: str, collection: str
) -> None:
    before = server.store.collections(vendor)
    records = _records(server, collection, vendor=vendor)
    response = client.post(f"/__admin/fixtures/{vendor}", json={collection: records})
    assert response.status_code == 403
    assert response.json()["message"].startswith(f"{vendor}/{collection} hold credentials")
    assert server.store.collections(vendor) is before


def test_a_data_set_cannot_make_a_hapihub_admin(client: TestClient, server: MockServer) -> None:
    """The reproduction: an admin account of one's own, then every session."""
    accounts = _records(server, "accounts", vendor="hapihub")
    mine = {**accounts[0], "uid": "mine", "id": "mine", "email": "me@example.com"}
    response = client.post(
        "/__admin/fixtures/hapihub",
        json={"accounts": [*accounts, {**mine, "token": "my-token", "role": "admin"}]},
    )
    assert response.status_code == 403
    answer = client.get("/hapihub/chat-sessions", headers={"Authorization": "Bearer my-token"})
    assert answer.status_code == 401


# -- no page of another origin reads or changes admin state ------------------------------------

EVIL = "http://evil.example"


@pytest.mark.parametrize("path", ["/__admin/journal", "/__admin/rules", "/__admin/reset"])
def test_the_admin_api_answers_no_cors_to_another_origin(client: TestClient, path: str) -> None:
    preflight = client.options(
        path,
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    read = client.get(path, headers={"Origin": EVIL})
    for response in (preflight, read):
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-credentials" not in response.headers
    assert (
        client.get("/chatkitty/chat-sessions", headers={"Origin": EVIL}).headers[
            "access-control-allow-origin"
        ]
        == EVIL
    )  # the vendor APIs stay open to browser apps


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "text/plain;charset=UTF-8"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Origin": EVIL},
        {"Origin": "null"},  # a sandboxed frame or a file: page
        {"Origin": "http://testserver:8081"},  # another port is another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another port of localhost
    ],
)
def test_a_state_change_a_page_could_send_unasked_is_refused(
    client: TestClient, server: MockServer, headers: dict[str, str]
) -> None:
    server.control.rules.add({"path": "/twin", "status": 503})
    for method, path in [("POST", "/__admin/reset"), ("DELETE", "/__admin/rules")]:
        response = client.request(method, path, headers=headers, content=b"a=b")
        assert response.status_code in (403, 415), response.text
        assert set(response.json()) == {"error", "message"}
    assert len(server.control.rules.list()) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, the CLI, a test harness
        {"Origin": "http://testserver"},  # the admin Swagger UI, same origin
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
        {"Content-Type": "application/json"},
    ],
)
def test_the_owners_tools_still_change_state(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post("/__admin/reset", headers=headers).status_code == 200


def test_an_origin_given_explicitly_may_call_the_admin_api_without_credentials() -> None:
    harness = "http://localhost:3000"
    server = MockServer(Settings(cors_origins=(harness,)))
    with server.app.test_client() as client:
        preflight = client.options(
            "/__admin/reset",
            headers={"Origin": harness, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == harness
        assert "access-control-allow-credentials" not in preflight.headers
        assert client.post("/__admin/reset", headers={"Origin": harness}).status_code == 200
        assert client.post("/__admin/reset", headers={"Origin": EVIL}).status_code == 403


@pytest.mark.parametrize("path", ["/__admin/reset", "/chatkitty/oauth/token"])
def test_a_host_name_of_another_site_is_refused(client: TestClient, path: str) -> None:
    """DNS rebinding: a page whose own name now resolves to 127.0.0.1."""
    response = client.post(path, headers={"Host": "rebind.evil.example"})
    assert response.status_code == 400
    assert "--allowed-host rebind.evil.example" in response.text


def test_serving_beyond_loopback_without_an_admin_token_warns_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOCKSERVER_ADMIN_TOKEN", raising=False)
    monkeypatch.setattr("mockserver.cli.uvicorn.run", lambda app, **options: None)
    exposed = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8090"])
    assert exposed.exit_code == 0, exposed.output
    assert "WARNING: listening on 0.0.0.0" in exposed.output
    assert "Anyone who can reach port 8090 can reset or replace the mock's data" in exposed.output
    for args in (["--host", "127.0.0.1"], ["--host", "::1"], ["--admin-token", "t" * 20]):
        quiet = CliRunner().invoke(main, ["serve", "--port", "8090", *args])
        assert "WARNING" not in quiet.output, args
    proxy = ["proxy", "chatkitty", "--upstream", "http://127.0.0.1:9", "--host", "0.0.0.0"]
    assert "WARNING: listening on 0.0.0.0" in CliRunner().invoke(main, proxy).output
