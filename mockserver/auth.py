"""Authentication: signed tokens, and wiring vendors' verifiers into Connexion's security layer.

Connexion already reads the spec's ``security`` requirements, extracts credentials (Basic, Bearer,
OAuth2 bearer tokens, API keys in headers, queries or cookies) and tries each alternative in
turn. What it cannot know is how to check them against fixtures; it normally finds a checking
function through an ``x-…InfoFunc`` import path in the spec. Our specs stay faithful to the
vendors instead, so :func:`security_map` gives Connexion handler classes that look the verifier up
by the scheme's name in the vendor module.

Tokens the mock issues are JWTs signed with the server's secret. They survive a restart (the
secret is kept with the server's state, see :func:`mockserver.config.stored_secret`), which
matters to a frontend whose SDK caches its token. A token proves only that this server signed
those claims once: vendors check what the claims name (client, user, company, account) against
the data as it is now, and :meth:`TokenIssuer.verify` refuses any token whose claims are not of
the types the mock itself writes, so a signed but odd token is a 401, never a crash.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import jwt
from connexion.security import (
    NO_VALUE,
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
    OAuthSecurityHandler,
)
from jwt.types import Options

from .errors import Unauthorized
from .state import Backend
from .store import Registry

__all__ = [
    "Clock",
    "ExpiredToken",
    "Principal",
    "SpentTokens",
    "TokenIssuer",
    "Verifier",
    "security_map",
]

Clock = Callable[[], float]
Principal = dict[str, Any]
"""What a verifier returns: Connexion stores it as ``context['token_info']``."""

Verifier = Callable[..., Principal | Awaitable[Principal]]
"""Checks credentials; Basic gets ``(username, password)``, every other scheme ``(value,)``.

It returns the principal or raises :class:`~mockserver.errors.Unauthorized` /
:class:`~mockserver.errors.Forbidden`.
"""

# The claims every token of ours carries, and their types: anything else was not written by us.
_STANDARD_CLAIMS: dict[str, type] = {"sub": str, "iat": int, "exp": int, "jti": str}


class ExpiredToken(Unauthorized):
    reason = "expired_token"


class SpentTokens:
    """The tokens that may not be used again: refresh tokens traded in, sessions logged out.

    Kept by ``jti`` in the state beside the vendors' data, so a token spent on one worker or
    replica is spent on all of them (a TWIN refresh token is traded in once, wherever), and a
    reset of the data does not bring it back. Kept until the token would have expired anyway,
    so the record holds only tokens that could still be presented. This is the one place that
    knows which tokens are spent.
    """

    def __init__(self, backend: Backend | None = None) -> None:
        self._spent = Registry("spent-tokens", "jti", backend)
        self._spends = 0

    def __contains__(self, jti: str) -> bool:
        return jti in self._spent()

    async def follow(self) -> None:
        """Catch up with the tokens spent anywhere, on the event loop, before a check."""
        await self._spent.current()

    async def spend(self, jti: str, expires: int, now: float) -> bool:
        """Mark ``jti`` spent; False when it already was (checked and set at once, on every
        process)."""
        spent = await self._spent.current()
        if not await spent.ainsert({"jti": jti, "exp": expires}):
            return False
        self._spends += 1
        if self._spends % 1024 == 0:  # now and then, not every call
            for token in [t for t in spent if t["exp"] <= now]:
                await spent.adelete(token["jti"])
        return True


class TokenIssuer:
    """Issues and verifies HS256 JWTs against an injectable clock."""

    def __init__(
        self, secret: str, clock: Clock = time.time, backend: Backend | None = None
    ) -> None:
        """``backend``: the state spent tokens are kept in (default: this process's memory)."""
        self.secret = secret
        self.clock = clock
        self.spent = SpentTokens(backend)
        # token -> claims: a client sends the same token with every request, and checking its
        # signature again costs 8 % of a list call. Time claims are still checked every time.
        self._verified: dict[str, dict[str, Any]] = {}

    def issue(self, subject: str, ttl: int, **claims: Any) -> str:
        now = int(self.clock())
        payload = {"sub": subject, "iat": now, "exp": now + ttl, "jti": secrets.token_hex(8)}
        return jwt.encode({**payload, **claims}, self.secret, algorithm="HS256")

    def verify(
        self, token: str, *, allow_expired: bool = False, **claim_types: type
    ) -> dict[str, Any]:
        """The token's claims; :class:`Unauthorized` if forged, malformed, spent or expired.

        ``claim_types`` are the vendor's own claims and their types (``companyId=int``): a token
        without one of them, or with a value of another type, was not issued by this server.
        ``allow_expired`` is for the one place a vendor looks at an expired token on purpose.
        """
        # Time claims are checked here against our clock, not by PyJWT against the wall clock,
        # so tests (and a client of a mock whose clock was moved) see consistent expiry.
        wall_clock_checks: Options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}
        claims = self._verified.get(token)
        if claims is None:
            try:
                claims = jwt.decode(
                    token, self.secret, algorithms=["HS256"], options=wall_clock_checks
                )
            except jwt.InvalidTokenError:
                raise Unauthorized(
                    "The access token is not valid", reason="invalid_token"
                ) from None
            _check_types(claims, _STANDARD_CLAIMS)
            if len(self._verified) >= 4096:
                self._verified.clear()
            self._verified[token] = claims
        _check_types(claims, claim_types)
        if claims["jti"] in self.spent:
            raise Unauthorized("The token has been used up or revoked", reason="invalid_token")
        if not allow_expired and claims["exp"] <= self.clock():
            raise ExpiredToken("The access token has expired")
        return dict(claims)

    async def averify(
        self, token: str, *, allow_expired: bool = False, **claim_types: type
    ) -> dict[str, Any]:
        """:meth:`verify`, on the event loop: the tokens spent are read through the backend's
        asyncio methods first, so the check itself makes no round trip."""
        await self.spent.follow()
        return self.verify(token, allow_expired=allow_expired, **claim_types)

    async def spend(self, claims: Mapping[str, Any]) -> None:
        """Use a verified token up; :class:`Unauthorized` if it already was."""
        if not await self.spent.spend(claims["jti"], claims["exp"], self.clock()):
            raise Unauthorized("The token has been used up or revoked", reason="invalid_token")


