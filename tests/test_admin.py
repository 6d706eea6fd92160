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
    applications = _records(server, "applications")
    response = client.post(
        "/__admin/fixtures/chatkitty", json={"applications": applications, "sessions": seed}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "bad_request", "message": response.json()["message"]}
    assert response.json()["message"].startswith(where)
    assert server.store.collections("chatkitty") is before  # not even the valid collection


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
