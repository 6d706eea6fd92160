"""Every size and cost a client can make the mock pay, bounded, with one documented default each.

A mock shared by a team or hammered by a fuzzer must not let one request freeze or bloat it: a
5 MB header kept in the journal, a body nested a thousand levels (Python's decoder recurses),
an integer of 5,000 digits (``int()`` refuses past 4,300 digits), five thousand query keys.
:class:`Limits` names each bound; :class:`LimitsMiddleware` refuses what crosses one before any
other code reads it, answered like every other error: in the vendor's own shape, with the
status HTTP has for it (413 body, 431 headers, 414 URL, 400 for the rest). ``read_json`` is the
one door every JSON body goes through.

Change a bound with ``mockserver serve --limit NAME=VALUE`` (repeatable) or
``MOCKSERVER_LIMITS="NAME=VALUE,NAME=VALUE"``; the README's "Limits" table lists them.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import BadRequest, HTTPError, Problem, error_for_status
from .faults import Renderer
from .hosts import send_error

__all__ = [
    "LIMITS_EXTENSION",
    "Limits",
    "LimitsMiddleware",
    "limits_of",
    "parse_limits",
    "read_json",
    "whole_number",
]

LIMITS_EXTENSION = "mockserver_limits"
"""Where the request's :class:`Limits` are kept in the ASGI scope's extensions."""


@dataclass(frozen=True)
class Limits:
    """The bounds one server enforces (defaults fit every vendor's real traffic many times over)."""

    body_bytes: int = 1_048_576
    """A request body, in bytes (413)."""
    admin_body_bytes: int = 67_108_864
    """A request body to the admin API, in bytes (413): whole data sets are loaded through it."""
    header_bytes: int = 32_768
    """All request headers together, names and values, in bytes (431)."""
    url_bytes: int = 16_384
    """The path and query string, in bytes (414)."""
    query_parameters: int = 256
    """Query parameters, repeated names counted each time (400)."""
    json_depth: int = 64
    """Nesting of arrays and objects in a JSON body (400)."""
    json_items: int = 10_000
    """Items of any one array, and members of any one object, in a JSON body (400)."""
    integer_digits: int = 64
    """Digits of an integer in a JSON body or a header value the mock reads as a number (400)."""
    request_seconds: int = 30
    """Time for a request's head and body to arrive whole; the connection is closed after."""
    idle_seconds: int = 5
    """Time a connection may stay open with no request (keep-alive) before it is closed."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]


def parse_limits(items: Iterable[str], base: Limits | None = None) -> Limits:
    """``base`` (the defaults) with ``NAME=VALUE`` items applied; ``ValueError`` names a bad one."""
    changes: dict[str, int] = {}
    for item in items:
        name, sep, value = item.strip().partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in Limits.names():
            raise ValueError(
                f"{item!r}: expected NAME=VALUE, NAME one of {', '.join(Limits.names())}"
            )
        if not value.strip().isdecimal() or int(value) < 1:
            raise ValueError(f"{item!r}: the value must be a whole number ≥ 1")
        changes[name] = int(value)
    return dataclasses.replace(base or Limits(), **changes)


def limits_of(scope: Scope) -> Limits:
    """The limits the serving app put in ``scope`` (the defaults for an app built without)."""
    found = scope.get("extensions", {}).get(LIMITS_EXTENSION)
    return found if isinstance(found, Limits) else _DEFAULTS


_DEFAULTS = Limits()
# A lone surrogate cannot be written as UTF-8: stored, it turns every later answer holding it
# into an encoding error.
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(raw: bytes, encoding: str, limits: Limits) -> Any:
    """``raw`` as strict JSON (RFC 8259) within ``limits``, or a :class:`BadRequest` saying why.

    Python's decoder takes ``NaN`` and ``Infinity`` (not JSON, and never equal to themselves, so
    a rule with ``ttl: NaN`` would never expire), reads ``1e999`` as infinity, recurses once per
    nesting level and refuses integers of more than 4,300 digits with a ``ValueError``; each is
    a 400 here, as are strings holding a lone surrogate.
    """

    def refuse(why: str) -> HTTPError:
        problem = Problem("body", "(body)", why)
        return BadRequest(f"Invalid request: {problem}", problems=[problem])

    def integer(text: str) -> int:
        if len(text.lstrip("-")) > limits.integer_digits:
            raise refuse(f"holds an integer of more than {limits.integer_digits} digits")
        return int(text)

    def finite(text: str) -> float:
        value = float(text)
        if math.isinf(value):
            raise refuse(f"holds a number too large for a 64-bit float: {text[:40]}")
        return value

    def constant(name: str) -> Any:
        raise refuse(f"holds {name}, which is not JSON")

    try:
        text = raw.decode(encoding)
        data = json.loads(text, parse_int=integer, parse_float=finite, parse_constant=constant)
    except UnicodeDecodeError:
        raise refuse(f"is not valid {encoding} text") from None
    except LookupError:
        raise refuse(f"names an unknown charset {encoding!r}") from None
    except json.JSONDecodeError as exc:
        raise refuse(f"is not valid JSON: {exc}") from None
    except RecursionError:
        raise refuse(f"is nested more than {limits.json_depth} levels deep") from None
    _check_shape(data, limits, refuse)
    return data


def _check_shape(data: Any, limits: Limits, refuse: Callable[[str], HTTPError]) -> None:
    """Depth, container sizes and lone surrogates, in one pass without recursion."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, str):
            if not node.isascii() and _SURROGATE.search(node):
                raise refuse(f"holds a lone UTF-16 surrogate in {node[:40]!r}")
            continue
        if not isinstance(node, (dict, list)):
            continue
        if depth > limits.json_depth:
            raise refuse(f"is nested more than {limits.json_depth} levels deep")
        if len(node) > limits.json_items:
            kind = "an object with more than" if isinstance(node, dict) else "an array of more than"
            raise refuse(f"holds {kind} {limits.json_items} items")
        if isinstance(node, dict):
            pending.extend((key, depth) for key in node)
            pending.extend((value, depth + 1) for value in node.values())
        else:
            pending.extend((item, depth + 1) for item in node)


