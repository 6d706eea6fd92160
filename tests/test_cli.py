"""The command line: start-up failures are one clear line and a non-zero exit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver.auth import TokenIssuer
from mockserver.cli import main
from mockserver.config import PROJECT_ROOT
from mockserver.serving import DeadlineHttpProtocol


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
    assert seen["loop"] == "uvloop"
    assert seen["http"] is DeadlineHttpProtocol  # httptools' protocol, with deadlines
    assert issubclass(DeadlineHttpProtocol, HttpToolsProtocol)


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


# -- the CLI teaches ---------------------------------------------------------------------------


def _commands(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[str, click.Command, click.Context]]:
    """Every command under ``command`` (lazy ones included), with its path and context."""
    yield ctx.command_path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _commands(sub, click.Context(sub, info_name=name, parent=ctx))


_EVERY_COMMAND = list(_commands(main, click.Context(main, info_name="mockserver")))
_CONTROL = ["reset", "rules list", "rules add", "rules clear", "journal", "journal clear",
            "fixtures load"]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "command", "ctx"), _EVERY_COMMAND, ids=[path for path, *_ in _EVERY_COMMAND]
)
def test_every_command_shows_examples_and_describes_every_option(
    path: str, command: click.Command, ctx: click.Context
) -> None:
    shown = command.get_help(ctx)
    examples = shown.partition("Examples:\n")[2].split("\n\n")[0].splitlines()
    assert examples, f"{path} --help has no examples"
    assert all(line.strip().startswith(("mockserver ", "curl ")) for line in examples), examples
    undescribed = [
        param.opts[0]
        for param in command.get_params(ctx)
        if isinstance(param, click.Option) and not param.help and param.name != "help"
    ]
    assert not undescribed, f"{path}: options without help: {undescribed}"


@pytest.mark.parametrize("command", _CONTROL)
def test_control_commands_reach_the_mock_at_mockserver_url(command: str, tmp_path: Path) -> None:
    arguments = {"rules add": ["/twin"], "fixtures load": ["chatkitty", str(tmp_path)]}
    args = [*command.split(), *arguments.get(command, [])]
    result = CliRunner().invoke(main, args, env={"MOCKSERVER_URL": "http://127.0.0.1:9"})
    assert result.exit_code == 1
    assert "cannot reach the mock at http://127.0.0.1:9" in result.output
    assert "MOCKSERVER_URL" in CliRunner().invoke(main, [*command.split(), "--help"]).output


def test_contract_help_lists_every_check_and_report_format() -> None:
    from schemathesis.checks import CHECKS
    from schemathesis.cli.options import REPORT

    from mockserver.contract.vendors import contracts

    shown = " ".join(CliRunner().invoke(main, ["contract", "--help"]).output.split())
    vendor_checks = [c.__name__ for part in contracts().values() for c in part.checks]
    for name in [*CHECKS.get_all_names(), *vendor_checks, *REPORT.kwargs["type"].choices]:
        assert name in shown, name


def test_no_command_prints_a_third_party_warning(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "fixtures", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
