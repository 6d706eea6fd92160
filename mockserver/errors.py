"""Every error the mock raises, in one place.

Two families, because they reach two different audiences:

* :class:`StartupError` stops the server before it serves anything. It names the file and the
  location inside it (a JSON pointer, and a line where one is known), so whoever broke a spec or
  a fixture can go straight to it instead of reading a traceback.
* :class:`HTTPError` is an answer to one request. It carries the status, a short machine reason
  and every :class:`Problem` found, and each vendor module renders it in that vendor's own error
  shape. Generic code raises these; it never builds an error body itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus

__all__ = [
    "ERRORS_BY_STATUS",
    "AdminCallError",
    "BadRequest",
    "Conflict",
    "FixtureError",
    "Forbidden",
    "HTTPError",
    "MethodNotAllowed",
    "MockServerError",
    "NotAcceptable",
    "NotFound",
    "Problem",
    "SpecError",
    "StartupError",
    "StateError",
    "Unauthorized",
    "UnsupportedMediaType",
    "error_for_status",
]


class MockServerError(Exception):
    """Base class of every error the mock raises on purpose."""


class AdminCallError(MockServerError):
    """The admin API refused a call a test helper made (``mockserver.testing``).

    Carries the admin API's own message (which names the bad record or parameter) and the call.
    """

    def __init__(self, call: str, status: int, message: str) -> None:
        self.call = call
        self.status = status
        super().__init__(f"{call} answered {status}: {message}")


class StartupError(MockServerError):
    """A spec or fixture file the server cannot start with."""

    def __init__(self, file: str, pointer: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.pointer = pointer or "/"
        self.message = message
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: at {self.pointer}: {message}")


class SpecError(StartupError):
    """An OpenAPI document that is not valid, or that the mock cannot serve."""


class FixtureError(StartupError):
    """A fixture record that does not match its schema or breaks an invariant."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, said so a frontend developer can fix it.

    ``location`` is where the value came from (``query``, ``path``, ``header``, ``cookie``,
    ``body``), ``name`` the parameter or the body field path (``participants/0``).
    """

    location: str
    name: str
    message: str

    def __str__(self) -> str:
        kind = "field" if self.location == "body" else "parameter"
        return f"{self.location} {kind} '{self.name}' {self.message}"


class HTTPError(MockServerError):
    """An error answer to a request; vendor modules decide what its body looks like."""

    status: int = 500
    reason: str = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)
        self.headers = dict(headers or {})
        if reason is not None:
            self.reason = reason

    # Connexion's security layer picks the most specific of several auth failures by this name.
    @property
    def status_code(self) -> int:
        return self.status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.message!r})"


class StateError(HTTPError):
    """The state backend (a SQLite file, a Redis server) cannot be used; names which one.

    At start-up it stops the server like a :class:`StartupError`; while serving it is the
    request's answer, a 503 in the vendor's shape, and nothing of the request was stored.
    """

    status = 503
    reason = "service_unavailable"

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"State at {where}: {message}")
        self.where = where


class BadRequest(HTTPError):
    status = 400
    reason = "bad_request"


class Unauthorized(HTTPError):
    """No credentials, or credentials that are wrong, unknown or expired."""

    status = 401
    reason = "unauthorized"


class Forbidden(HTTPError):
    """Valid credentials that may not do this."""

    status = 403
    reason = "forbidden"


class NotFound(HTTPError):
    status = 404
    reason = "not_found"


class MethodNotAllowed(HTTPError):
    status = 405
    reason = "method_not_allowed"

    def __init__(self, message: str, *, allow: Sequence[str]) -> None:
        super().__init__(message, headers={"Allow": ", ".join(allow)})
        self.allow = tuple(allow)


class NotAcceptable(HTTPError):
    status = 406
    reason = "not_acceptable"

    def __init__(self, message: str, *, available: Sequence[str]) -> None:
        super().__init__(message)
        self.available = tuple(available)


class Conflict(HTTPError):
    status = 409
    reason = "conflict"


class UnsupportedMediaType(HTTPError):
    status = 415
    reason = "unsupported_media_type"


# Errors that reach us as a bare status code (Starlette, Connexion) map onto these.
ERRORS_BY_STATUS: dict[int, type[HTTPError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        UnsupportedMediaType,
    )
}


def error_for_status(status: int, message: str) -> HTTPError:
    """An error answering exactly ``status``, for answers asked for rather than run into.

    A ``Prefer: code=503`` or a fault rule names a status, not a cause; the reason is the
    status's own phrase (``service_unavailable``) so a vendor's ``error_body`` has words for it.
    """
    try:
        reason = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        reason = f"status_{status}"
    error = ERRORS_BY_STATUS.get(status, HTTPError)(message, reason=reason)
    error.status = status
    return error
