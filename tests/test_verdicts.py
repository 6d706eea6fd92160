"""A start trusts only the checks an earlier start passed with the very same files and code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mockserver import MockServer, Settings
from mockserver.config import PROJECT_ROOT
from mockserver.errors import FixtureError, SpecError
from mockserver.state import open_backend
from mockserver.vendors import VENDORS
from mockserver.vendors.base import VendorAPI
from mockserver.verdicts import Verdicts, digest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the specs and fixtures this test may change."""
    shutil.copytree(PROJECT_ROOT / "openapi", tmp_path / "openapi")
    shutil.copytree(PROJECT_ROOT / "fixtures", tmp_path / "fixtures")
    return tmp_path


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The vendors whose fixture rules were checked, start by start (``fail`` in the list: the
    next check raises)."""
    checked: list[str] = []

    def spy(api: VendorAPI, *args: object) -> None:
        if "fail" in checked:
            checked.remove("fail")
            raise FixtureError("somewhere.json", "/0", "a rule broken")
        checked.append(api.name)

    for vendor in VENDORS:
        monkeypatch.setattr(vendor, "check_fixtures", spy)
    return checked


def start(project: Path) -> MockServer:
    server = MockServer(
        Settings(
            specs_dir=project / "openapi",
            fixtures_dir=project / "fixtures",
            state=f"sqlite:{project / 'state.db'}",
        )
    )
    server.control.backend.close()
    return server


def test_a_warm_start_skips_the_checks_a_cold_one_passed(project: Path, checks: list[str]) -> None:
    start(project)
    assert sorted(checks) == ["chatkitty", "hapihub", "superoffice", "twin"]
    checks.clear()
    start(project)
    assert checks == []


def test_a_changed_fixture_is_checked_again(project: Path) -> None:
    start(project)
    sessions = project / "fixtures" / "hapihub" / "sessions.json"
    records = json.loads(sessions.read_text(encoding="utf-8"))
    records[2]["participants"] = "not a list"
    sessions.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        start(project)
    assert caught.value.pointer == "/2/participants"


def test_a_changed_spec_is_checked_again(project: Path) -> None:
    start(project)
    spec = project / "openapi" / "twin.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("\ninfo:", "\nabout:", 1))
    with pytest.raises(SpecError) as caught:  # ours, naming the file, not Connexion's own
        start(project)
    assert caught.value.file == str(spec)


def test_a_failed_start_records_no_verdict(project: Path, checks: list[str]) -> None:
    checks.append("fail")
    with pytest.raises(FixtureError):
        start(project)
    start(project)  # the same files: checked again, since they never passed
    assert sorted(checks) == ["chatkitty", "hapihub", "superoffice", "twin"]


def test_the_digest_follows_specs_fixtures_and_code(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("openapi: 3.0.3\n", encoding="utf-8")
    first = digest([spec], ["fixtures-1"])
    assert digest([spec], ["fixtures-1"]) == first
    assert digest([spec], ["fixtures-2"]) != first
    spec.write_text("openapi: 3.0.2\n", encoding="utf-8")
    assert digest([spec], ["fixtures-1"]) != first


def test_a_verdict_is_kept_for_the_latest_files_only(tmp_path: Path) -> None:
    backend = open_backend(f"sqlite:{tmp_path / 'state.db'}")
    try:
        verdicts = Verdicts(backend)
        verdicts.record("old")
        verdicts.record("new")
        assert verdicts.passed("new")
        assert not verdicts.passed("old")
        assert Verdicts(backend).passed("new")  # kept in the state, not in the object
    finally:
        backend.close()
