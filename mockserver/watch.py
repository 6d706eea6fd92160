"""Hot reload: a changed spec or fixture file is served without a restart.

``mockserver serve --watch`` serves a :class:`Reloading` app. It delegates every request to the
current :class:`~mockserver.app.MockServer`; when a file under the specs or fixtures folder
changes, a new server is built from the files (in a worker thread, so requests keep being
answered meanwhile) and swapped in with one assignment: a request runs entirely on the old
server or entirely on the new one. A change that does not load keeps the old server serving and
logs the file and JSON pointer of the error, so a typo in a fixture costs a log line, not a
crashed mock.

The state backend, the journal and the fault rules (:class:`~mockserver.admin.Control`) carry
over; an API whose fixture files changed starts again from them (its state was made from others),
the others keep what clients wrote. Code changes are uvicorn's ``--reload``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.types import Receive, Scope, Send
from watchfiles import awatch

from .admin import Control
from .app import MockServer
from .config import Settings
from .errors import StartupError

__all__ = ["Reloading", "create_watching_app"]

logger = logging.getLogger("mockserver")

_WATCHED_SUFFIXES = (".yaml", ".yml", ".json")


class Reloading:
    """An ASGI app serving the latest MockServer that loaded, watching its files in lifespan."""

    def __init__(self, settings: Settings, server: MockServer | None = None) -> None:
        self.settings = settings
        self.server = server or MockServer(settings)
        self.control: Control = self.server.control
        self._stop = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        await self.server.app(scope, receive, send)

    def reload(self) -> bool:
        """Build a server from the files as they are now; keep the old one if they do not load."""
        try:
            server = MockServer(self.settings, self.control)
        except StartupError as exc:
            logger.error("reload failed, still serving the previous version: %s", exc)
            return False
        self.server = server
        logger.info("reloaded specs and fixtures")
        return True

    async def watch(self) -> None:
        """Reload after every batch of changes to a spec or fixture file, until stopped."""
        folders = [self.settings.specs_dir, self.settings.fixtures_dir]
        async for changes in awatch(
            *folders, stop_event=self._stop, watch_filter=_spec_or_fixture, debounce=200
        ):
            names = ", ".join(sorted(str(Path(p).name) for _, p in changes))
            logger.info("changed: %s", names)
            await asyncio.to_thread(self.reload)

    def stop(self) -> None:
        self._stop.set()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                task = asyncio.create_task(self.watch())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop()
                if task is not None:
                    await task
                await self.server.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _spec_or_fixture(_: object, path: str) -> bool:
    return path.endswith(_WATCHED_SUFFIXES)


def create_watching_app() -> Reloading:
    """ASGI app factory of ``serve --watch`` when each worker builds its own server.

    Every worker watches the files and reloads by itself; the first to seed a changed API's
    state from the new fixtures does it for all (the others find it seeded from them).
    """
    return Reloading(Settings.from_env())
