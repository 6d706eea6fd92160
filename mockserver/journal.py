"""The request journal: what the last N requests were and what was wrong with them.

A frontend developer whose screen shows nothing needs to know what the mock answered and why;
a QA engineer running the validating proxy needs every contract violation of a session. Both
read the same journal (``GET /__admin/journal``).

:class:`JournalMiddleware` sits near the top of the ASGI stack and times every request outside
``/__admin``. What it cannot see from the outside (the validation problems behind a 400, the
fault rule that answered, the proxy's violations) is handed to it through the request scope with
:func:`note_error` and :func:`note`, by whoever found it. Entries live in a bounded log of the
state backend, which every worker shares: a mock left running for days must not grow without
limit.

Secrets never reach the journal: header and query values whose names say they carry
credentials, and the values a problem about such a field quotes, are replaced by
``[redacted]`` (:mod:`mockserver.redaction` decides what a secret is).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import Clock
from .errors import HTTPError, Problem
from .redaction import redact_headers, redact_problem, redact_query
from .state import Backend
from .state.memory import MemoryBackend
from .state.namespaces import current

__all__ = [
    "DEFAULT_SIZE",
    "Entry",
    "Journal",
    "JournalMiddleware",
    "note",
    "note_error",
]

DEFAULT_SIZE = 1000
_STATE_KEY = "mockserver.journal"


@dataclass
class Entry:
    """One request as the journal keeps it."""

    time: str
    api: str | None
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int | None = None
    duration_ms: float = 0.0
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    """The last ``size`` requests, in the state backend's bounded log ``log``.

    Every worker of a server appends to the same log, so the journal shows requests from all
    of them; the memory backend keeps it in this process.
    """

    def __init__(
        self,
        clock: Clock = time.time,
        size: int = DEFAULT_SIZE,
        *,
        backend: Backend | None = None,
        log: str = "journal",
    ) -> None:
        self.clock = clock
        self.size = size
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        self._log = log

    @property
    def log(self) -> str:
        """The log of the current request's namespace: each has its own journal."""
        namespace = current.get()
        return f"{namespace}:{self._log}" if namespace else self._log

    def add(self, entry: Entry) -> None:
        self.backend.append(self.log, entry.as_dict(), self.size)

    def clear(self) -> int:
        return self.backend.clear(self.log)

    def entries(
        self,
        *,
        api: str | None = None,
        status: str | None = None,
        path: str | None = None,
        limit: int = 100,
    ) -> list[Entry]:
        """Newest first. ``status`` is exact (``404``) or a class (``4xx``); ``path`` a prefix."""
        stored = (Entry(**e) for e in self.backend.entries(self.log, self.size))
        selected = [
            entry
            for entry in stored
            if (api is None or entry.api == api)
            and (status is None or _status_matches(entry.status, status))
            and (path is None or entry.path.startswith(path))
        ]
        return selected[:limit]

    def stamp(self) -> str:
        return (
            datetime.fromtimestamp(self.clock(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )


def _status_matches(actual: int | None, wanted: str) -> bool:
    if actual is None:
        return False
    if wanted.lower().endswith("xx"):
        return str(actual)[0] == wanted[0]
    return str(actual) == wanted


def note(scope: MutableMapping[str, Any], message: str) -> None:
    """Add a remark to the journal entry of the request in ``scope`` (a fault, a preference)."""
    entry = scope.get("state", {}).get(_STATE_KEY)
    if entry is not None:
        entry.notes.append(message)


def note_error(
    scope: MutableMapping[str, Any], error: HTTPError | str, problems: Iterable[Any]
) -> None:
    """Record why a request failed: the error's message and every problem, in plain words.

    A problem about a secret field (``password``) loses the value it quotes, in the problem and
    wherever the error's message repeats it.
    """
    entry = scope.get("state", {}).get(_STATE_KEY)
    if entry is None:
        return
    message = error.message if isinstance(error, HTTPError) else error
    for problem in problems:
        redacted = redact_problem(problem) if isinstance(problem, Problem) else problem
        if redacted is not problem:
            message = message.replace(str(problem), str(redacted))
        entry.problems.append(str(redacted))
    entry.error = message


class JournalMiddleware:
    """Records every request outside ``skip_prefix`` in ``journal``, with its answer's status."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        journal: Journal,
        api_of: Callable[[str], str | None],
        skip_prefix: str = "/__admin",
    ) -> None:
        self.app = app
        self.journal = journal
        self.api_of = api_of
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path == self.skip_prefix
            or path.startswith(self.skip_prefix + "/")
        ):
            await self.app(scope, receive, send)
            return
        entry = Entry(
            time=self.journal.stamp(),
            api=self.api_of(path),
            method=scope["method"],
            path=path,
            query=redact_query(scope.get("query_string", b"").decode("latin-1")),
            headers=redact_headers(scope.get("headers", [])),
        )
        # Inner layers may copy the scope; the state dict they share is where they find the entry.
        scope.setdefault("state", {})[_STATE_KEY] = entry
        started = time.perf_counter()

        async def send_and_watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            self.journal.add(entry)
