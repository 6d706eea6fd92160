"""Fault rules: latency, error answers and broken connections, set through the admin API.

A browser app cannot send a ``Prefer`` header through its vendor's SDK, and a resilience test
wants faults it did not ask for on each call: "every third ``GET /chatkitty/chat-sessions``
answers 503", "everything under ``/twin`` takes 200–800 ms", "drop the connection". A
:class:`Rule` matches a method and a path (a prefix, or a template such as
``/hapihub/chat-sessions/{id}``), fires on every ``every``-th matching call, and expires after
firing ``times`` times or ``ttl`` seconds after it was made, whichever comes first (by the
server's clock, so tests move time instead of sleeping).

:class:`FaultMiddleware` applies them; an injected status is rendered by the server's error
handler, so in the owning vendor's shape like any other error. The two network faults are real
ones, as a client meets them:

* ``drop``: the connection is closed before a byte of the answer is sent. ASGI has no message
  for that; uvicorn's ``receive`` is a method of its request cycle, whose transport we close (see
  :func:`_close_connection`). Where there is none (the in-process test client), a 500 says so.
* ``truncate``: the full status line and headers (``Content-Length`` included) and half the body,
  then the connection is closed: the client sees a body shorter than announced.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import Clock
from .collection import Collection, Record
from .errors import BadRequest, HTTPError, NotFound, error_for_status
from .journal import note
from .state import Backend
from .state.memory import MemoryBackend
from .state.namespaces import current
from .store import Store

__all__ = [
    "Decision",
    "DropUnsupported",
    "FaultMiddleware",
    "FaultRules",
    "Renderer",
    "Rule",
    "answer_error",
]

Sleep = Callable[[float], Awaitable[None]]
Renderer = Callable[[ConnexionRequest, Exception], ConnexionResponse]
"""The server's error handler: an error to the answer in the owning vendor's shape."""
_DISCONNECT_WAIT = 2.0  # seconds to wait for the server to notice a closed connection


class DropUnsupported(HTTPError):
    """What a drop becomes where the server gives the app no handle on the connection.

    The in-process test client has no connection to close; a 500 saying so is more use to
    whoever runs it than an aborted request.
    """

    reason = "drop_unsupported"


@dataclass
class Rule:
    """One fault rule; ``calls`` and ``fired`` count what it has seen and done (when listed)."""

    id: str
    path: str
    method: str | None = None
    status: int | None = None
    every: int = 1
    latency_ms: tuple[int, int] | None = None
    fault: str | None = None
    times: int | None = None
    ttl: float | None = None
    created: float = 0.0
    calls: int = 0
    fired: int = 0
    _template: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if "{" in self.path:
            parts = re.split(r"(\{[^}]+\})", self.path)
            regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            self._template = re.compile(regex)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        if self._template is not None:
            return self._template.fullmatch(path) is not None
        prefix = self.path.rstrip("/")
        return path == prefix or path.startswith(prefix + "/") or prefix == ""

    def outlived(self, now: float) -> bool:
        return self.ttl is not None and now >= self.created + self.ttl

    def expired(self, now: float) -> bool:
        spent = self.times is not None and self.fired >= self.times
        return spent or self.outlived(now)

    def stored(self) -> dict[str, Any]:
        """What the state backend keeps of the rule (its counts are shared counters)."""
        kept = {f: getattr(self, f) for f in _STORED}
        kept["latency_ms"] = None if self.latency_ms is None else list(self.latency_ms)
        return kept

    @classmethod
    def restored(cls, kept: Mapping[str, Any]) -> Rule:
        latency = kept["latency_ms"]
        return cls(**{**kept, "latency_ms": None if latency is None else tuple(latency)})

    def as_dict(self, now: float) -> dict[str, Any]:
        latency = None
        if self.latency_ms is not None:
            latency = {"min": self.latency_ms[0], "max": self.latency_ms[1]}
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "every": self.every,
            "latency_ms": latency,
            "fault": self.fault,
            "times": self.times,
            "ttl": self.ttl,
            "calls": self.calls,
            "fired": self.fired,
            "expires_in": None if self.ttl is None else round(self.created + self.ttl - now, 3),
        }


_STORED = ("id", "path", "method", "status", "every", "fault", "times", "ttl", "created")


@dataclass(frozen=True)
class Decision:
    """What the rules say about one call: wait this long, then answer this or break this."""

    delay: float = 0.0
    status: int | None = None
    fault: str | None = None
    rules: tuple[str, ...] = ()


_RULES = "rules"  # the one record holding every rule, in the order they were made


class FaultRules:
    """The rules in force, in the order they were made, shared by every worker.

    They live in the state backend as one record (made and removed by atomic read-modify-writes)
    and each rule's calls and firings are shared counters, so "every third call" counts the
    calls every worker answered, and a rule that may fire ``times`` times does so that often in
    all.
    """

    def __init__(
        self,
        clock: Clock = time.time,
        rng: random.Random | None = None,
        *,
        backend: Backend | None = None,
        space: str = "control",
    ) -> None:
        self.clock = clock
        self.rng = rng or random.Random()
        self.sleep: Sleep = asyncio.sleep
        self.backend = backend if backend is not None else MemoryBackend()
        self._space = space
        self._stores: dict[str, Store] = {}  # namespace -> the replica of its rules
        self._compiled: tuple[Record | None, Sequence[Rule]] = (None, ())

    @property
    def _store(self) -> Store:
        """The rules of the current request's namespace: each has its own."""
        namespace = current.get()
        store = self._stores.get(namespace)
        if store is None:
            empty = {"key": _RULES, "next": 1, "rules": []}
            fixtures = {self._space: {_RULES: ("key", [empty])}}
            store = self._stores[namespace] = Store(fixtures, self.backend, namespace)
        return store

    def add(self, definition: Mapping[str, Any]) -> Rule:
        """A rule from the admin API's (already schema-checked) definition."""
        status, fault = definition.get("status"), definition.get("fault")
        latency = definition.get("latency_ms")
        if status is None and fault is None and latency is None:
            raise BadRequest("A rule needs a status, a latency_ms or a fault to apply")
        if status is not None and fault is not None:
            raise BadRequest("A rule answers a status or breaks the connection, not both")
        path = definition["path"]
        if path == "/__admin" or path.startswith("/__admin/"):
            raise BadRequest("Rules cannot apply to the admin API: you would lock yourself out")
        bounds = None
        if latency is not None:
            low, high = latency["min"], latency.get("max", latency["min"])
            if high < low:
                raise BadRequest(f"latency_ms: max ({high}) is below min ({low})")
            bounds = (low, high)
        method = definition.get("method")

        def append(kept: Record) -> Record:
            rule = Rule(
                id=f"r{kept['next']}",
                path=path,
                method=method.upper() if method else None,
                status=status,
                every=definition.get("every", 1),
                latency_ms=bounds,
                fault=fault,
                times=definition.get("times"),
                ttl=definition.get("ttl"),
                created=self.clock(),
            )
            return {**kept, "next": kept["next"] + 1, "rules": [*kept["rules"], rule.stored()]}

        # As stored: a backend may run ``append`` again after a lost race, with another id.
        return Rule.restored(self._collection().update(_RULES, append)["rules"][-1])

    def list(self) -> list[Rule]:
        """The rules in force; the expired ones are dropped."""
        self._store.sync()
        now = self.clock()
        rules = [self._counted(rule) for rule in self._rules()]
        live = [rule for rule in rules if not rule.expired(now)]
        if len(live) < len(rules):
            ids = {rule.id for rule in live}
            self._collection().update(
                _RULES,
                lambda kept: {**kept, "rules": [r for r in kept["rules"] if r["id"] in ids]},
            )
        return live

    def remove(self, rule_id: str) -> None:
        def without(kept: Record) -> Record:
            rules = [r for r in kept["rules"] if r["id"] != rule_id]
            if len(rules) == len(kept["rules"]):
                known = ", ".join(r["id"] for r in kept["rules"]) or "none"
                raise NotFound(f"No rule {rule_id!r}; rules in force: {known}")
            return {**kept, "rules": rules}

        self._collection().update(_RULES, without)

    def clear(self) -> int:
        count = len(self.list())
        self._collection().update(_RULES, lambda kept: {**kept, "rules": []})
        return count

    async def decide(self, method: str, path: str) -> Decision:
        """Count this call against every matching rule and combine what the firing ones do.

        Latencies add up; the first firing rule with a status or a fault decides the outcome.
        On the event loop: the counters are the backend's asyncio ones, and the rare clean-up
        of spent rules runs in a worker thread.
        """
        delay, outcome, fired, spent = 0.0, None, [], False
        await self._store.sync_async()
        now = self.clock()
        for rule in self._rules():
            if rule.outlived(now):
                spent = True
                continue
            if not rule.matches(method, path):
                continue
            if await self.backend.aincr(self._counter(rule, "calls")) % rule.every:
                continue
            firing = await self.backend.aincr(self._counter(rule, "fired"))
            if rule.times is not None and firing > rule.times:
                spent = True
                continue
            fired.append(rule.id)
            if rule.latency_ms is not None:
                delay += self.rng.uniform(*rule.latency_ms) / 1000
            if outcome is None and (rule.status is not None or rule.fault is not None):
                outcome = rule
        if spent:  # rules that can no longer fire stop being counted
            await run_in_threadpool(self.list)
        if outcome is None:
            return Decision(delay, rules=tuple(fired))
        return Decision(delay, outcome.status, outcome.fault, tuple(fired))

    def _collection(self) -> Collection:
        return self._store.collections(self._space)[_RULES]

    def _rules(self) -> Sequence[Rule]:
        """The rules as last synced, compiled once per change."""
        kept = self._collection().get(_RULES)
        compiled_from, rules = self._compiled
        if kept is not compiled_from:
            rules = [Rule.restored(r) for r in kept["rules"]] if kept else []
            self._compiled = (kept, rules)
        return rules

    def _counted(self, rule: Rule) -> Rule:
        calls = self.backend.incr(self._counter(rule, "calls"), 0)
        fired = self.backend.incr(self._counter(rule, "fired"), 0)
        return Rule.restored({**rule.stored(), "calls": calls, "fired": fired})

    def _counter(self, rule: Rule, kind: str) -> str:
        return f"{self._collection().space}/{rule.id}/{kind}"