class LimitsMiddleware:
    """Refuses a request over a limit before anything reads it; hands the limits on in the scope.

    Outermost of the mock's middlewares, so a refused request costs nothing else (and the
    journal never keeps a 5 MB header). A body sent without a length (chunked) is counted as it
    arrives and cut off at the limit.
    """

    def __init__(
        self, app: ASGIApp, *, limits: Limits, render: Renderer, is_admin: Callable[[str], bool]
    ) -> None:
        self.app = app
        self.limits = limits
        self.render = render
        self.is_admin = is_admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("extensions", {})[LIMITS_EXTENSION] = self.limits
        refusal = self._refusal(scope)
        if refusal is not None:
            await send_error(self.render, refusal, scope, receive, send)
            return
        # A body with a length was checked against it, and the HTTP server delivers no more;
        # only one without (chunked) is counted as it arrives. Left alone, ``receive`` stays
        # the server's own (the drop fault reaches the connection through it).
        if any(name == b"transfer-encoding" for name, _ in scope["headers"]):
            receive = self._counted(scope, receive)
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> HTTPError | None:
        limits = self.limits
        header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
        if header_bytes > limits.header_bytes:
            return error_for_status(
                431,
                f"The request's headers take {header_bytes} bytes; the limit is "
                f"{limits.header_bytes} (mockserver serve --limit header_bytes=N)",
            )
        query: bytes = scope.get("query_string", b"")
        url_bytes = len(scope.get("raw_path") or scope["path"].encode()) + len(query)
        if url_bytes > limits.url_bytes:
            return error_for_status(
                414,
                f"The request's URL takes {url_bytes} bytes; the limit is {limits.url_bytes}"
                " (mockserver serve --limit url_bytes=N)",
            )
        parameters = query.count(b"&") + 1 if query else 0
        if parameters > limits.query_parameters:
            problem = Problem(
                "query",
                "(query)",
                f"has {parameters} parameters; the limit is "
                f"{limits.query_parameters} (mockserver serve --limit query_parameters=N)",
            )
            return BadRequest(f"Invalid request: {problem}", problems=[problem])
        announced = Headers(scope=scope).get("content-length", "")
        if announced.isdecimal() and int(announced) > self._body_limit(scope)[1]:
            return self._too_large(scope, int(announced))
        return None

    def _body_limit(self, scope: Scope) -> tuple[str, int]:
        if self.is_admin(scope["path"]):
            return "admin_body_bytes", self.limits.admin_body_bytes
        return "body_bytes", self.limits.body_bytes

    def _too_large(self, scope: Scope, size: int) -> HTTPError:
        name, limit = self._body_limit(scope)
        return error_for_status(
            413,
            f"The request body takes {size} bytes or more; the limit is {limit} "
            f"(mockserver serve --limit {name}=N)",
        )

    def _counted(self, scope: Scope, receive: Receive) -> Receive:
        received = 0
        limit = self._body_limit(scope)[1]

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise self._too_large(scope, received)
            return message

        return counted


def whole_number(text: str, *, signed: bool = False) -> int | None:
    """``text`` as an integer written in ASCII digits, at most ``integer_digits`` of them.

    For numbers read from query strings and headers: ``str.isdigit`` takes ``²`` (which ``int``
    refuses), and ``int`` refuses 4,301 digits and more, each a 500 when not checked first.
    """
    digits = text[1:] if signed and text[:1] == "-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _DEFAULTS.integer_digits:
        return None
    return int(text)