def _check_types(claims: Mapping[str, Any], types: Mapping[str, type]) -> None:
    for name, kind in types.items():
        value = claims.get(name)
        # bool is an int to Python, never to us; an empty string names nothing.
        if not isinstance(value, kind) or isinstance(value, bool) or value == "":
            raise Unauthorized(
                f"The token's claim {name!r} is missing or not a {kind.__name__}",
                reason="invalid_token",
            )


# Connexion 3.3 asks inspect.signature() about the verifier on every request (4 % of a list call);
# verifiers are bound once, so the answer is cached.
_accepts_kwarg = staticmethod(
    functools.lru_cache(maxsize=256)(AbstractSecurityHandler._accepts_kwarg)
)


def security_map(verifiers: Mapping[str, Verifier], schemes: Mapping[str, Any]) -> dict[str, type]:
    """Connexion ``security_map`` whose handlers call ``verifiers[scheme name]``.

    ``schemes`` are the spec's security schemes; HTTP schemes other than Basic and Bearer (for
    example SuperOffice's ``SOTicket``) get a handler that matches the scheme word.
    """

    # Connexion hands a handler the scheme's definition, not its name; the definitions of one
    # spec differ (by description at least), so the definition finds the name.
    def resolve(scheme: Mapping[str, Any]) -> Verifier | None:
        name = next((n for n, s in schemes.items() if s == scheme), None)
        return verifiers.get(name) if name is not None else None

    class Basic(BasicSecurityHandler):  # type: ignore[misc]
        _accepts_kwarg = _accepts_kwarg

        def _resolve_func(self, scheme: Mapping[str, Any]) -> Verifier | None:
            return resolve(scheme)

    class Bearer(BearerSecurityHandler):  # type: ignore[misc]
        _accepts_kwarg = _accepts_kwarg

        def _resolve_func(self, scheme: Mapping[str, Any]) -> Verifier | None:
            return resolve(scheme)

    class ApiKey(ApiKeySecurityHandler):  # type: ignore[misc]
        _accepts_kwarg = _accepts_kwarg

        def _resolve_func(self, scheme: Mapping[str, Any]) -> Verifier | None:
            return resolve(scheme)

    class OAuth(OAuthSecurityHandler):  # type: ignore[misc]
        _accepts_kwarg = _accepts_kwarg

        def get_tokeninfo_func(self, scheme: Mapping[str, Any]) -> Verifier | None:
            return resolve(scheme)

    handlers: dict[str, type] = {
        "basic": Basic,
        "bearer": Bearer,
        "apiKey": ApiKey,
        "oauth2": OAuth,
    }
    for scheme in schemes.values():
        word = str(scheme.get("scheme", "")).lower()
        if scheme.get("type") == "http" and word not in ("basic", "bearer"):
            handlers[word] = _http_scheme_handler(word, resolve)
    return handlers


def _http_scheme_handler(
    word: str, resolve: Callable[[Mapping[str, Any]], Verifier | None]
) -> type:
    """A handler for ``Authorization: <word> <credentials>``, the word in any letter case."""

    class HttpScheme(BearerSecurityHandler):  # type: ignore[misc]
        _accepts_kwarg = _accepts_kwarg

        def _resolve_func(self, scheme: Mapping[str, Any]) -> Verifier | None:
            return resolve(scheme)

        def _get_verify_func(self, verifier: Verifier) -> Callable[[Any], Any]:
            check = self._generic_check(verifier, "Provided authorization is not valid")

            def wrapper(request: Any) -> Any:
                auth_type, value = self.get_auth_header_value(request)
                if auth_type != word:
                    return NO_VALUE
                return check(request, value)

            return wrapper

    return HttpScheme
