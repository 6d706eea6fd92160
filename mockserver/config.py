"""Settings of one server instance, from the CLI or the environment.

The environment form exists because ``uvicorn --reload`` (and ``--factory``) re-creates the app in
a fresh process from an import string, where only the environment can carry the CLI's choices.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .auth import DEFAULT_SECRET, Clock

__all__ = ["PROJECT_ROOT", "Settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_ENV_PREFIX = "MOCKSERVER_"


@dataclass(frozen=True)
class Settings:
    specs_dir: Path = PROJECT_ROOT / "openapi"
    fixtures_dir: Path = PROJECT_ROOT / "fixtures"
    cors_origins: tuple[str, ...] = ("*",)
    # Off when serving (a bug of ours should not hide a valid answer), on in the test-suite.
    validate_responses: bool = False
    token_secret: str = DEFAULT_SECRET
    clock: Clock = field(default=time.time, compare=False)
    # When set, every /__admin call needs "Authorization: Bearer <token>".
    admin_token: str | None = None

    def to_env(self) -> dict[str, str]:
        return {
            f"{_ENV_PREFIX}SPECS_DIR": str(self.specs_dir),
            f"{_ENV_PREFIX}FIXTURES_DIR": str(self.fixtures_dir),
            f"{_ENV_PREFIX}CORS_ORIGINS": ",".join(self.cors_origins),
            f"{_ENV_PREFIX}VALIDATE_RESPONSES": "1" if self.validate_responses else "0",
            f"{_ENV_PREFIX}TOKEN_SECRET": self.token_secret,
            f"{_ENV_PREFIX}ADMIN_TOKEN": self.admin_token or "",
        }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def get(name: str) -> str | None:
            return environ.get(_ENV_PREFIX + name)

        defaults = cls()
        origins = get("CORS_ORIGINS")
        return cls(
            specs_dir=Path(get("SPECS_DIR") or defaults.specs_dir),
            fixtures_dir=Path(get("FIXTURES_DIR") or defaults.fixtures_dir),
            cors_origins=tuple(o for o in origins.split(",") if o) if origins else ("*",),
            validate_responses=get("VALIDATE_RESPONSES") == "1",
            token_secret=get("TOKEN_SECRET") or DEFAULT_SECRET,
            admin_token=get("ADMIN_TOKEN") or None,
        )
