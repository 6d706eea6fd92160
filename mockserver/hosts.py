"""Which ``Host`` names the server answers to: the guard against DNS rebinding.

A page of another site can make its own name resolve to 127.0.0.1 and then talk to the mock as
if it were that site, reading answers and driving the admin API with no CORS involved. Its
requests still say the page's name in ``Host``. So the server answers only names no public DNS
name can stand for: IP literals, single-label names (``localhost``, a machine or a Docker
service name), ``*.localhost`` (RFC 6761), plus the names it is told (``--allowed-host``, the
``--host`` it listens on; ``*`` turns the guard off).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from connexion.lifecycle import ConnexionRequest
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import BadRequest, HTTPError
from .faults import Renderer

__all__ = ["HostGuard", "host_name", "is_allowed_host", "send_error"]


def host_name(host: str) -> str | None:
    """The name in a ``Host`` value (no port, no brackets, lower case), None if malformed."""
    if not host.isascii() or any(c in host for c in " /\\@?#"):
        return None
    try:
        name = urlsplit(f"//{host}").hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def is_allowed_host(host: str, allowed: Iterable[str]) -> bool:
    allowed = {a.lower().rstrip(".") for a in allowed}
    name = host_name(host)
    if "*" in allowed:
        return True
    if name is None:
        return False
    if name in allowed or "." not in name or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostGuard:
    """Answers 400 (rendered by ``render``, so in the owning vendor's shape) to a foreign Host."""

    def __init__(self, app: ASGIApp, *, allowed: Iterable[str], render: Renderer) -> None:
        self.app = app
        self.allowed = tuple(allowed)
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = next((v for k, v in scope["headers"] if k == b"host"), None)
        # No Host at all is a tool speaking HTTP/1.0, never a browser.
        if host is None or is_allowed_host(host.decode("latin-1"), self.allowed):
            await self.app(scope, receive, send)
            return
        shown = host.decode("latin-1")[:100]
        error = BadRequest(
            f"Host {shown!r} is not a name this mock answers to (a guard against DNS rebinding); "
            f"reach it by an IP address or localhost, or start it with --allowed-host "
            f"{host_name(shown) or shown}",
            reason="invalid_host",
        )
        await send_error(self.render, error, scope, receive, send)


async def send_error(
    render: Renderer, error: HTTPError, scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer ``error`` as the server's error handler ``render`` words it."""
    answer = render(ConnexionRequest(scope, receive), error)
    response = Response(answer.body, answer.status_code, dict(answer.headers), answer.mimetype)
    await response(scope, receive, send)
