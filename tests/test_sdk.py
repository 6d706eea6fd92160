"""The vendors' own npm clients, unchanged, against a live mock on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

SDK_DIR = Path(__file__).parent / "sdk"


def run_sdk(script: str, *args: str) -> dict:  # type: ignore[type-arg]
    node = shutil.which("node")
    assert node, "Node.js is required for the SDK tests (CI has it)"
    completed = subprocess.run(
        [node, str(SDK_DIR / script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
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


def test_chatkitty_sdk_sees_the_mock_refuse_a_wrong_secret(live_url: str) -> None:
    node = shutil.which("node")
    assert node
    completed = subprocess.run(
        [node, str(SDK_DIR / "chatkitty.mjs"), live_url, "demo-client", "wrong"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    result = json.loads(completed.stdout)
    assert result["status"] == 401
    assert result["body"]["error"] == "invalid_client"
