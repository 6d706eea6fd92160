"""The command line: start-up failures are one clear line and a non-zero exit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

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
    monkeypatch: pytest.MonkeyPatch, flags: list[str]
) -> None:
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
