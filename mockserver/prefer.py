"""Choosing the answer per request with a ``Prefer`` header, as Prism does.

``Prefer: code=404``, ``example=NAME``, ``dynamic=true`` (with ``seed=N`` to make it repeatable)
and ``delay=250`` (milliseconds), in any combination (``Prefer: code=500, delay=1000``;
``;``-separated works too). Preferences we do not know are ignored, as RFC 7240 asks.

They act after Connexion's routing, security and request validation (a request that would be
refused is still refused, in the vendor's shape) and instead of the vendor's handler, which
:func:`wrap` puts them in front of:

* ``code=N``: for an error status, the vendor's own error body (``error_body``), so the answer
  is exactly what the real API would say; for any other status, the handler's answer when it
  has that status (data from the fixtures), else the spec's first example for it, else data
  generated from its schema.
* ``example=NAME``: that named example from the spec (of status ``code`` when given).
* ``dynamic=true``: data generated from the response schema by Schemathesis' generator, valid
  against it, the same for the same ``seed``.

An undocumented code, an unknown example or a malformed preference is a 400 naming what exists.

Schemathesis and Hypothesis are imported by :func:`generate`, on the first answer generated: they
cost a sixth of a second, and a server that never generates one should not start slower for them.
"""

from __future__ import annotations

import asyncio
import functools
import random
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from .errors import BadRequest, HTTPError, Problem, error_for_status
from .journal import note
from .limits import whole_number
from .negotiation import is_json, negotiate

if TYPE_CHECKING:
    from schemathesis.generation.jsonschema.context import Alphabet

    from .vendors.base import VendorAPI

__all__ = ["Preferences", "generate", "parse", "wrap"]

MAX_DELAY_MS = 60_000
Handler = Callable[..., Awaitable[Response]]

# Hypothesis draws the simplest value first (empty strings, zeros); a few draws in, values vary.
_DRAWS = 3
_generating = threading.Lock()
# Numbers a JavaScript client reads back exactly (and orjson can write).
_SAFE_INTEGER = 2**53 - 1
# What a free-form value ("any JSON") becomes: a readable scalar.
_SCALAR = {
    "type": ["string", "integer", "boolean"],
    "minimum": -_SAFE_INTEGER,
    "maximum": _SAFE_INTEGER,
}
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_VALUES = ("enum", "const", "default", "example", "examples", "required")


@dataclass(frozen=True)
class Preferences:
    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    seed: int | None = None
    delay_ms: int = 0

    @property
    def choose_answer(self) -> bool:
        return self.code is not None or self.example is not None or self.dynamic


def parse(header: str) -> Preferences:
    """The preferences in a ``Prefer`` header; a 400 naming every malformed one."""
    values: dict[str, str] = {}
    for token in header.replace(";", ",").split(","):
        name, _, value = token.strip().partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    problems: list[Problem] = []

    def number(name: str, low: int, high: int) -> int | None:
        if name not in values:
            return None
        raw = values[name]
        number = whole_number(raw)
        if number is None or not low <= number <= high:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            problems.append(
                Problem(
                    "header", "Prefer", f"{name} must be an integer {low}–{high}, got {shown!r}"
                )
            )
            return None
        return number

    code = number("code", 100, 599)
    seed_value = number("seed", 0, 2**32 - 1)
    delay = number("delay", 0, MAX_DELAY_MS) or 0
    dynamic = values.get("dynamic", "false").lower()
    if dynamic not in ("true", "false"):
        problems.append(
            Problem("header", "Prefer", f"dynamic must be true or false, got {dynamic!r}")
        )
    if seed_value is not None and dynamic != "true":
        problems.append(Problem("header", "Prefer", "seed only applies with dynamic=true"))
    example = values.get("example") or None
    if example is not None and dynamic == "true":
        problems.append(Problem("header", "Prefer", "example and dynamic=true exclude each other"))
    if problems:
        raise BadRequest(
            "Invalid Prefer header: " + "; ".join(map(str, problems)), problems=problems
        )
    return Preferences(code, example, dynamic == "true", seed_value, delay)


