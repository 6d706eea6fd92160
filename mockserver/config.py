"""Settings of one server instance, from the CLI or the environment.

The environment form exists because ``uvicorn --reload`` (and ``--factory``) re-creates the app in
a fresh process from an import string, where only the environment can carry the CLI's choices.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .auth import Clock
from .errors import StartupError
from .limits import Limits, parse_limits

__all__ = [
    "FIXTURES_DIR",
    "PROJECT_ROOT",
    "SECRET_FILE",
    "SPECS_DIR",
    "STATE_DIR",
    "Settings",
    "check_secret",
    "stored_secret",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this package runs from (meaningful in a checkout or an editable install only)."""


def _data_dir(packaged: str, checkout: str) -> Path:
    """The copy a wheel ships inside the package (setup.py maps it), else the checkout's folder."""
    inside = Path(__file__).resolve().parent / packaged
    return inside if inside.is_dir() else PROJECT_ROOT / checkout


SPECS_DIR = _data_dir("openapi", "openapi")
FIXTURES_DIR = _data_dir("fixtures_data", "fixtures")
STATE_DIR = Path(".mockserver")
"""Where a served mock keeps what must outlive the process (relative to the working folder)."""

_ENV_PREFIX = "MOCKSERVER_"
SECRET_FILE = "secret"
MIN_SECRET_BYTES = 32


def _random_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Settings:
    specs_dir: Path = SPECS_DIR
    fixtures_dir: Path = FIXTURES_DIR
    cors_origins: tuple[str, ...] = ("*",)
    # Off when serving (a bug of ours should not hide a valid answer), on in the test-suite.
    validate_responses: bool = False
    # Signs the tokens the vendors issue. Built in code, a server gets a secret of its own, so
    # nobody can sign tokens it would accept; `serve` and `from_env` keep one (stored_secret).
    token_secret: str = field(default_factory=_random_secret, repr=False, compare=False)
    clock: Clock = field(default=time.time, compare=False)
    # When set, every /__admin call needs "Authorization: Bearer <token>".
    admin_token: str | None = field(default=None, repr=False)
    # Host names the server answers to besides loopback addresses and the address it is bound to
    # (a guard against DNS rebinding: a page of another site reaching the mock by a name of its
    # own); "*" accepts every name.
    allowed_hosts: tuple[str, ...] = ()
    # Where state lives (mockserver.state.open_backend); `mockserver serve` defaults to a file.
    state: str = "memory"
    # Sizes and costs a request may reach (mockserver.limits).
    limits: Limits = field(default_factory=Limits)

    def to_env(self) -> dict[str, str]:
        return {
            f"{_ENV_PREFIX}SPECS_DIR": str(self.specs_dir),
            f"{_ENV_PREFIX}FIXTURES_DIR": str(self.fixtures_dir),
            f"{_ENV_PREFIX}CORS_ORIGINS": ",".join(self.cors_origins),
            f"{_ENV_PREFIX}VALIDATE_RESPONSES": "1" if self.validate_responses else "0",
            f"{_ENV_PREFIX}TOKEN_SECRET": self.token_secret,
            f"{_ENV_PREFIX}ADMIN_TOKEN": self.admin_token or "",
            f"{_ENV_PREFIX}ALLOWED_HOSTS": ",".join(self.allowed_hosts),
            f"{_ENV_PREFIX}STATE": self.state,
            f"{_ENV_PREFIX}LIMITS": ",".join(
                f"{name}={getattr(self.limits, name)}" for name in Limits.names()
            ),
        }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings ``to_env`` wrote; without a token secret, the one kept in ``STATE_DIR``."""

        def get(name: str) -> str | None:
            return environ.get(_ENV_PREFIX + name)

        def listed(name: str) -> tuple[str, ...]:
            return tuple(item for item in (get(name) or "").split(",") if item)

        defaults = cls()
        return cls(
            specs_dir=Path(get("SPECS_DIR") or defaults.specs_dir),
            fixtures_dir=Path(get("FIXTURES_DIR") or defaults.fixtures_dir),
            cors_origins=listed("CORS_ORIGINS") or defaults.cors_origins,
            validate_responses=get("VALIDATE_RESPONSES") == "1",
            token_secret=check_secret(secret, "MOCKSERVER_TOKEN_SECRET")
            if (secret := get("TOKEN_SECRET"))
            else stored_secret(STATE_DIR),
            admin_token=get("ADMIN_TOKEN") or None,
            allowed_hosts=listed("ALLOWED_HOSTS"),
            state=get("STATE") or defaults.state,
            limits=_env_limits(listed("LIMITS")),
        )


def _env_limits(items: tuple[str, ...]) -> Limits:
    try:
        return parse_limits(items)
    except ValueError as exc:
        raise StartupError("MOCKSERVER_LIMITS", "/", str(exc)) from None


def stored_secret(folder: Path) -> str:
    """The token secret kept in ``folder``, made (random, readable by its owner only) on first use.

    Tokens a client cached stay valid across restarts, and nobody else knows the secret. The
    folder gets a ``.gitignore`` of its own, so a checkout never commits it. Two servers starting
    at once agree: the file appears whole (a hard link of a finished file) or not at all.
    """
    path = folder / SECRET_FILE
    try:
        if not path.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
            draft = folder / f".{SECRET_FILE}.{os.getpid()}"
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(_random_secret() + "\n")
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another server made it first: theirs is the one
            finally:
                draft.unlink()
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StartupError(str(path), "/", f"cannot keep the token secret here: {exc}") from None
    return check_secret(secret, str(path))


def check_secret(secret: str, source: str) -> str:
    """``secret`` if it is long enough for HS256 (RFC 7518 §3.2: as many bytes as the hash)."""
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise StartupError(
            source,
            "/",
            f"the token secret must be at least {MIN_SECRET_BYTES} bytes; make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    return secret
