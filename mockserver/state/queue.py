"""Journal entries written in batches, off the request's path: what the SQLite and Redis
backends share.

A journal entry per request would otherwise cost every read a write (a transaction on SQLite,
a round trip to Redis). Entries wait at most :data:`FLUSH_INTERVAL` and are written together
by one thread; the process's own reads of a log flush first, so they see every entry it made,
and other processes see them within the interval.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence

from ..errors import StateError

__all__ = ["FLUSH_INTERVAL", "Entry", "LogQueue"]

FLUSH_INTERVAL = 0.05  # seconds a log entry may wait to be written with the ones after it

Entry = tuple[str, bytes, int]
"""A queued entry: its log, its body (JSON), the log's limit."""

logger = logging.getLogger("mockserver")


class LogQueue:
    """Entries queued for ``write``, which takes a batch, oldest first, in one go."""

    def __init__(self, write: Callable[[Sequence[Entry]], None]) -> None:
        self._write = write
        self._queue: list[Entry] = []
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._closing = threading.Event()

    def append(self, entry: Entry) -> None:
        with self._lock:
            self._queue.append(entry)
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_often, daemon=True)
                self._flusher.start()

    def flush(self) -> None:
        """Write what is queued now; raises the backend's StateError."""
        with self._lock:
            queued, self._queue = self._queue, []
        if queued:
            self._write(queued)

    def write_queued(self) -> None:
        """Write what is queued now; what the backend cannot take is logged as lost (the
        requests it records were answered)."""
        try:
            self.flush()
        except StateError as exc:
            logger.error("journal entries lost: %s", exc.message)

    def close(self) -> None:
        """Write what is left and stop the thread."""
        self._closing.set()
        if self._flusher is not None:
            self._flusher.join()

    def _flush_often(self) -> None:
        while not self._closing.wait(FLUSH_INTERVAL):
            self.write_queued()
        with contextlib.suppress(StateError):
            self.flush()
