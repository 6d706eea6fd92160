"""Journal entries written in batches, off the request's path: what the SQLite and Redis
backends share.

A journal entry per request would otherwise cost every read a write (a transaction on SQLite,
a round trip to Redis). Entries wait at most :data:`FLUSH_INTERVAL` and are written together;
the process's own reads of a log flush first, so they see every entry it made, and other
processes see them within the interval.

In a server the batches are written by a task on the event loop that serves the requests, not
by a thread of their own. A thread waking every interval while the loop is busy costs every
request: for the :func:`sys.getswitchinterval` it then waits for the GIL, each release of the
GIL by the loop (every SQLite call, every socket send) wakes it in vain, two context switches
each. Measured with a thread that writes nothing: 4,500 context switches a second and a stamp
read three and a half times as slow. Callers without a running loop (the CLI, a script) get
the thread. A backend whose writes wait on the network (Redis) gives an ``awrite`` the task
awaits, so a slow or unreachable server holds that write, never the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence

from ..errors import StateError

__all__ = ["FLUSH_INTERVAL", "Entry", "LogQueue"]

FLUSH_INTERVAL = 0.05  # seconds a log entry may wait to be written with the ones after it

Entry = tuple[str, bytes, int]
"""A queued entry: its log, its body (JSON), the log's limit."""

logger = logging.getLogger("mockserver")


class LogQueue:
    """Entries queued for ``write``, which takes a batch, oldest first, in one go."""

    def __init__(
        self,
        write: Callable[[Sequence[Entry]], None],
        awrite: Callable[[Sequence[Entry]], Awaitable[None]] | None = None,
    ) -> None:
        self._write = write
        self._awrite = awrite
        self._queue: list[Entry] = []
        self._lock = threading.Lock()
        self._flusher: asyncio.Task[None] | threading.Thread | None = None
        self._closing = threading.Event()

    def append(self, entry: Entry) -> None:
        with self._lock:
            self._queue.append(entry)
            if not self._flushing():
                self._flusher = self._start_flusher()

    def flush(self) -> None:
        """Write what is queued now; raises the backend's StateError."""
        if queued := self._take():
            self._write(queued)

    def write_queued(self) -> None:
        """Write what is queued now; what the backend cannot take is logged as lost (the
        requests it records were answered)."""
        try:
            self.flush()
        except StateError as exc:
            _lost(exc)

    def close(self) -> None:
        """Write what is left and stop writing on a schedule."""
        self._closing.set()
        if isinstance(self._flusher, threading.Thread):
            self._flusher.join()
        with contextlib.suppress(StateError):
            self.flush()

    async def _awrite_queued(self) -> None:
        if self._awrite is None:
            self.write_queued()
        elif queued := self._take():
            try:
                await self._awrite(queued)
            except StateError as exc:
                _lost(exc)

    def _take(self) -> list[Entry]:
        with self._lock:
            queued, self._queue = self._queue, []
        return queued

    def _flushing(self) -> bool:
        """Whether a flusher will write what is queued: a loop that ended took its task."""
        flusher = self._flusher
        if isinstance(flusher, asyncio.Task):
            return not (flusher.done() or flusher.get_loop().is_closed())
        return flusher is not None

    def _start_flusher(self) -> asyncio.Task[None] | threading.Thread:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            thread = threading.Thread(target=self._flush_often, daemon=True)
            thread.start()
            return thread
        return loop.create_task(self._flush_on_loop())

    async def _flush_on_loop(self) -> None:
        try:
            while not self._closing.is_set():
                await asyncio.sleep(FLUSH_INTERVAL)
                await self._awrite_queued()
        finally:  # the loop is ending (a server stopping, a test client closing)
            self.write_queued()

    def _flush_often(self) -> None:
        while not self._closing.wait(FLUSH_INTERVAL):
            self.write_queued()


def _lost(exc: StateError) -> None:
    logger.error("journal entries lost: %s", exc.message)
