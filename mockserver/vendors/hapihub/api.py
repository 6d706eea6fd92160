"""HAPI Hub (MYCURE telemed): what is its own.

* A Feathers app (see :mod:`mockserver.feathers`): errors in Feathers' shape, ``find`` answers
  a bare array, the query is Feathers' query as ``qs`` puts it on the wire, plus MYCURE's own
  typed values (``#3``, ``#true``, ``#[]``; a bare key is null).
* Accounts (doctors, patients, admins) log in through the authentication service or use their
  static API token. A session is seen and driven by its creator, its participants and admins;
  to anyone else it does not exist (404, never 403).
* Sessions hold state. PATCH directives drive the lifecycle (created → started → accepted or
  rejected → finished) and each is checked and applied under the store's lock, so concurrent
  clients never lose an update or see half of one. A directive stamps ``*At``/``*By`` with the
  clock and the caller; a client may also state a history itself (the apiDoc lists the fields),
  as long as the directives could have made it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from itertools import count, pairwise
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ... import feathers, qs
from ...auth import ExpiredToken, Principal, Verifier
from ...collection import Collection, Record
from ...config import Settings
from ...errors import BadRequest, Conflict, FixtureError, HTTPError, NotFound, Problem, Unauthorized
from ...filtering import Predicate, any_of, equals, filter_records
from ...fixtures import Fixture
from ...paging import paginate
from ...sorting import sort_records
from ...specs import Spec
from ...store import Store
from ..base import VendorAPI, mock_schema

__all__ = ["DIRECTIVES", "HapiHub", "state_of"]

SESSIONS, ACCOUNTS = "sessions", "accounts"
ACCESS_TTL = 24 * 3600
REFRESH_TTL = 30 * 24 * 3600
PAGINATE = feathers.Paginate(default=10, max=100)

# directive -> the stamp and the signature it sets, and the states it may be sent in
DIRECTIVES: dict[str, tuple[str, str, frozenset[str]]] = {
    "start": ("startedAt", "startedBy", frozenset({"created"})),
    "accept": ("acceptedAt", "acceptedBy", frozenset({"started"})),
    "reject": ("rejectedAt", "rejectedBy", frozenset({"started"})),
    "finish": ("finishedAt", "finishedBy", frozenset({"started", "accepted"})),
}
_STAMPS = ("createdAt", "startedAt", "acceptedAt", "rejectedAt", "finishedAt")
# what a client may state of a session's history, on create and patch (the apiDoc lists them)
_HISTORY = (
    "createdAt",
    *(field for at, by, _ in DIRECTIVES.values() for field in (at, by)),
    "rejectReason",
)
_USER_FIELDS = ("id", "uid", "email", "mobileNo", "createdAt")


def state_of(session: Mapping[str, Any]) -> str:
    """``created``, ``started``, ``accepted``, ``rejected`` or ``finished``."""
    for state, stamp in (
        ("finished", "finishedAt"),
        ("rejected", "rejectedAt"),
        ("accepted", "acceptedAt"),
        ("started", "startedAt"),
    ):
        if stamp in session:
            return state
    return "created"


class HapiHub(VendorAPI):
    name = "hapihub"
    title = "HAPI Hub"
    fixtures = (
        Fixture(ACCOUNTS, key="uid", schema=mock_schema(__name__, ACCOUNTS), privileged=True),
        Fixture(SESSIONS, key="id", schema="#/components/schemas/ChatSession"),
    )

    def __init__(self, spec: Spec, store: Store, settings: Settings) -> None:
        super().__init__(spec, store, settings)
        self.fields = feathers.field_types(spec.schema("#/components/schemas/ChatSessionSelection"))
        self._machine = secrets.token_hex(5)
        self._counter = count(secrets.randbelow(0xFFFFFF))
        self._index: dict[str, tuple[Collection, int, dict[str, Record]]] = {}

    def check_fixtures(
        self, collections: Mapping[str, Collection], where: Callable[[str], str]
    ) -> None:
        _check_sessions(collections[SESSIONS], collections[ACCOUNTS], where(SESSIONS))

    # -- auth ----------------------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        return {"apiToken": self._verify_token}

    async def _verify_token(self, token: str) -> Principal:
        account = self._accounts_by("token", token)
        if account is not None:
            return {
                "sub": account["uid"],
                "account": account,
                "strategy": "apiToken",
                "token": token,
            }
        claims, account = await self._claims(token, "access")
        return {
            "sub": account["uid"],
            "account": account,
            "strategy": "jwt",
            "token": token,
            "payload": claims,
        }

    async def _claims(self, token: str, kind: str) -> tuple[dict[str, Any], Record]:
        """A token this server issued, of this kind, not revoked, for an existing account."""
        try:
            claims = await self.tokens.averify(token, typ=str)
        except ExpiredToken:
            raise Unauthorized("jwt expired", reason="token_expired") from None
        except Unauthorized:
            raise Unauthorized("invalid token", reason="invalid_token") from None
        account = self.collection(ACCOUNTS).get(claims["sub"])
        if claims["typ"] != kind or account is None:
            raise Unauthorized("invalid token", reason="invalid_token")
        return claims, account

    def _accounts_by(self, field: str, value: str) -> Record | None:
        """The account whose ``field`` is ``value`` (e-mails in any letter case).

        The index is rebuilt only when the accounts changed or were reset, so a token check
        stays a dict lookup at 100k accounts.
        """
        accounts = self.collection(ACCOUNTS)
        cached = self._index.get(field)
        if cached is None or cached[0] is not accounts or cached[1] != accounts.version:
            index = {_folded(field, str(a[field])): a for a in accounts}
            cached = self._index[field] = (accounts, accounts.version, index)
        return cached[2].get(_folded(field, value))

    async def create_authentication(self, body: Mapping[str, Any]) -> Response:
        strategy = body.get("strategy")
        payload: dict[str, Any] | None = None
        if strategy == "local":
            account = self._accounts_by("email", str(body["email"]))
            if account is None or account["password"] != body["password"]:
                raise Unauthorized("Invalid login", reason="invalid_login")
            access = self._issue(account, "access", ACCESS_TTL)
        elif strategy == "jwt":  # Feathers' reAuthenticate(): the same token, re-checked
            access = body["accessToken"]
            payload, account = await self._claims(access, "access")
        else:  # MYCURE's {"action": "refreshAccessToken"}: the refresh token is used up
            claims, account = await self._claims(body["refreshToken"], "refresh")
            await self.tokens.spend(claims)
            access, strategy = self._issue(account, "access", ACCESS_TTL), "jwt"
            payload = await self.tokens.averify(access)
        result = _authentication(account, access, strategy, payload)
        result["refreshToken"] = self._issue(account, "refresh", REFRESH_TTL)
        return self.respond(result, status=201)

    async def remove_authentication(self) -> Response:
        principal = self.principal
        if principal["strategy"] == "jwt":
            await self.tokens.spend(principal["payload"])
        token, payload = principal["token"], principal.get("payload")
        return self.respond(
            _authentication(principal["account"], token, principal["strategy"], payload)
        )

    def _issue(self, account: Mapping[str, Any], kind: str, ttl: int) -> str:
        return self.tokens.issue(account["uid"], ttl, typ=kind)

    # -- sessions ------------------------------------------------------------------------------

    async def find_chat_sessions(self) -> Response:
        # Connexion's parameters are only the part of the qs syntax OpenAPI can describe; the raw
        # query string is the whole of it.
        parsed = qs.parse(self.request.url.query, strict_null=True)
        query = feathers.parse_query(parsed, self.fields, paginate=PAGINATE, decode=_mycure_value)
        sessions = self.collection(SESSIONS)
        visible = filter_records(sessions, [*self._visibility(), *query.predicates])
        page = paginate(sort_records(visible, query.sort), query.window)
        return self.respond([query.project(record) for record in page])

    async def get_chat_session(self, id_: str) -> Response:
        session = self.collection(SESSIONS).get(id_)
        if session is None or not _passes(session, self._visibility()):
            raise _not_found(id_)
        return self.respond(session)

    async def create_chat_session(self, body: Mapping[str, Any]) -> Response:
        now, caller = self._now(), self.principal["sub"]
        sessions = self.collection(SESSIONS)
        while True:  # an id is claimed in the store, so no two requests on any worker share one
            session: Record = {
                "id": self._new_id(now),
                "createdAt": now,
                "createdBy": caller,
                "type": body.get("type", "telemed"),
            }
            if "room" in body:
                session["room"] = body["room"]
            session["participants"] = list(body["participants"])
            _state_history(session, body, caller)
            if await sessions.ainsert(session):
                return self.respond(session)

    async def patch_chat_session(self, id_: str, body: Mapping[str, Any]) -> Response:
        sessions = self.collection(SESSIONS)
        if id_ not in sessions:
            raise _not_found(id_)
        directives = [d for d in DIRECTIVES if body.get(d) not in (None, False, "")]
        caller, now, visibility = self.principal["sub"], self._now(), self._visibility()

        def change(session: Record) -> Record:
            # Checked under the store's lock: what is refused here is refused whole.
            if not _passes(session, visibility):
                raise _not_found(id_)
            for field in ("type", "room", "participants"):
                if field in body:
                    session[field] = body[field]
            _state_history(session, body, caller)
            if directives:
                _apply(session, directives, caller, now, body)
            return session

        return self.respond(await sessions.aupdate(id_, change))

    def _visibility(self) -> list[Predicate]:
        """What a session must pass for the caller to see it: nothing for an admin, else
        being its creator or a participant."""
        account = self.principal["account"]
        if account["role"] == "admin":
            return []
        uid = account["uid"]
        return [any_of([equals(("createdBy",), uid), equals(("participants",), uid)])]

    def _now(self) -> int:
        return int(self.settings.clock() * 1000)

    def _new_id(self, now: int) -> str:
        """A MongoDB ObjectId: creation second, this process's random part, a counter."""
        return f"{now // 1000:08x}{self._machine}{next(self._counter) % 0x1000000:06x}"

    def error_body(self, error: HTTPError, request: Request) -> dict[str, Any]:
        body = feathers.error_body(error)
        if error.status == 401 and error.reason == Unauthorized.reason:
            body["message"] = "Not authenticated"  # Connexion's words for a missing token
        return body


