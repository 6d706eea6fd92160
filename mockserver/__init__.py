"""chat-session mockserver: four vendors' chat-session APIs, mocked from their OpenAPI specs."""

from __future__ import annotations

from .app import MockServer, create_app
from .config import Settings

__all__ = ["MockServer", "Settings", "create_app"]
