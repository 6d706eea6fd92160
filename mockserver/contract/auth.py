"""How each vendor's clients get their credentials, as Schemathesis auth providers.

A contract run authenticates the way the vendor's own SDK does, so a user passes credentials
(``--client-id``/``--client-secret``, ``--token``, ``--basic user:pass`` …), not headers. Each
vendor package's ``contract`` module has one :class:`Credentials` subclass, built on the ones
here: which contract options it reads, the mock's demo values it falls back to, and the
``get``/``set`` pair of Schemathesis' ``AuthProvider`` protocol that puts the credential on
every generated request, per operation as the spec's ``security`` asks (none on a login
endpoint, Basic on a token endpoint …).

Credentials only ever travel in the ``Authorization`` header, which Schemathesis masks in its
output and reports, and in the requests these providers make themselves (logins, token fetches),
which Schemathesis never records.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from schemathesis.core.errors import AuthenticationError

if TYPE_CHECKING:
    from schemathesis import APIOperation, AuthContext, Case, Response

    Operation = APIOperation[Any, Any, Any, Any]

__all__ = [
    "Clock",
    "CredentialOption",
    "Credentials",
    "FetchedToken",
    "LoginCredentials",
    "basic_authorization",
    "call",
    "operation_id_of",
    "schemes_of",
]

Clock = Callable[[], float]


@dataclass(frozen=True)
class CredentialOption:
    """A ``mockserver contract`` option that carries a credential."""

    name: str
    """The parameter name, the key in :attr:`.runner.Contract.credentials`."""
    flag: str
    metavar: str
    help: str
    """What it is, without saying for which vendors (``mockserver contract`` adds their names)."""


def schemes_of(operation: Operation) -> set[str]:
    """The security scheme names an operation accepts (its own ``security``, or the spec's)."""
    raw: Any = operation.definition.raw
    requirements = raw.get("security", operation.schema.raw_schema.get("security", []))
    return {name for requirement in requirements for name in requirement}


def operation_id_of(operation: Operation) -> Any:
    return operation.definition.raw.get("operationId")


def basic_authorization(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def call(operation: Operation, operation_id: str, **request: Any) -> Response:
    """Send one request to another operation of the same API, through Schemathesis' transport.

    It goes where the run goes (in-process or over HTTP, same TLS and timeouts) but is not part
    of the run: not recorded, not in any report.
    """
    target = operation.schema.find_operation_by_id(operation_id)
    extra = operation.schema.config.headers_for(operation=target)
    response: Response = target.Case(**request).call(headers=dict(extra))
    return response


class Credentials:
    """One vendor's way to authenticate, as a Schemathesis ``AuthProvider``.

    ``get`` answers the ``Authorization`` value for a case's operation (``None``: send none);
    ``set`` puts it on the case. Schemathesis itself leaves it off where it tests that a missing
    or wrong credential is refused.
    """

    options: ClassVar[tuple[CredentialOption, ...]]

    @classmethod
    def from_options(cls, values: Mapping[str, str]) -> Credentials:
        """Credentials from the contract options given; ``ValueError`` for a bad combination."""
        factory: Callable[..., Credentials] = cls
        names = [option.name for option in cls.options]
        return factory(**{name: values[name] for name in names if name in values})

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        raise NotImplementedError

    def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
        case.headers["Authorization"] = data


class FetchedToken(Credentials):
    """Credentials that trade a secret for a bearer token, renewed before it expires.

    A token is reused until :attr:`REFRESH_AT` of its lifetime has passed, so a long run never
    sends one the API has started to refuse; requests that need no credential get none.
    """

    REFRESH_AT = 0.9

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        if not schemes_of(case.operation):
            return None
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._token, lifetime = self.fetch(case.operation)
                self._renew_at = self._clock() + self.REFRESH_AT * lifetime
            return f"Bearer {self._token}"

    def fetch(self, operation: Operation) -> tuple[str, float]:
        """A new token and its lifetime in seconds."""
        raise NotImplementedError

    def refused(self, response: Response, endpoint: str) -> AuthenticationError:
        # The status says enough; the body is not echoed, in case it repeats what was sent.
        return AuthenticationError(
            type(self).__name__, "get", f"{endpoint} answered {response.status_code}"
        )


class LoginCredentials(FetchedToken):
    """A token given as is, or an e-mail and a password to log in with (again before expiry).

    ``DEFAULT_TOKEN`` is what is sent when neither is given; without one, the demo login
    that ``login_body`` fills in is used.
    """

    options = (
        CredentialOption("token", "--token", "TOKEN", "a token to send as Bearer."),
        CredentialOption("email", "--email", "EMAIL", "log in with this e-mail …"),
        CredentialOption("password", "--password", "PASSWORD", "… and this password."),
    )
    DEFAULT_TOKEN: str | None = None

    def __init__(
        self,
        token: str | None = None,
        email: str | None = None,
        password: str | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(clock)
        if (email is None) != (password is None):
            raise ValueError("--email and --password go together")
        if token is not None and email is not None:
            raise ValueError("give --token or --email/--password, not both")
        self._login = self.login_body(email, password)
        static = token if token is not None else self.DEFAULT_TOKEN if email is None else None
        if static is not None:
            self._token, self._renew_at = static, float("inf")

    def login_body(self, email: str | None, password: str | None) -> dict[str, Any]:
        raise NotImplementedError
