"""chat-session mockserver: four vendors' chat-session APIs, mocked from their OpenAPI specs."""

from __future__ import annotations

import warnings

# Connexion 3.3 imports starlette.testclient when it is imported (for its test_client() helper,
# which the mock never calls), and Starlette warns at that import that its test client should
# run on httpx2. Every `mockserver` command printed that warning though none uses a test client;
# only that warning, and only during Connexion's import, is silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    import connexion  # noqa: F401

from .app import MockServer, create_app
from .config import Settings

__all__ = ["MockServer", "Settings", "create_app"]
