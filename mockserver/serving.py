"""uvicorn's HTTP protocol with deadlines, so slow or silent clients cannot hold connections.

uvicorn times out only a connection idle *between* requests (keep-alive). A client that
connects and sends nothing, or sends a request's head or body a byte at a time, holds its
connection (and, with enough of them, the server) for as long as it likes: 75 s and counting,
when this was measured. Here every request must arrive whole, head and body, within
``request_seconds`` of its first byte (or of the connection opening); a connection idle between
requests is closed after ``idle_seconds`` (uvicorn's own ``timeout_keep_alive``, which the serving
command sets). Both are :class:`~mockserver.limits.Limits`, set like the others; the deadline
reaches worker processes through ``MOCKSERVER_LIMITS``.

uvicorn takes a protocol class for its ``http`` option, which is how this is plugged in.
"""

from __future__ import annotations

import asyncio
import functools
import os

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from .limits import Limits, parse_limits

__all__ = ["DeadlineHttpProtocol", "limits_from_env"]

LIMITS_VARIABLE = "MOCKSERVER_LIMITS"


@functools.cache
def limits_from_env() -> Limits:
    """The limits the serving command put in the environment (read once per process)."""
    items = os.environ.get(LIMITS_VARIABLE, "")
    return parse_limits(item for item in items.split(",") if item)


class DeadlineHttpProtocol(HttpToolsProtocol):
    """httptools' protocol, closing a connection whose request does not arrive in time."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._request_seconds = limits_from_env().request_seconds
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that never sends a byte is a request that never arrives

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self._request_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()
