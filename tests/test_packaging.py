"""The package as users install it: `pip install` of the wheel alone, anywhere.

One wheel is built from the checkout's files (with the lowest setuptools pyproject.toml allows),
installed with its declared dependencies only into a fresh venv, and served from an unrelated
folder: the specs and fixtures must travel inside it, and every import must be declared.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mockserver.config import PROJECT_ROOT
from tests.state.conftest import Served

# Each API's demo login or list, as its README section shows it: 200 when specs and data are found.
_ONE_CALL_PER_API = [
    ("POST", "/chatkitty/oauth/token", {"auth": ("demo-client", "demo-secret"),
                                        "data": {"grant_type": "client_credentials"}}),
    ("POST", "/twin/api/v1/auth/login", {"json": {"email": "demo@twin.example",
                                                  "password": "demo-password"}}),
    ("GET", "/hapihub/chat-sessions", {"headers": {"Authorization": "Bearer demo-doctor-token"}}),
    ("POST", "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser",
     {"auth": ("demo", "demo-password")}),
    ("GET", "/__admin/rules", {}),
]  # fmt: skip


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _setuptools_floor() -> str:
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"setuptools>=([\d.]+)"', pyproject)
    assert match, "pyproject.toml names no setuptools floor"
    return match.group(1)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and its declared dependencies, nothing else."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"  # the files git would ship: no build/ or egg-info of the checkout
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                  cwd=PROJECT_ROOT)  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (PROJECT_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, source / name)
    floor = work / "floor.txt"
    floor.write_text(f"setuptools=={_setuptools_floor()}\n", encoding="utf-8")
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--no-deps", "--build-constraint", floor, "--wheel-dir", work / "dist",
         source)  # fmt: skip
    (wheel,) = (work / "dist").glob("mockserver-*.whl")
    _run(sys.executable, "-m", "venv", work / "venv")
    _run(work / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    return work / "venv"


def test_the_installed_wheel_checks_its_fixtures_from_any_folder(
    venv: Path, tmp_path: Path
) -> None:
    output = _run(venv / "bin" / "mockserver", "fixtures", "check", cwd=tmp_path)
    assert "chatkitty: ok" in output
    assert "Warning" not in output  # no third-party deprecation printed by every command


def test_the_installed_wheel_serves_every_api_from_any_folder(venv: Path, tmp_path: Path) -> None:
    served = Served("memory", mockserver=[str(venv / "bin" / "mockserver")], cwd=tmp_path)
    try:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            for method, path, request in _ONE_CALL_PER_API:
                answer = client.request(method, path, **request)  # type: ignore[arg-type]
                assert answer.status_code == 200, f"{method} {path}: {answer.text}"
    finally:
        served.stop()
    assert "Warning" not in served.read()
