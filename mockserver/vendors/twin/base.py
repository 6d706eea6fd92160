"""TWIN (twin24.ai): what every one of its calls shares.

* Tenancy: a user belongs to a company, and a company may supervise others (a reseller and its
  dependants). A token carries the user and the company chosen at login; lists show that
  company, another one the user's company is or supervises (``companyId``), or all of them
  (``allSupervisedCompanies``): any other company is a 403. A session, chat, client, message,
  operator or group outside the user's companies is a 404, as one that does not exist.
* Auth is TWIN's IAM: ``login`` answers a JWT pair, ``refresh`` (GET in the SDK's first
  versions, POST now) trades a refresh token for a new pair even after the access token expired,
  and an expired access token is refused with exactly ``Token is expired.``, the text on which
  the vendor's SDK refreshes and retries.
* Errors are ``{"error": <message>, "details": …}``, in the ``language`` the request asks for.

The session calls (:mod:`.sessions`) and the message calls (:mod:`.chat`) build on
:class:`TwinAPI`; :class:`~.api.Twin` puts them together.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...auth import Principal, Verifier
from ...errors import Forbidden, HTTPError, NotFound, Unauthorized
from ..base import VendorAPI

__all__ = ["CompanyForbidden", "TwinAPI", "TwinNotFound", "iso"]

REFRESH_TTL = 30 * 86400
# 401s whose own message is the vendor's text; every other 401 is "User is not authenticated".
_WORDED_401 = {"invalid_credentials", "invalid_refresh_token"}
INVALID_INPUT = "Invalid input parameters"
NOT_AUTHENTICATED = "User is not authenticated"
TOKEN_EXPIRED = "Token is expired."
# ``language=ru``: the mock's own messages in Russian. ``Token is expired.`` is left out on
# purpose: the vendor's SDK refreshes its token on exactly that English text.
RUSSIAN = {
    INVALID_INPUT: "Неверные входные параметры",
    NOT_AUTHENTICATED: "Пользователь не аутентифицирован",
    "Invalid email or password.": "Неверный email или пароль.",
    "Refresh token is invalid or expired.": "Токен обновления недействителен или истёк.",
    "Access to the company is denied.": "Доступ к компании запрещён.",
    "Session not found.": "Сессия не найдена.",
    "Chat not found.": "Чат не найден.",
    "Client not found.": "Клиент не найден.",
    "Message not found.": "Сообщение не найдено.",
    "Operator not found.": "Оператор не найден.",
    "Operator group not found.": "Группа операторов не найдена.",
    "Bot not found.": "Бот не найден.",
    "The session is closed; continue it first.": "Сессия закрыта; сначала продолжите её.",
    "The session id is in use.": "Идентификатор сессии уже занят.",
}


def iso(epoch: float) -> str:
    """An instant as TWIN writes it, ISO 8601 with ``+00:00``; with microseconds, so that the
    messages of one second keep their order in every sort (seconds sort before their
    fractions: ``+`` comes before ``.``)."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


class CompanyForbidden(Forbidden):
    """A company the user's company neither is nor supervises."""

    def __init__(self, company_id: int) -> None:
        super().__init__("Access to the company is denied.", reason="company_forbidden")
        self.company_id = company_id


class TwinNotFound(NotFound):
    """A thing outside the user's companies, or none at all: TWIN does not tell them apart."""

    def __init__(self, what: str, **key: Any) -> None:
        super().__init__(f"{what} not found.", reason="twin_not_found")
        self.key = key