def _passes(session: Mapping[str, Any], predicates: Iterable[Predicate]) -> bool:
    return all(p(session) for p in predicates)


def _authentication(
    account: Mapping[str, Any], token: str, strategy: str, payload: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The authentication service's answer, with the ``uid`` MYCURE's client insists on."""
    authentication: dict[str, Any] = {"strategy": strategy}
    if payload is not None:
        authentication |= {"accessToken": token, "payload": payload}
    user = {k: account[k] for k in _USER_FIELDS if k in account}
    return {
        "accessToken": token,
        "uid": account["uid"],
        "authentication": authentication,
        "user": user,
    }


def _apply(
    session: Record, directives: list[str], caller: str, now: int, body: Mapping[str, Any]
) -> None:
    state = state_of(session)
    problems = [
        Problem("body", "state", state),
        Problem("body", "directive", ", ".join(directives)),
    ]
    if len(directives) > 1:
        together = " and ".join(directives)
        raise Conflict(f"Send one directive at a time, not {together} together", problems=problems)
    directive = directives[0]
    at, by, allowed = DIRECTIVES[directive]
    if state not in allowed:
        raise Conflict(
            f"Cannot {directive} a chat session that {_phrase(directive, state)}", problems=problems
        )
    # never before an earlier stamp, so the order holds even against a clock set back
    session[at] = max(now, *(session[s] for s in _STAMPS if s in session))
    session[by] = caller
    if directive == "reject" and isinstance(body["reject"], str):
        session["rejectReason"] = body["reject"]


def _phrase(directive: str, state: str) -> str:
    """How a refusal names the state: "was never started", "is already accepted", "is finished"."""
    if state == "created":
        return "was never started"
    reached = state_of({DIRECTIVES[directive][0]: 0})  # the state this directive leads to
    return f"is already {state}" if reached == state else f"is {state}"


def _state_history(session: Record, body: Mapping[str, Any], caller: str) -> None:
    """Write the history fields ``body`` states onto ``session``, or refuse them all (400).

    A stamp sent without its ``*By`` is the caller's act. The result must be a history the
    directives could have made (see the spec's create operation); checked whole, so a refused
    request changes nothing.
    """
    stated = {field: body[field] for field in _HISTORY if field in body}
    if not stated:
        return
    for at, by, _ in DIRECTIVES.values():
        if at in stated and by not in stated:
            stated[by] = caller
    candidate = {**session, **stated}
    problems = _history_problems(candidate)
    if problems:
        raise BadRequest(
            "Invalid chat session history: " + "; ".join(map(str, problems)), problems=problems
        )
    session.update(stated)


def _history_problems(session: Mapping[str, Any]) -> list[Problem]:
    """What makes ``session``'s stamps a history no sequence of directives could make."""
    problems = []

    def refuse(field: str, why: str) -> None:
        problems.append(Problem("body", field, why))

    for at, by, _ in DIRECTIVES.values():
        if (at in session) != (by in session):
            refuse(by if by in session else at, f"{at} and {by} go together")
    if "startedAt" not in session:
        for later in ("acceptedAt", "rejectedAt", "finishedAt"):
            if later in session:
                refuse(later, "needs startedAt: a session is started first")
    if "acceptedAt" in session and "rejectedAt" in session:
        refuse("rejectedAt", "a session is accepted or rejected, not both")
    if "rejectedAt" in session and "finishedAt" in session:
        refuse("finishedAt", "a rejected session is not finished")
    if "rejectReason" in session and "rejectedAt" not in session:
        refuse("rejectReason", "goes with rejectedAt: only a rejected session has a reason")
    stamps = [(s, session[s]) for s in _STAMPS if s in session]
    for (earlier, before), (later, value) in pairwise(stamps):
        if value < before:
            refuse(later, f"must not be earlier than {earlier} ({before}), got {value}")
    return problems


def _not_found(id_: str) -> NotFound:
    return NotFound(f"No record found for id '{id_}'")


def _mycure_value(value: Any) -> Any:
    """MYCURE's web client tags typed query values: ``#3``, ``#-1``, ``#true``, ``#[]``."""
    if not isinstance(value, str) or not value.startswith("#"):
        return value
    typed = value[1:]
    if typed in ("true", "false"):
        return typed == "true"
    if typed == "[]":
        return []
    for number in (int, float):
        try:
            return number(typed)
        except ValueError:
            pass
    return value


def _folded(field: str, value: str) -> str:
    return value.lower() if field == "email" else value


def _check_sessions(sessions: Collection, accounts: Collection, file: str) -> None:
    """Fixture invariants a schema cannot state, checked at start-up like the schema itself."""
    for index, session in enumerate(sessions):
        for problem in _history_problems(session)[:1]:
            raise FixtureError(file, f"/{index}/{problem.name}", problem.message)
        for field in ("createdBy", *(by for _, by, _ in DIRECTIVES.values())):
            if field in session and session[field] not in accounts:
                raise FixtureError(
                    file, f"/{index}/{field}", f"no account has uid {session[field]!r}"
                )
        for i, uid in enumerate(session["participants"]):
            if uid not in accounts:
                raise FixtureError(
                    file, f"/{index}/participants/{i}", f"no account has uid {uid!r}"
                )
