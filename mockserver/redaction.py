"""Secrets out of everything the mock records: the journal, its own log and uvicorn's.

A value is a secret when its *name* says so, whatever the vendor's spelling: matching names
rather than a list covers ``Authorization``, ``Cookie``, ``X-XSRF-TOKEN``, SuperOffice's
``SO-AppToken``, ``X-Auth``, ``X-Session``, an ``access_token`` or TWIN's ``refreshToken`` in a
query, a ``password`` field named in a validation problem. Names are read in words (split at
``-``, ``_``, ``/`` and camelCase): the words below are secrets wherever they appear in a name,
the short ones only as a word of their own (``X-Auth`` is a secret, ``author`` is not).

The journal (:mod:`mockserver.journal`) and the log filter (:class:`LogRedaction`) both use
this module, so what counts as a secret is decided here once.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from .errors import Problem

__all__ = [
    "REDACTED",
    "LogRedaction",
    "install_log_redaction",
    "is_secret",
    "redact",
    "redact_body",
    "redact_data",
    "redact_headers",
    "redact_problem",
    "redact_query",
    "redact_target",
    "redact_text",
]

REDACTED = "[redacted]"

# Secrets wherever they appear in a name (its letters and digits, in lower case).
_SECRET_PARTS = re.compile(
    r"passw(or)?d|secret|token|authori[sz]ation|cookie|(api|private|access)[-_]?key|"
    r"xsrf|csrf|ticket|credential|refresh|signature|bearer"
)
# Secrets only as a word of their own.
_SECRET_WORDS = frozenset({"auth", "session", "sid", "pwd", "pass", "otp", "pin", "jwt"})
_WORD_BOUNDARY = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
# What a problem's message says about the value: our ", got <value>", or a quoted literal.
_VALUE_IN_MESSAGE = re.compile(r", got .*$|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", re.DOTALL)


@functools.lru_cache(maxsize=4096)  # the same few header names, request after request
def is_secret(name: str) -> bool:
    """Whether a header, query parameter or field called ``name`` carries a credential."""
    if _SECRET_PARTS.search(name.lower()):
        return True
    return any(word.lower() in _SECRET_WORDS for word in _WORD_BOUNDARY.split(name) if word)


def redact(name: str, value: str) -> str:
    """``value``, or ``[redacted]`` when ``name`` says it carries a credential."""
    return REDACTED if is_secret(name) else value


def redact_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI headers as a dict (repeated names joined with ``, ``), secrets redacted."""
    headers: dict[str, str] = {}
    for name_bytes, value_bytes in raw:
        name = name_bytes.decode("latin-1").lower()
        value = redact(name, value_bytes.decode("latin-1"))
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def redact_query(query: str) -> str:
    """A query string with the values of secret-named parameters redacted, else as it was."""
    # Without escapes, a name is a secret's only if the raw text says so: most queries stop here.
    if "%" not in query and not is_secret(query):
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret(name) for name, _ in pairs):
        return query
    return urlencode([(name, redact(name, value)) for name, value in pairs], safe=",[]")


def redact_target(target: str) -> str:
    """A request target (``/path?query``) with its query's secrets redacted."""
    path, mark, query = target.partition("?")
    return f"{path}{mark}{redact_query(query)}" if mark else target


def redact_problem(problem: Problem) -> Problem:
    """The problem, its message no longer quoting the value when the field is a secret."""
    if not is_secret(problem.name):
        return problem
    return Problem(problem.location, problem.name, redact_text(problem.message))


def redact_text(message: str) -> str:
    """``message`` without the values it quotes (for a message about a secret)."""
    return _VALUE_IN_MESSAGE.sub(
        lambda m: f", got {REDACTED}" if m.group().startswith(", got") else REDACTED, message
    )


# A JSON member (name and scalar value) or a multipart field (its headers, a blank line, then the
# value), found in text that may be cut short: a body kept up to a limit no longer parses.
_JSON_MEMBER = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,{\[}\]\s]+)')
_FORM_PART = re.compile(r'(name="([^"]*)"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)([^\r]*)')


def redact_data(value: Any) -> Any:
    """Decoded JSON with the scalar values of secret-named members redacted, at any depth.

    Objects and arrays are searched, never dropped whole: ChatKitty's ``session`` is a record.
    """
    if isinstance(value, dict):
        return {
            k: REDACTED
            if is_secret(k) and not isinstance(v, dict | list) and v is not None
            else redact_data(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_data(v) for v in value]
    return value


def redact_body(text: str, content_type: str | None) -> str:
    """A request or answer body (text) with the values of secret-named fields redacted.

    JSON member by member (TWIN's ``password``, ``refreshToken``), a form field by field; a body
    that does not parse (cut at the journal's limit) is redacted by pattern, value by value.
    """
    if not is_secret(text):  # most bodies name no secret at all: nothing to parse
        return text
    kind = (content_type or "").partition(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return redact_query(text)
    try:
        return orjson.dumps(redact_data(orjson.loads(text))).decode()
    except orjson.JSONDecodeError:
        pass

    def member(match: re.Match[str]) -> str:
        if not is_secret(match[1]):
            return match[0]
        return f'"{match[1]}"{match[2]}"{REDACTED}"'

    def part(match: re.Match[str]) -> str:
        return f"{match[1]}{REDACTED}" if is_secret(match[2]) else match[0]

    return _FORM_PART.sub(part, _JSON_MEMBER.sub(member, text))


class LogRedaction(logging.Filter):
    """Redacts the request target in log records, uvicorn's access log above all.

    uvicorn writes ``"GET /twin/api/v1/auth/refresh?refreshToken=… HTTP/1.1"``: every string
    argument that is a request target gets its query's secrets redacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_target(a) if isinstance(a, str) and a.startswith("/") else a
                for a in record.args
            )
        return True


_LOGGERS = ("uvicorn.access", "uvicorn.error", "mockserver")


def install_log_redaction() -> None:
    """Put :class:`LogRedaction` on the loggers that write request targets (once each)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, LogRedaction) for f in logger.filters):
            logger.addFilter(LogRedaction())
