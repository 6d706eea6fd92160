"""``mockserver contract`` end to end: in-process, over HTTP, reports, exit codes, secrets."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mockserver import MockServer
from mockserver.cli import main
from mockserver.contract import command
from tests.contract.mutants import all_mutants

QUICK = ["--seed", "1", "--max-examples", "5"]


def contract(*args: str) -> Result:
    return CliRunner().invoke(main, ["contract", *args])


def everything_written(output: str, folder: Path) -> str:
    return output + "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def test_in_process_run_writes_reports_and_no_credentials(tmp_path: Path) -> None:
    # An account whose password is in the fixtures only: Hypothesis draws strings from the
    # literals of the code it runs (the contract's own default, "demo-password", among them), so
    # that one can turn up in generated bodies without anything having leaked.
    result = contract(
        "superoffice", *QUICK, "--basic", "hjohansen8:hjohansen8-password",
        "--report", "junit,har,vcr", "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Base URL:         http://testserver/superoffice" in result.output
    assert "contract superoffice: passed" in result.output
    reports = sorted(p.suffix for p in (tmp_path / "superoffice").iterdir())
    assert reports == [".json", ".xml", ".yaml"]  # HAR is JSON; JUnit XML; VCR YAML
    written = everything_written(result.output, tmp_path)
    assert "Authorization" in written
    for secret in (
        "hjohansen8-password",
        base64.b64encode(b"hjohansen8:hjohansen8-password").decode(),
    ):
        assert secret not in written


def test_client_secret_never_appears(tmp_path: Path) -> None:
    result = contract(
        "chatkitty", *QUICK, "--client-id", "demo-client", "--client-secret", "demo-secret",
        "--report", "har,vcr", "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert "contract chatkitty:" in result.output
    written = everything_written(result.output, tmp_path)
    assert "demo-secret" not in written
    assert base64.b64encode(b"demo-client:demo-secret").decode() not in written


def test_over_http_against_a_running_server(live_url: str) -> None:
    result = contract(
        "twin", *QUICK, "--base-url", f"{live_url}/twin",
        "--email", "demo@twin.example", "--password", "demo-password",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Base URL:         {live_url}/twin" in result.output
    assert "demo-password" not in result.output


def test_a_failure_shows_curl_check_and_why_and_exits_non_zero(
    server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    mutant = next(m for m in all_mutants() if m.vendor == "chatkitty" and m.id == "wrong-total")
    broken: Any = mutant.wrap(server.app)
    monkeypatch.setattr(command, "_mock_app", lambda: broken)
    result = contract("chatkitty", *QUICK, "--checks", "chatkitty_page_totals")
    assert result.exit_code == 1, result.output
    assert "Custom check failed: `chatkitty_page_totals`" in result.output
    assert "it should hold" in result.output
    assert (
        "curl -X GET -H 'Authorization: [Filtered]' 'http://testserver/chatkitty/chat-sessions"
        in (result.output)
    )
    assert "contract chatkitty: FAILED" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chatkitty", "--basic", "a:b"], "--basic is for superoffice, not chatkitty"),
        (["superoffice", "--ticket", "7T:x", "--bearer", "8A:y"], "give one of"),
        (["hapihub", "--email", "doctor@hapihub.example"], "go together"),
        (["nobody"], "Invalid value for"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = contract(*args)
    assert result.exit_code == 2
    assert message in result.output