class TwinAPI(VendorAPI):
    """Auth, tenancy, errors: what the session and message calls build on."""

    # -- auth ----------------------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        return {"bearerAuth": self._verify_token}

    async def _verify_token(self, token: str) -> Principal:
        claims = await self.tokens.averify(token, type=str, companyId=int)
        if claims["type"] != "access":
            raise Unauthorized("Not an access token", reason="invalid_token")
        return {"user": self._user(claims), "companyId": claims["companyId"]}

    def _user(self, claims: Mapping[str, Any]) -> dict[str, Any]:
        """The token's user, as long as it may still act for the token's company."""
        subject = claims["sub"]
        user = self.collection("users").get(int(subject)) if subject.isdecimal() else None
        if user is None or str(user["id"]) != subject:
            raise Unauthorized("The token's user no longer exists", reason="invalid_token")
        if claims["companyId"] not in self._allowed_companies(user):
            raise Unauthorized("The token's company is not the user's", reason="invalid_token")
        return user

    def _allowed_companies(self, user: Mapping[str, Any]) -> list[int]:
        """The user's own company and every company it supervises."""
        own = self.collection("companies").get(user["companyId"])
        return [user["companyId"], *(own["supervisedCompanyIds"] if own else [])]

    def _token_pair(self, user: Mapping[str, Any], company: int, ttl: int) -> Response:
        subject = str(user["id"])
        token = self.tokens.issue(subject, ttl, type="access", companyId=company)
        refresh = self.tokens.issue(subject, REFRESH_TTL, type="refresh", companyId=company)
        return self.respond({"token": token, "authToken": token, "refreshToken": refresh})

    async def login(self, body: Mapping[str, Any]) -> Response:
        email = str(body["email"]).casefold()
        user = next((u for u in self.collection("users") if u["email"].casefold() == email), None)
        if user is None or user["password"] != body["password"]:
            raise Unauthorized("Invalid email or password.", reason="invalid_credentials")
        company = body.get("companyId") or user["companyId"]
        if company not in self._allowed_companies(user):
            raise CompanyForbidden(company)
        return self._token_pair(user, company, body.get("ttl", 3600))

    async def refresh(self, refresh_token: str, ttl: int = 3600) -> Response:
        return await self._refreshed(refresh_token, ttl)

    async def refresh_post(self, body: Mapping[str, Any]) -> Response:
        return await self._refreshed(body["refreshToken"], body.get("ttl", 3600))

    async def _refreshed(self, refresh_token: str, ttl: int) -> Response:
        invalid = Unauthorized(
            "Refresh token is invalid or expired.", reason="invalid_refresh_token"
        )
        try:
            claims = await self.tokens.averify(refresh_token, type=str, companyId=int)
            if claims["type"] != "refresh":
                raise invalid
            user = self._user(claims)
            # The SDK sends the current access token, bare, and refreshes precisely when it has
            # expired: its signature and user must match, its expiry does not matter.
            current = self.request.headers.get("authorization", "").strip()
            if current:
                token = current[7:] if current[:7].lower() == "bearer " else current
                access = await self.tokens.averify(token, allow_expired=True)
                if access["sub"] != claims["sub"]:
                    raise invalid
            # Rotation: the pair answered replaces this refresh token, which is used up.
            await self.tokens.spend(claims)
        except Unauthorized:
            raise invalid from None
        return self._token_pair(user, claims["companyId"], ttl)

    # -- tenancy -------------------------------------------------------------------------------

    def companies(self) -> list[int]:
        """The current user's companies: their own and every one it supervises."""
        return self._allowed_companies(self.principal["user"])

    def scope(self, company_id: int | None, all_supervised: bool = False) -> list[int]:
        """The companies a list covers: the token's company, ``companyId``, or all the user's."""
        allowed = self.companies()
        if company_id is not None and company_id not in allowed:
            raise CompanyForbidden(company_id)
        if all_supervised:
            return allowed
        return [company_id if company_id is not None else self.principal["companyId"]]

    def owned(self, collection: str, key: Any, what: str, **shown: Any) -> dict[str, Any]:
        """The record ``key`` of ``collection`` when one of the user's companies owns it."""
        record = self.collection(collection).get(key)
        if record is None or record["companyId"] not in self.companies():
            raise TwinNotFound(what, **shown)
        return record

    def session(self, session_id: str) -> dict[str, Any]:
        return self.owned("sessions", session_id, "Session", sessionId=session_id)

    def now(self) -> str:
        return iso(self.settings.clock())

    # -- errors --------------------------------------------------------------------------------

    def error_body(self, error: HTTPError, request: Request) -> dict[str, Any]:
        body = self._error_body(error)
        if request.query_params.get("language") == "ru":
            body["error"] = RUSSIAN.get(body["error"], body["error"])
        return body

    def _error_body(self, error: HTTPError) -> dict[str, Any]:
        if error.problems:
            details: Any = [
                {"location": p.location, "name": p.name, "message": p.message}
                for p in error.problems
            ]
            return {"error": INVALID_INPUT, "details": details}
        if error.status == 400:
            return {"error": INVALID_INPUT, "details": [{"message": error.message}]}
        if isinstance(error, CompanyForbidden):
            return {"error": error.message, "details": {"companyId": error.company_id}}
        if isinstance(error, TwinNotFound):
            return {"error": error.message, "details": error.key}
        if error.status == 401:
            if error.reason == "expired_token":
                return {"error": TOKEN_EXPIRED, "details": []}
            text = error.message if error.reason in _WORDED_401 else NOT_AUTHENTICATED
            return {"error": text, "details": []}
        return {"error": error.message, "details": []}
