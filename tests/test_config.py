"""Settings: the token secret is never a known value; a served mock keeps its own across
restarts (a file readable by its owner only, in a git-ignored folder), and ``--reload`` keeps
the one given."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mockserver.config import STATE_DIR, Settings, stored_secret
from mockserver.errors import StartupError

GIVEN = "a-secret-given-by-the-user-0123456789abcdef"


def test_a_stored_secret_is_made_once_private_and_ignored_by_git(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    secret = stored_secret(folder)
    assert len(secret) >= 32
    assert stored_secret(folder) == secret  # a restart finds it
    assert stat.S_IMODE((folder / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / ".gitignore").read_text() == "*\n"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "secret"]
    assert stored_secret(tmp_path / "elsewhere") != secret


def test_a_stored_secret_too_short_to_sign_with_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("short\n")
    with pytest.raises(StartupError, match="at least 32 bytes"):
        stored_secret(tmp_path)


def test_settings_built_in_code_have_a_secret_of_their_own() -> None:
    assert Settings().token_secret != Settings().token_secret
    assert GIVEN not in repr(Settings(token_secret=GIVEN, admin_token="admin-secret"))
    assert "admin-secret" not in repr(Settings(admin_token="admin-secret"))


def test_from_env_honours_the_secret_given_and_otherwise_keeps_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    given = Settings.from_env({"MOCKSERVER_TOKEN_SECRET": GIVEN})
    assert given.token_secret == GIVEN
    assert not STATE_DIR.exists()  # nothing written when a secret is given
    kept = Settings.from_env({})
    assert kept.token_secret == (tmp_path / STATE_DIR / "secret").read_text().strip()
    assert Settings.from_env({}).token_secret == kept.token_secret
    assert Settings.from_env(kept.to_env()).token_secret == kept.token_secret
    with pytest.raises(StartupError, match="MOCKSERVER_TOKEN_SECRET"):
        Settings.from_env({"MOCKSERVER_TOKEN_SECRET": "short"})
