"""The pytest plugin as a user's suite meets it: the README's example file passes in-process,
under pytest-xdist, on a port and attached to a running mock; verification and strict mode fail
the tests they should, with messages that say what happened."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mockserver.pytest_plugin import API_NAMES
from mockserver.vendors import VENDORS

EXAMPLE = Path(__file__).parent.parent / "examples" / "test_with_mockserver.py"
EXAMPLE_TESTS = 9


def run_pytest(*args: str | Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """A user's pytest run (only the installed plugins: no conftest of ours), and its JUnit XML."""
    report = cwd / "report.xml"
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return process, report


def outcomes(report: Path) -> dict[str, str]:
    """Test name → "passed", or the failure's (or error's) message and text."""
    result = {}
    for case in ET.parse(report).iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        result[case.get("name", "")] = (
            "passed" if problem is None else f"{problem.get('message')}\n{problem.text}"
        )
    return result


def test_the_plugin_knows_every_api_the_server_serves() -> None:
    assert list(API_NAMES) == [v.name for v in VENDORS]


@pytest.mark.parametrize(
    "options",
    [
        pytest.param([], id="in-process"),
        pytest.param(["-n", "2"], id="xdist"),
        pytest.param(["--mockserver-serve=port"], id="port"),
    ],
)
def test_the_readme_example_passes(tmp_path: Path, options: list[str]) -> None:
    process, report = run_pytest(EXAMPLE, *options, cwd=tmp_path)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert list(outcomes(report).values()) == ["passed"] * EXAMPLE_TESTS


def test_the_readme_example_passes_against_a_running_mock(tmp_path: Path, live_url: str) -> None:
    process, report = run_pytest(EXAMPLE, "--mockserver-url", live_url, cwd=tmp_path)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert list(outcomes(report).values()) == ["passed"] * EXAMPLE_TESTS


SUITE = """
import pytest

from mockserver.errors import AdminCallError

SESSIONS = "/chatkitty/chat-sessions"


def bearer(client):
    answer = client.post(
        "/chatkitty/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials"},
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_assert_called_lists_what_was_requested(mockserver, mockserver_ns):
    mockserver_ns.client.get(SESSIONS, params={"state": "PAUSED"})
    with mockserver.client() as stranger:  # no Mock-Namespace header
        stranger.get("/twin/api/v1/sessions")
    mockserver_ns.assert_called("chatkitty", "POST", "/oauth/token", times=2)


def test_assert_called_counts_exactly(mockserver_ns):
    mockserver_ns.client.get("/hapihub/chat-sessions/abc")
    mockserver_ns.client.get("/hapihub/chat-sessions/def")
    assert len(mockserver_ns.assert_called("hapihub", "GET", "/chat-sessions/{id}", times=2)) == 2
    assert len(mockserver_ns.assert_called("hapihub", "GET", "/chat-sessions/*")) == 2
    mockserver_ns.assert_not_called("hapihub", "GET", "/chat-sessions")


@pytest.mark.mockserver_strict
def test_strict_mode_fails_on_requests_off_the_spec(mockserver_ns):
    mockserver_ns.client.get("/chatkitty/nope")
    client = mockserver_ns.client
    client.get(SESSIONS, params={"state": "big"}, headers=bearer(client))
    mockserver_ns.client.get(SESSIONS)  # a 401, but on the spec


def test_without_strict_mode_they_pass(mockserver_ns):
    mockserver_ns.client.get("/chatkitty/nope")


def test_a_bad_seed_says_which_record(mockserver_ns):
    (record,) = mockserver_ns.records("chatkitty", "sessions")
    with pytest.raises(AdminCallError, match=r"chatkitty/sessions: at /0/state: 'PAUSED'"):
        mockserver_ns.seed("chatkitty", sessions=[{**record, "state": "PAUSED"}])


def test_a_fault_rule_is_removed_after_its_block_even_on_error(mockserver, mockserver_ns):
    with pytest.raises(RuntimeError), mockserver_ns.fault("/twin", status=503):
        assert mockserver_ns.client.get("/twin/api/v1/sessions").status_code == 503
        raise RuntimeError("the test body failed")
    assert mockserver.call("GET", "/rules")["rules"] == []
    assert mockserver_ns.client.get("/twin/api/v1/sessions").status_code == 401


def test_rules_left_in_force_are_removed_at_teardown(mockserver_ns):
    rule = mockserver_ns.fault("/twin", status=503)
    rule.__enter__()  # never left: teardown removes it


def test_after_the_teardown_no_rule_is_left(mockserver):
    assert mockserver.call("GET", "/rules")["rules"] == []
"""


def test_verification_and_strict_mode_fail_the_tests_they_should(tmp_path: Path) -> None:
    (tmp_path / "test_user_suite.py").write_text(textwrap.dedent(SUITE))
    process, report = run_pytest("test_user_suite.py", cwd=tmp_path)
    assert process.returncode == 1, process.stdout[-3000:]
    results = outcomes(report)

    called = results.pop("test_assert_called_lists_what_was_requested")
    assert "expected POST /chatkitty/oauth/token 2 times, it was requested 0 times" in called
    assert "GET /chatkitty/chat-sessions?state=PAUSED -> 401" in called
    assert "1 other request(s) reached the mock meanwhile without this test's" in called

    strict = results.pop("test_strict_mode_fails_on_requests_off_the_spec")
    assert "mockserver strict mode: 2 request(s) matched no operation or broke the spec" in strict
    assert "GET /chatkitty/nope was refused with 404:" in strict
    assert "chatkitty has no path /nope; its paths: /chat-sessions, /user-sessions/{id}," in strict
    assert "GET /chatkitty/chat-sessions?state=big was refused with 400:" in strict
    assert "query parameter 'state' must be one of ACTIVE, ENDED, got 'big'" in strict
    assert "chat-sessions -> 401" not in strict

    assert set(results.values()) == {"passed"}, results


def test_the_strict_option_makes_every_test_strict(tmp_path: Path) -> None:
    (tmp_path / "test_user_suite.py").write_text(textwrap.dedent(SUITE))
    process, report = run_pytest(
        "test_user_suite.py", "--mockserver-strict", "-k", "without_strict", cwd=tmp_path
    )
    assert process.returncode == 1
    (failure,) = outcomes(report).values()
    assert "chatkitty has no path /nope" in failure


def test_attaching_to_nothing_says_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "test_user_suite.py").write_text(textwrap.dedent(SUITE))
    process, report = run_pytest(
        "test_user_suite.py", "--mockserver-url", "http://127.0.0.1:9", "-k", "counts", cwd=tmp_path
    )
    assert process.returncode == 1
    (error,) = outcomes(report).values()
    assert "no mock answers at http://127.0.0.1:9" in error


def test_the_readme_shows_the_example_as_it_is() -> None:
    readme = (EXAMPLE.parent.parent / "README.md").read_text()
    assert f"```python\n{EXAMPLE.read_text()}```" in readme
