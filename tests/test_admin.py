"""The admin API and its CLI: state goes back to the fixtures, all of it or one API's."""

from __future__ import annotations

from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.cli import main


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
