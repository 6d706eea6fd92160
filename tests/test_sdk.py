"""The vendors' own npm clients, unchanged, against a live mock on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

SDK_DIR = Path(__file__).parent / "sdk"


def run_sdk(script: str, *args: str, exit_code: int = 0) -> dict:  # type: ignore[type-arg]
    """Run a client script; it prints one JSON document of what the client received."""
    node = shutil.which("node")
    assert node, "Node.js is required for the SDK tests (CI has it)"
    completed = subprocess.run(
        [node, str(SDK_DIR / script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == exit_code, completed.stdout + completed.stderr
    return dict(json.loads(completed.stdout))


def test_chatkitty_sdk_lists_sessions_through_the_mock(live_url: str) -> None:
    result = run_sdk("chatkitty.mjs", live_url)
    assert result["status"] == 200
    assert result["contentType"] == "application/vnd.chatkitty+json"
    assert result["page"]["size"] == 5
    assert set(result["links"]) == {"first", "self", "next", "last"}
    pages = result["first"] + result["second"]
    assert len({s["id"] for s in pages}) == 10
    assert all(s["state"] == "ENDED" for s in pages)
    times = [s["created_time"] for s in pages]
    assert times == sorted(times, reverse=True)
    # The SDK's own calls for what a session links to.
    channel_href = result["sessionLinks"]["channel"]["href"]
    assert result["channel"]["status"] == 200
    assert channel_href.endswith(f"/chatkitty/channels/{result['channel']['id']}")
    assert result["channel"]["type"] in ("PUBLIC", "PRIVATE", "DIRECT")
    assert result["application"] == {"status": 200, "id": 1, "key": "acme-support"}
    assert result["sessionLinks"]["application"]["href"].endswith("/chatkitty/application")


def test_chatkitty_sdk_sees_the_mock_refuse_a_wrong_secret(live_url: str) -> None:
    result = run_sdk("chatkitty.mjs", live_url, "demo-client", "wrong", exit_code=1)
    assert result["status"] == 401
    assert result["body"]["error"] == "invalid_client"


def test_superoffice_webapi_client_reads_the_demo_sessions_every_way_it_logs_in(
    live_url: str,
) -> None:
    stored = {
        s["ChatSessionId"]: s
        for s in json.loads(
            (SDK_DIR.parent.parent / "fixtures" / "superoffice" / "sessions.json").read_text()
        )
    }
    logins = [("password", "demo", "demo-password"), ("ticket", "7T:demo-ticket", ""),
              ("token", "8A:demo-token", "")]  # fmt: skip
    for how, first, second in logins:
        result = run_sdk("superoffice.mjs", live_url, how, first, second)
        sessions = result["sessions"]
        assert result["sent"]["contentType"] == "application/json"  # and an empty body
        assert result["sent"]["browserOffset"] is not None
        demo_topics = {1, 2, 3, 4}  # demo's topics; the vendor tests check membership itself
        assert [s["chatSessionId"] for s in sessions] == sorted(
            i for i, s in stored.items() if s["TopicId"] in demo_topics
        )
        assert {s["topicId"] for s in sessions} == demo_topics
        for session in sessions:
            original = stored[session["chatSessionId"]]
            assert session["status"] == original["Status"]  # a name the client knows
            assert session["flags"] in (0, 1)  # names parsed back into the flags enum
            assert isinstance(session["tableRight"], int)
            # SO-TimeZone: US-NY, includeTZOffset: the client's Date is the stored UTC time
            assert session["whenRequested"] == original["WhenRequested"] + ".000Z"
            if session["contactCategory"]:
                assert not session["contactCategory"].startswith('NO:"')  # Accept-Language: en
        assert any(s["userType"] == "InternalAssociate" for s in sessions)
        assert any(s["fieldRights"] for s in sessions)


def test_superoffice_webapi_client_sends_select_url_encoded(live_url: str) -> None:
    result = run_sdk(
        "superoffice.mjs", live_url, "ticket", "7T:demo-ticket", "", "ChatSessionId,user/fullname"
    )
    assert "%2F" in result["sent"]["url"]
    sessions = result["sessions"]
    assert all(s["topicId"] is None and s["chatSessionId"] for s in sessions)
    assert any(s["userFullName"] for s in sessions)


def test_superoffice_webapi_client_sees_the_mock_refuse_an_unknown_token(live_url: str) -> None:
    result = run_sdk("superoffice.mjs", live_url, "token", "8A:nope", exit_code=1)
    assert result["status"] == 401
    assert result["body"]["ErrorType"] == "SoSessionException"


def test_hapihub_feathers_client_logs_in_finds_creates_gets_and_patches(live_url: str) -> None:
    doctor, patient = "dQw8Nc2kT1hVbR7mYpL3sXe9ZaF4", "pA7uK3mWq9ZrT2cXnB5vLe8YsG1h"
    result = run_sdk(
        "hapihub.mjs", live_url, "doctor@hapihub.example", "demo-password", patient, doctor
    )
    assert result["login"]["uid"] == result["login"]["user"]["uid"] == doctor
    assert [set(s) for s in result["page"]] == [{"id", "createdAt"}] * 3
    times = [s["createdAt"] for s in result["page"]]
    assert times == sorted(times, reverse=True)
    assert result["mine"]
    assert all(doctor in s["participants"] for s in result["mine"])
    created = result["created"]
    assert (created["createdBy"], created["participants"]) == (doctor, [patient, doctor])
    assert "title" not in created
    assert result["read"] == created
    assert result["started"]["startedBy"] == doctor
    assert result["listed"] == [result["started"]]
    assert result["sameTokenAfterReAuthenticate"]
    # the client rebuilt its own error classes from the mock's bodies
    for key, name, code in (
        ("conflict", "Conflict", 409),
        ("notFound", "NotFound", 404),
        ("badQuery", "BadRequest", 400),
        ("afterLogout", "NotAuthenticated", 401),
    ):
        assert result[key]["feathers"], result[key]
        assert (result[key]["name"], result[key]["code"]) == (name, code)
