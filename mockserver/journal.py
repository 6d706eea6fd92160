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

An entry also keeps the first :data:`BODY_LIMIT` bytes of the request and answer bodies, so
"what did my app send, what came back" can be answered after the fact (the inspector page,
``assert_called(..., body=...)``), as text with credential fields redacted; a body that names
no credential at all (most of them) is not parsed for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import Clock
from .errors import HTTPError, Problem
from .redaction import redact_body, redact_headers, redact_problem, redact_query
from .state import Backend
from .state.memory import MemoryBackend
from .state.namespaces import current

__all__ = [
    "BODY_LIMIT",
    "DEFAULT_SIZE",
    "NAMESPACE_HEADER",
    "Entry",
    "Journal",
    "JournalMiddleware",
    "note",
    "note_error",
]

DEFAULT_SIZE = 1000
_STATE_KEY = "mockserver.journal"
_QUOTED_KEY = "mockserver.journal.quoted"  # (problem message, redacted message) pairs
BODY_LIMIT = 16 * 1024
"""Bytes of each request and answer body an entry keeps (1000 entries: at most 32 MB)."""
NAMESPACE_HEADER = "mock-namespace"
"""The request header naming the namespace a request belongs to (lower case, as in ASGI)."""


@dataclass
class Body:
    """The first :data:`BODY_LIMIT` bytes of a body, and how long it really was."""

    kept: bytearray = field(default_factory=bytearray)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = BODY_LIMIT - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]

    def text(self, content_type: str | None) -> str | None:
        """The body as redacted text; binary bodies are described, not shown."""
        if not self.size:
            return None
        raw = bytes(self.kept)
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            if self.size > len(raw):  # cut inside a character, perhaps
                text = raw.decode(errors="ignore")
            else:
                return f"<{self.size} bytes of {content_type or 'binary data'}>"
        if "\x00" in text:
            return f"<{self.size} bytes of {content_type or 'binary data'}>"
        text = redact_body(text, content_type)
        if self.size > len(raw):
            text += f"… [{self.size - len(raw)} more bytes not kept]"
        return text


@dataclass
class Entry:
    """One request as the journal keeps it: plain values, as a state backend can store them."""

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
    namespace: str | None = None
    id: str = ""
    """Set when the entry is added: increasing with the time it was added (for ``after=``)."""
    request_body: str | None = None
    request_body_size: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    response_body_size: int = 0

    def as_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies value by value, a sixth of a cheap request's
        # CPU. The values are scalars and flat lists and dicts of them: copying those is enough
        # for the entry to change afterwards without changing what was kept.
        return {k: v.copy() if isinstance(v, dict | list) else v for k, v in vars(self).items()}


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
        self._lock = threading.Lock()
        self._last_id = 0

    @property
    def log(self) -> str:
        """The log of the current request's namespace: each has its own journal."""
        namespace = current.get()
        return f"{namespace}:{self._log}" if namespace else self._log

    def add(self, entry: Entry) -> None:
        with self._lock:
            # Microseconds, not a count: workers sharing one journal number their entries
            # alike; and below 2**53, so JavaScript reads them exactly.
            entry.id = str(max(time.time_ns() // 1000, self._last_id + 1))
            self._last_id = int(entry.id)
        self.backend.append(self.log, entry.as_dict(), self.size)

    def clear(self) -> int:
        return self.backend.clear(self.log)

    def entries(self) -> list[Entry]:
        """Every entry kept, newest first (queries: :mod:`mockserver.verification`)."""
        return [Entry(**e) for e in self.backend.entries(self.log, self.size)]

    def stamp(self) -> str:
        return (
            datetime.fromtimestamp(self.clock(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )


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
    wherever the error's message repeats it, the answer's body included (see
    :class:`JournalMiddleware`).
    """
    state = scope.get("state", {})
    entry = state.get(_STATE_KEY)
    if entry is None:
        return
    message = error.message if isinstance(error, HTTPError) else error
    for problem in problems:
        redacted = redact_problem(problem) if isinstance(problem, Problem) else problem
        if redacted is not problem:
            message = message.replace(str(problem), str(redacted))
            state.setdefault(_QUOTED_KEY, []).append((problem.message, redacted.message))
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
        headers = redact_headers(scope.get("headers", []))
        entry = Entry(
            time=self.journal.stamp(),
            api=self.api_of(path),
            method=scope["method"],
            path=path,
            query=redact_query(scope.get("query_string", b"").decode("latin-1")),
            headers=headers,
            namespace=headers.get(NAMESPACE_HEADER),
        )
        # Inner layers may copy the scope; the state dict they share is where they find the entry.
        scope.setdefault("state", {})[_STATE_KEY] = entry
        started = time.perf_counter()

        # The body is read now, up to the limit, and handed on as it came: an answer decided
        # before the app reads the body (a 401) must still show what was sent.
        request_body, response_body = Body(), Body()
        reader = _BodyReader(receive, request_body)
        await reader.read_ahead(scope)

        async def send_and_watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
                entry.response_headers = redact_headers(message.get("headers", []))
            elif message["type"] == "http.response.body":
                response_body.add(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, reader.receive, send_and_watch)
        finally:
            entry.duration_ms = round((time.perf_counter() - started) * 1000, 3)
            entry.request_body = request_body.text(headers.get("content-type"))
            entry.request_body_size = request_body.size
            entry.response_body = _unquoted(
                response_body.text(entry.response_headers.get("content-type")),
                scope["state"].get(_QUOTED_KEY, ()),
            )
            entry.response_body_size = response_body.size
            self.journal.add(entry)


class _BodyReader:
    """Keeps the request body as the app receives it, reading its start ahead if need be."""

    def __init__(self, receive: Receive, body: Body) -> None:
        self._receive = receive
        self._body = body
        self._early: list[Message] = []
        self._failure: Exception | None = None

    @property
    def transport(self) -> Any:
        """The server's connection, which a ``drop`` fault closes (see ``faults``): it looks
        for it on the owner of ``receive``, which is now this reader."""
        return getattr(getattr(self._receive, "__self__", None), "transport", None)

    async def read_ahead(self, scope: Scope) -> None:
        """Receive until :data:`BODY_LIMIT` bytes or the end of the body, for later."""
        announced = any(
            name in (b"content-length", b"transfer-encoding") and value not in (b"0", b"")
            for name, value in scope.get("headers", [])
        )
        while announced and self._body.size < BODY_LIMIT:
            try:
                message = await self._receive()
            except Exception as exc:  # the app meets it when it reads, as it would have
                self._failure = exc
                return
            self._early.append(message)
            if message["type"] != "http.request":
                return
            self._body.add(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def receive(self) -> Message:
        if self._early:
            return self._early.pop(0)
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        message = await self._receive()
        if message["type"] == "http.request":
            self._body.add(message.get("body", b""))
        return message


def _unquoted(body: str | None, quoted: Iterable[tuple[str, str]]) -> str | None:
    """An error answer's body without the secret values its problems quoted (as JSON too)."""
    for message, redacted in quoted:
        if body is not None:
            body = body.replace(message, redacted)
            body = body.replace(_json_text(message), _json_text(redacted))
    return body


def _json_text(text: str) -> str:
    return orjson.dumps(text).decode()[1:-1]