class FaultMiddleware:
    """Applies :class:`FaultRules` to every request outside ``/__admin``.

    It sits outside Connexion's error handling, so that it can cut short any answer, errors
    included; an injected status is rendered by ``render``, the server's own error handler,
    in the owning vendor's shape.
    """

    def __init__(self, app: ASGIApp, *, rules: FaultRules, render: Renderer) -> None:
        self.app = app
        self.rules = rules
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/__admin"):
            await self.app(scope, receive, send)
            return
        decision = await self.rules.decide(scope["method"], path)
        if not decision.rules:
            await self.app(scope, receive, send)
            return
        rules = ", ".join(decision.rules)
        if decision.delay:
            note(scope, f"fault rule {rules}: {decision.delay * 1000:.0f} ms latency")
            await self.rules.sleep(decision.delay)
        if decision.status is not None:
            note(scope, f"fault rule {rules}: answered {decision.status}")
            message = f"Fault rule {rules} answered {decision.status}"
            await self._answer(error_for_status(decision.status, message), scope, receive, send)
        elif decision.fault == "drop":
            note(scope, f"fault rule {rules}: connection dropped")
            if not await _close_connection(receive):
                await self._answer(
                    DropUnsupported("This server offers no way to drop a connection"),
                    scope,
                    receive,
                    send,
                )
        elif decision.fault == "truncate":
            note(scope, f"fault rule {rules}: body truncated")
            await self._truncated(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _answer(self, error: HTTPError, scope: Scope, receive: Receive, send: Send) -> None:
        await answer_error(self.render, error, scope, receive, send)

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The status line and headers as they were, then half the body, then no more."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start, *rest = messages
        body = b"".join(m.get("body", b"") for m in rest)
        await send(start)
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        await _close_connection(receive)


async def answer_error(
    render: Renderer, error: HTTPError, scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer ``error`` from a middleware, as the server's error handler renders it."""
    answer = render(ConnexionRequest(scope, receive), error)
    response = Response(answer.body, answer.status_code, dict(answer.headers), answer.mimetype)
    await response(scope, receive, send)


async def _close_connection(receive: Receive) -> bool:
    """Close the client's connection and wait until the server has noticed; False if we can't.

    Waiting matters: a server that still believes the connection open when the app returns
    would answer a 500 of its own (uvicorn does) instead of staying silent.
    """
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None:
        return False
    transport.close()
    async with asyncio.timeout(_DISCONNECT_WAIT):
        while (await receive())["type"] != "http.disconnect":
            pass
    return True
