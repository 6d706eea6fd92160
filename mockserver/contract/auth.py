"""How each vendor's clients get their credentials, as Schemathesis auth providers.

A contract run authenticates the way the vendor's own SDK does, so a user passes credentials
(``--client-id``/``--client-secret``, ``--token``, ``--basic user:pass`` …), not headers. Each
vendor contributes one :class:`Credentials` subclass: which contract options it reads, the mock's
demo values it falls back to, and the ``get``/``set`` pair of Schemathesis' ``AuthProvider``
protocol that puts the credential on every generated request, per operation as the spec's
``security`` asks (none on a login endpoint, Basic on a token endpoint …).

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

__all__ = ["CREDENTIALS", "OPTIONS", "CredentialOption", "Credentials", "schemes_of"]

Clock = Callable[[], float]


@dataclass(frozen=True)
class CredentialOption:
    """A ``mockserver contract`` option that carries a credential."""

    flag: str
    metavar: str
    help: str


OPTIONS: dict[str, CredentialOption] = {
    "client_id": CredentialOption(
        "--client-id", "ID", "ChatKitty OAuth client id; a token is fetched from the token URL."
    ),
    "client_secret": CredentialOption("--client-secret", "SECRET", "ChatKitty OAuth secret."),
    "token": CredentialOption("--token", "TOKEN", "TWIN, HAPI Hub: a token to send as Bearer."),
    "email": CredentialOption("--email", "EMAIL", "TWIN, HAPI Hub: log in with this e-mail …"),
    "password": CredentialOption("--password", "PASSWORD", "… and this password."),
    "basic": CredentialOption("--basic", "USER:PASS", "SuperOffice: HTTP Basic credentials."),
    "ticket": CredentialOption("--ticket", "TICKET", "SuperOffice: a credentials ticket (7T:…)."),
    "bearer": CredentialOption("--bearer", "TOKEN", "SuperOffice: a SuperId token (8A:…)."),
}
"""Every credential option, by parameter name; a vendor lists the ones it reads."""


def schemes_of(operation: Operation) -> set[str]:
    """The security scheme names an operation accepts (its own ``security``, or the spec's)."""
    raw: Any = operation.definition.raw
    requirements = raw.get("security", operation.schema.raw_schema.get("security", []))
    return {name for requirement in requirements for name in requirement}


def _operation_id(operation: Operation) -> Any:
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

    vendor: ClassVar[str]
    options: ClassVar[tuple[str, ...]]

    @classmethod
    def from_options(cls, values: Mapping[str, str]) -> Credentials:
        """Credentials from the contract options given; ``ValueError`` for a bad combination."""
        factory: Callable[..., Credentials] = cls
        return factory(**{name: values[name] for name in cls.options if name in values})

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


class ChatKittyCredentials(FetchedToken):
    """OAuth2 client credentials, as the ``chatkitty`` SDK does it.

    The token endpoint gets the client id and secret in HTTP Basic (its ``client_authentication``
    scheme); every other operation gets ``Bearer <access_token>``, fetched from that endpoint with
    ``grant_type=client_credentials`` and renewed by ``expires_in``. The default client is the
    mock's demo client.
    """

    vendor = "chatkitty"
    options = ("client_id", "client_secret")

    def __init__(
        self,
        client_id: str = "demo-client",
        client_secret: str = "demo-secret",
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(clock)
        self._basic = basic_authorization(client_id, client_secret)

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        if "client_authentication" in schemes_of(case.operation):
            return self._basic
        return super().get(case, context)

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(
            operation,
            "getAccessToken",
            body={"grant_type": "client_credentials"},
            media_type="application/x-www-form-urlencoded",
            headers={"Authorization": self._basic},
        )
        if response.status_code != 200:
            raise self.refused(response, "the token endpoint")
        answer = response.json()
        return answer["access_token"], answer["expires_in"]


class LoginCredentials(FetchedToken):
    """A token given as is, or an e-mail and a password to log in with (again before expiry).

    ``DEFAULT_TOKEN`` is what is sent when neither is given; without one, the demo login
    that ``login_body`` fills in is used.
    """

    options = ("token", "email", "password")
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


class TwinCredentials(LoginCredentials):
    """TWIN's IAM, as its PHP SDK does it: log in with e-mail and password, send the JWT.

    ``POST /api/v1/auth/login`` with ``{email, password, ttl}`` answers the token, which lives
    ``ttl`` seconds and is renewed by logging in again. ``--token`` sends a token obtained
    elsewhere as is (it is not renewed). The default is the mock's demo user.
    """

    vendor = "twin"
    TTL = 3600

    def login_body(self, email: str | None, password: str | None) -> dict[str, Any]:
        return {
            "email": email or "demo@twin.example",
            "password": password or "demo-password",
            "ttl": self.TTL,
        }

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(operation, "login", body=self._login, media_type="application/json")
        if response.status_code != 200:
            raise self.refused(response, "the login")
        return response.json()["token"], self.TTL


class HapiHubCredentials(LoginCredentials):
    """HAPI Hub's Feathers authentication, as MYCURE's client does it.

    ``--token`` sends a static API token as ``Bearer`` (the default: the mock's demo doctor's);
    ``--email``/``--password`` log in with ``POST /authentication`` (``strategy: local``) and send
    the ``accessToken`` JWT, logging in again before it expires. Testing the logout
    (``DELETE /authentication``) would log the run itself out, so with a login each logout
    request gets a throwaway login of its own.
    """

    vendor = "hapihub"
    TTL = 86400
    """Lifetime of an ``accessToken`` (the spec: "Access tokens live one day")."""
    LOGOUT = "removeAuthentication"
    DEFAULT_TOKEN = "demo-doctor-token"

    def login_body(self, email: str | None, password: str | None) -> dict[str, Any]:
        return {"strategy": "local", "email": email, "password": password}

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        if self._login["email"] is not None and _operation_id(case.operation) == self.LOGOUT:
            return f"Bearer {self.fetch(case.operation)[0]}"
        return super().get(case, context)

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(
            operation, "createAuthentication", body=self._login, media_type="application/json"
        )
        if response.status_code != 201:
            raise self.refused(response, "the login")
        return response.json()["accessToken"], self.TTL


class SuperOfficeCredentials(Credentials):
    """One of SuperOffice's ``Authorization`` schemes, as its npm client offers them.

    ``--basic user:pass`` (``authenticateWithPassword``), ``--ticket 7T:…``
    (``authenticateWithTicket``, scheme ``SOTicket``) or ``--bearer 8A:…``
    (``authenticateWithToken``); the default is the mock's demo associate, in Basic.
    """

    vendor = "superoffice"
    options = ("basic", "ticket", "bearer")

    def __init__(
        self, basic: str | None = None, ticket: str | None = None, bearer: str | None = None
    ) -> None:
        given = [value for value in (basic, ticket, bearer) if value is not None]
        if len(given) > 1:
            raise ValueError("give one of --basic, --ticket and --bearer")
        if basic is not None and ":" not in basic:
            raise ValueError("--basic takes USER:PASS")
        if ticket is not None:
            self._authorization = f"SOTicket {ticket}"
        elif bearer is not None:
            self._authorization = f"Bearer {bearer}"
        else:
            user, _, password = (basic or "demo:demo-password").partition(":")
            self._authorization = basic_authorization(user, password)

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        return self._authorization if schemes_of(case.operation) else None


CREDENTIALS: dict[str, type[Credentials]] = {
    credentials.vendor: credentials
    for credentials in (
        ChatKittyCredentials,
        TwinCredentials,
        HapiHubCredentials,
        SuperOfficeCredentials,
    )
}
"""Vendor name -> how its clients authenticate."""
