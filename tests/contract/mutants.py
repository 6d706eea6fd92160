"""Deliberately broken variants of the mock, each with exactly one fault.

A mutant is the real app wrapped in an ASGI layer that changes what one vendor's data operations
receive or answer; the vendor's code and every other path are untouched. Each mutant names the
check that must catch it: a contract run against it has to fail with that check among its
failures, or the contract misses that kind of broken backend.

Generic faults (a wrong type, a 500, auth ignored …) work on any vendor's JSON answers; the
vendor-specific ones (a wrong total, a filter ignored …) come from the vendor's profile,
``tests/vendors/<vendor>/mutants.py``: the path of its data (``PREFIX``) and its ``MUTANTS``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlencode

from mockserver.vendors import VENDORS

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def without_params(self, *names: str) -> Request:
        return replace(self, query=[(k, v) for k, v in self.query if k not in names])


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def is_json(self) -> bool:
        return 200 <= self.status < 300 and "json" in self.headers.get("content-type", "")

    def json(self) -> Any:
        return json.loads(self.body)

    def with_json(self, data: Any) -> Answer:
        return replace(self, body=json.dumps(data).encode())


Call = Callable[[Request], Awaitable[Answer]]
Fault = Callable[[Request, Call], Awaitable[Answer]]
"""Given the request and the healthy app, answer as the broken backend would."""


class MutantApp:
    """The healthy ``app`` with ``fault`` on the requests under ``prefix``."""

    def __init__(self, app: ASGIApp, prefix: str, fault: Fault) -> None:
        self.app, self.prefix, self.fault = app, prefix, fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Request(
            method=scope["method"],
            path=scope["path"],
            query=parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
            headers={k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
            body=body,
        )
        answer = await self.fault(request, lambda r: self._call(scope, r))
        headers = {**answer.headers, "content-length": str(len(answer.body))}
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _call(self, scope: Scope, request: Request) -> Answer:
        inner = {
            **scope,
            "method": request.method,
            "path": request.path,
            "raw_path": request.path.encode(),
            "query_string": urlencode(request.query).encode("latin-1"),
            "headers": [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.items()
            ],
        }
        sent = False
        status, headers, chunks = 500, {}, []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": request.body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(inner, receive, send)
        return Answer(status, headers, b"".join(chunks))


# -- generic faults ----------------------------------------------------------------------------


def _first_integer_as_string(data: Any) -> bool:
    """Turn the first integer met (depth first) into a string; False if there is none."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if isinstance(value, int) and not isinstance(value, bool):
            data[key] = str(value)
            return True
        if isinstance(value, (dict, list)) and _first_integer_as_string(value):
            return True
    return False


async def wrong_field_type(request: Request, call: Call) -> Answer:
    answer = await call(request)
    if not answer.is_json:
        return answer
    data = answer.json()
    _first_integer_as_string(data)
    return answer.with_json(data)


async def server_error_on_query(request: Request, call: Call) -> Answer:
    answer = await call(request)
    if request.query and 200 <= answer.status < 300:
        return Answer(500, {"content-type": "application/json"}, b'{"error": "boom"}')
    return answer


async def undocumented_status(request: Request, call: Call) -> Answer:
    answer = await call(request)
    return replace(answer, status=203) if answer.status == 200 else answer


async def wrong_content_type(request: Request, call: Call) -> Answer:
    answer = await call(request)
    if answer.is_json:
        return replace(answer, headers={**answer.headers, "content-type": "text/plain"})
    return answer


@dataclass
class Remembering:
    """Faults that answer with something a previous request got: state kept per mutant."""

    authorization: str | None = None
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)

    async def auth_ignored(self, request: Request, call: Call) -> Answer:
        """A refused credential is replaced by the last one that worked."""
        answer = await call(request)
        if 200 <= answer.status < 300:
            self.authorization = request.headers.get("authorization")
        elif answer.status in (401, 403) and self.authorization is not None:
            return await call(
                replace(request, headers={**request.headers, "authorization": self.authorization})
            )
        return answer

    async def accepts_invalid(self, request: Request, call: Call) -> Answer:
        """A 400 becomes the last 200 answered on the same operation."""
        answer = await call(request)
        key = (request.method, request.path)
        if 200 <= answer.status < 300:
            self.answers[key] = answer
        elif answer.status == 400 and key in self.answers:
            return self.answers[key]
        return answer


# -- the mutants ---------------------------------------------------------------------------------


def profile(vendor: str) -> ModuleType:
    """``vendor``'s profile: ``PREFIX``, under which only its data is broken (not its login),
    and ``MUTANTS``."""
    return importlib.import_module(f"tests.vendors.{vendor}.mutants")


def all_mutants() -> list[Mutant]:
    """Every mutant of every vendor."""
    return [mutant for vendor in VENDORS for mutant in profile(vendor.name).MUTANTS]


@dataclass(frozen=True)
class Mutant:
    vendor: str
    id: str
    check: str
    """The check that must name this fault."""
    fault: Callable[[], Fault]
    """A fresh fault for each run (some remember what they saw)."""
    operations: tuple[str, ...] = ()
    """The operations the contract run tests (and links between); all when empty."""

    def wrap(self, app: ASGIApp) -> MutantApp:
        return MutantApp(app, profile(self.vendor).PREFIX, self.fault())


def json_fault(change: Callable[[Any, Request], None]) -> Callable[[], Fault]:
    """A fault that edits 2xx JSON bodies in place with ``change(data, request)``."""

    async def fault(request: Request, call: Call) -> Answer:
        answer = await call(request)
        if not answer.is_json:
            return answer
        data = answer.json()
        change(data, request)
        return answer.with_json(data)

    return lambda: fault


def request_fault(change: Callable[[Request], Request]) -> Callable[[], Fault]:
    async def fault(request: Request, call: Call) -> Answer:
        return await call(change(request))

    return lambda: fault


def without(*params: str) -> Callable[[], Fault]:
    """The API never sees these query parameters: a filter or projection ignored."""
    return request_fault(lambda request: request.without_params(*params))


def generic(
    vendor: str,
    required: Callable[[Any, Request], None],
    invalid_input: str = "negative_data_rejection",
    operations: tuple[str, ...] = (),
) -> list[Mutant]:
    """The faults any vendor's contract must catch; ``required`` drops a required field.

    ``invalid_input`` is the check that catches a 200 for invalid input: Schemathesis' own,
    unless the spec has no input it can generate as invalid. ``operations``: the ones each run
    tests (all when empty); one is enough to show a generic fault is caught.
    """
    faults: list[tuple[str, str, Callable[[], Fault]]] = [
        ("wrong-type", "response_schema_conformance", lambda: wrong_field_type),
        ("required-missing", "response_schema_conformance", json_fault(required)),
        ("server-error", "not_a_server_error", lambda: server_error_on_query),
        ("auth-ignored", "ignored_auth", lambda: Remembering().auth_ignored),
        ("accepts-invalid", invalid_input, lambda: Remembering().accepts_invalid),
        ("undocumented-status", "status_code_conformance", lambda: undocumented_status),
        ("wrong-content-type", "content_type_conformance", lambda: wrong_content_type),
    ]
    return [Mutant(vendor, id_, check, fault, operations) for id_, check, fault in faults]