def wrap(api: VendorAPI, handler: Handler) -> Handler:
    """``handler``, answering instead of it when the request says ``Prefer``.

    ``functools.wraps`` keeps the handler's signature visible to Connexion, which passes only
    the parameters a handler declares.
    """

    @functools.wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Response:
        header = api.request.headers.get("prefer")
        if not header:
            return await handler(*args, **kwargs)
        preferences = parse(header)
        note(api.request.scope, f"Prefer: {header}")
        if preferences.delay_ms:
            await asyncio.sleep(preferences.delay_ms / 1000)
        if not preferences.choose_answer:
            response = await handler(*args, **kwargs)
        else:
            response = await _chosen(api, preferences, lambda: handler(*args, **kwargs))
        response.headers["Preference-Applied"] = header
        return response

    return answer


async def _chosen(
    api: VendorAPI, preferences: Preferences, call_handler: Callable[[], Awaitable[Response]]
) -> Response:
    operation = api.operation
    responses: Mapping[str, Any] = api.spec.resolved["paths"][operation.path][operation.method][
        "responses"
    ]
    where = f"{operation.method.upper()} {operation.path}"
    code = preferences.code
    # Any server can fail, whatever its spec documents: the frontend's error path is exactly
    # what a team wants to try, so a bare 5xx needs no documentation (as in fault rules).
    bare_server_error = (
        code in _SERVER_ERRORS and preferences.example is None and not preferences.dynamic
    )
    if code is not None and str(code) not in responses and not bare_server_error:
        documented = ", ".join(s for s in responses if s != "default")
        raise _refused(f"code={code} is not documented for {where}; documented: {documented}")
    if preferences.example is not None:
        status, media_type, value = _named_example(api, responses, preferences, where)
        return _render(api, status, media_type, value)
    if preferences.dynamic:
        status = code if code is not None else _success(responses)
        return await _generated(api, status, responses[str(status)], preferences.seed)
    assert code is not None
    if code >= 400:
        raise error_for_status(code, f"Prefer: code={code} asked for this answer")
    try:
        response = await call_handler()
        if response.status_code == code:
            return response
    except HTTPError:
        pass  # the fixtures cannot give this status for this request; the spec can
    response_spec = responses[str(code)]
    content = response_spec.get("content", {})
    if not content:
        return Response(status_code=code)
    media_type = negotiate(api.request.headers.get("accept"), tuple(content))
    first = _first_example(content[media_type])
    if first is not None:
        return _render(api, code, media_type, first)
    return await _generated(api, code, response_spec, 0)


def _named_example(
    api: VendorAPI, responses: Mapping[str, Any], preferences: Preferences, where: str
) -> tuple[int, str, Any]:
    name = preferences.example
    documented = [s for s in responses if s != "default"]
    statuses = [str(preferences.code)] if preferences.code is not None else documented
    known: list[str] = []
    for status in statuses:
        content = responses[status].get("content", {})
        having = [m for m, media in content.items() if name in media.get("examples", {})]
        if having:
            media_type = negotiate(api.request.headers.get("accept"), having)
            return int(status), media_type, content[media_type]["examples"][name].get("value")
        names = {n for media in content.values() for n in media.get("examples", {})}
        known += [f"{n} ({status})" for n in sorted(names)]
    raise _refused(f"no example {name!r} for {where}; known: {', '.join(known) or 'none'}")


