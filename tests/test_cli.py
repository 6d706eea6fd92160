"""The command line: start-up failures are one clear line and a non-zero exit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver.auth import TokenIssuer
from mockserver.cli import main
from mockserver.config import PROJECT_ROOT


def test_fixtures_check_reports_every_vendor() -> None:
    result = CliRunner().invoke(main, ["fixtures", "check"])
    assert result.exit_code == 0, result.output
    assert "chatkitty: ok" in result.output


def test_bad_fixture_stops_serve_with_file_and_pointer(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(PROJECT_ROOT / "fixtures", fixtures)
    file = fixtures / "chatkitty" / "sessions.json"
    records = json.loads(file.read_text(encoding="utf-8"))
    records[5]["state"] = "PAUSED"
    file.write_text(json.dumps(records), encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--fixtures", str(fixtures), "--port", "1"])
    assert result.exit_code == 2
    assert f"{file}: at /5/state: 'PAUSED' is not one of" in result.output
    assert "Traceback" not in result.output


def test_generate_writes_spec_valid_fixtures(tmp_path: Path) -> None:
    out = tmp_path / "chatkitty"
    result = CliRunner().invoke(
        main,
        ["fixtures", "generate", "chatkitty", "--count", "40", "--seed", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    sessions = json.loads((out / "sessions.json").read_text(encoding="utf-8"))
    assert sum(1 for s in sessions if s["application_id"] == 1) == 40
    shutil.copytree(
        PROJECT_ROOT / "fixtures", tmp_path / "all", ignore=shutil.ignore_patterns("chatkitty")
    )
    shutil.copytree(out, tmp_path / "all" / "chatkitty")
    checked = CliRunner().invoke(main, ["fixtures", "check", "--fixtures", str(tmp_path / "all")])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("flags", [[], ["--reload"]])
def test_serve_runs_uvicorn_on_uvloop_and_httptools(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flags: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # where the token secret is kept
    seen: dict[str, object] = {}
    monkeypatch.setattr("mockserver.cli.uvicorn.run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("os.environ", dict(os.environ))  # --reload exports the settings
    result = CliRunner().invoke(main, ["serve", "--port", "1", *flags])
    assert result.exit_code == 0, result.output
    assert (seen["loop"], seen["http"]) == ("uvloop", "httptools")


# `mockserver serve` up to uvicorn, in a fresh interpreter, then the heavy modules it loaded.
_SERVE_THEN_LIST_HEAVY_MODULES = """
import sys
import uvicorn
uvicorn.run = lambda app, **options: None
from mockserver.cli import main
main(["serve", "--port", "1"], standalone_mode=False)
print("heavy:", *sorted(m for m in ("schemathesis", "hypothesis") if m in sys.modules))
"""


def test_serve_starts_without_schemathesis_or_hypothesis() -> None:
    """They cost a sixth of a second of every start-up; only Prefer's generated answers, the
    proxy and the contract command need them, and those import them when used."""
    result = subprocess.run(
        [sys.executable, "-c", _SERVE_THEN_LIST_HEAVY_MODULES],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "heavy:"


def test_contract_command_is_loaded_when_asked_for() -> None:
    result = CliRunner().invoke(main, ["contract", "--help"])
    assert result.exit_code == 0, result.output
    assert "--max-examples" in result.output
    assert "contract" in CliRunner().invoke(main, ["--help"]).output


# -- the token secret ----------------------------------------------------------------------------

_GIVEN_SECRET = "a-secret-given-by-the-user-0123456789abcdef"
_OLD_DEFAULT_SECRET = "chat-session-mockserver-development-secret"  # printed in auth.py once


def _served(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Any, dict[str, Any]]:
    """The app `serve` hands to uvicorn, and uvicorn's options, without serving."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(
        "mockserver.cli.uvicorn.run", lambda app, **options: seen.update(app=app, **options)
    )
    monkeypatch.setattr("os.environ", dict(os.environ))  # --reload exports the settings
    result = CliRunner().invoke(main, ["serve", "--port", "1", *args])
    assert result.exit_code == 0, result.output
    return seen.pop("app"), seen


def _chatkitty_answers(app: Any, secret: str) -> int:
    token = TokenIssuer(secret).issue("demo-client", 60, app=1, scope="read")
    with TestClient(app) as client:
        response = client.get(
            "/chatkitty/chat-sessions", headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code


def test_serve_signs_with_mockserver_token_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOCKSERVER_TOKEN_SECRET", _GIVEN_SECRET)
    app, _ = _served(monkeypatch)
    assert _chatkitty_answers(app, _GIVEN_SECRET) == 200
    assert _chatkitty_answers(app, _OLD_DEFAULT_SECRET) == 401
    _, options = _served(monkeypatch, "--reload")
    assert os.environ["MOCKSERVER_TOKEN_SECRET"] == _GIVEN_SECRET  # what the reloader builds from
    assert options["reload"] is True
    assert not (tmp_path / ".mockserver" / "secret").exists()  # the folder holds the state


def test_serve_without_a_secret_keeps_a_random_one_across_restarts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOCKSERVER_TOKEN_SECRET", raising=False)
    first, _ = _served(monkeypatch)
    stored = (tmp_path / ".mockserver" / "secret").read_text().strip()
    restarted, _ = _served(monkeypatch)
    assert _chatkitty_answers(first, stored) == _chatkitty_answers(restarted, stored) == 200
    assert _chatkitty_answers(restarted, _OLD_DEFAULT_SECRET) == 401


def test_serve_refuses_a_secret_too_short_to_sign_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--port", "1", "--token-secret", "short"])
    assert result.exit_code == 2
    assert "at least 32 bytes" in result.output