def _first_example(media: Mapping[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = list(media.get("examples", {}).values())
    return examples[0].get("value") if examples else None


_SERVER_ERRORS = range(500, 512)


def _success(responses: Mapping[str, Any]) -> int:
    return next((int(s) for s in responses if s.startswith("2")), 200)


async def _generated(
    api: VendorAPI, status: int, response_spec: Mapping[str, Any], seed_value: int | None
) -> Response:
    content = response_spec.get("content", {})
    if not content:
        return Response(status_code=status)
    media_type = negotiate(api.request.headers.get("accept"), tuple(content))
    schema = content[media_type].get("schema", {})
    chosen = seed_value if seed_value is not None else random.randrange(2**32)
    value = await asyncio.to_thread(generate, schema, chosen)
    return _render(api, status, media_type, value)


def _render(api: VendorAPI, status: int, media_type: str, value: Any) -> Response:
    if isinstance(value, str) and not is_json(media_type):
        value = _example_bytes(value, media_type)
    return api.respond(value, status=status, media_type=media_type)


def _example_bytes(text: str, media_type: str) -> bytes:
    """Text media as UTF-8. YAML holds no raw bytes, so a binary example (a zip archive) is
    written one byte per character, U+0000 to U+00FF: it goes back to bytes as Latin-1."""
    if media_type.startswith("text/") or any(ord(c) > 0xFF for c in text):
        return text.encode()
    return text.encode("latin-1")


def _refused(message: str) -> BadRequest:
    return BadRequest(message, problems=[Problem("header", "Prefer", message)])


def generate(schema: Mapping[str, Any], seed_value: int) -> Any:
    """A value valid against an OpenAPI 3.0 response schema, the same for the same seed.

    Objects get only the properties their schema names, and numbers stay within what JavaScript
    holds exactly: a frontend wants data shaped like the vendor's, not every extra key and
    huge number JSON Schema would allow.
    """
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from schemathesis.generation.jsonschema.builder import build
    from schemathesis.specs.openapi.converter import to_json_schema
    from schemathesis.specs.openapi.formats import get_default_format_strategies

    readable = _without_write_only(schema)
    json_schema = _closed(to_json_schema(readable, "nullable", is_response_schema=True))
    strategy = build(
        json_schema, draft=4, formats=get_default_format_strategies(), alphabet=_alphabet()
    )
    drawn: list[Any] = []

    @seed(seed_value)
    @settings(
        max_examples=_DRAWS,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def draw(value: Any) -> None:
        drawn.append(value)

    with _generating:  # Hypothesis runs one test at a time
        draw()
    return drawn[-1]


@functools.cache
def _alphabet() -> Alphabet:
    """Readable text for a frontend: printable ASCII, no control characters."""
    from schemathesis.generation.jsonschema.context import Alphabet

    return Alphabet(
        allow_x00=False, codec="ascii", exclude_characters="".join(map(chr, range(32))) + "\x7f"
    )


def _without_write_only(schema: Any) -> Any:
    """``schema`` without its ``writeOnly`` properties, which an answer never holds."""
    if isinstance(schema, list):
        return [_without_write_only(s) for s in schema]
    if not isinstance(schema, Mapping):
        return schema
    result: dict[str, Any] = {}
    hidden: set[str] = set()
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            if key == "properties":
                hidden = {
                    n for n, s in value.items() if isinstance(s, Mapping) and s.get("writeOnly")
                }
            result[key] = {n: _without_write_only(s) for n, s in value.items() if n not in hidden}
        elif key in _VALUES:
            result[key] = value
        else:
            result[key] = _without_write_only(value)
    if hidden and isinstance(result.get("required"), list):
        result["required"] = [n for n in result["required"] if n not in hidden]
    return result


def _closed(schema: Any, *, in_all_of: bool = False) -> Any:
    """``schema`` with objects closed to unnamed properties, free-form values made scalars
    and numbers kept JavaScript-safe: all narrower than the schema, so still valid against it.

    Members of an ``allOf`` (and a schema that has one) stay open: each names only part of the
    properties, and closing them would leave no object that satisfies all of them.
    """
    if isinstance(schema, list):
        return [_closed(s, in_all_of=in_all_of) for s in schema]
    if not isinstance(schema, dict):
        return _SCALAR if schema is True else schema
    if not schema:
        return _SCALAR
    closed: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS:
            closed[key] = {name: _closed(s) for name, s in value.items()}
        elif key in _VALUES:
            closed[key] = value
        else:
            closed[key] = _closed(value, in_all_of=key == "allOf")
    open_ = in_all_of or "allOf" in closed or "additionalProperties" in closed
    if "properties" in closed and not open_:
        closed["additionalProperties"] = False
    elif closed.get("type") == "object" and not open_:
        closed["additionalProperties"] = _SCALAR  # a free-form map: tame values
    types = closed.get("type")
    if {"integer", "number"} & set(types if isinstance(types, list) else [types]):
        closed.setdefault("minimum", -_SAFE_INTEGER)
        closed.setdefault("maximum", _SAFE_INTEGER)
    return closed
