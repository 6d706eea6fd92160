"""TWIN (twin24.ai): what is its own.

* Tenancy: a user belongs to a company, and a company may supervise others (a reseller and its
  dependants). A token carries the user and the company chosen at login; the list shows that
  company, another one the user's company is or supervises (``companyId``), or all of them
  (``allSupervisedCompanies``). Any other company is a 403.
* Auth is TWIN's IAM: ``login`` answers a JWT pair, ``refresh`` (GET in the SDK's first
  versions, POST now) trades a refresh token for a new pair even after the access token expired,
  and an expired access token is refused with exactly ``Token is expired.``, the text on which
  the vendor's SDK refreshes and retries.
* The list pages by ``limit`` with ``offset`` or a 1-based ``page``, counts before paging,
  projects with ``fields``, sorts with ``+``/``-`` prefixes, and exports the same rows as CSV,
  CSV for Excel or a zip (writing them is :mod:`mockserver.export`'s job; which columns and how
  nested values flatten is TWIN's, below).
* Errors are ``{"error": <message>, "details": …}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...auth import Principal, Verifier
from ...encoding import json_bytes
from ...errors import BadRequest, Forbidden, HTTPError, Problem, Unauthorized
from ...export import content_disposition, csv_bytes, zip_bytes
from ...filtering import Predicate, cacheable, contains_text, equals, filter_records, one_of
from ...fixtures import Fixture
from ...paging import Window, paginate
from ...projection import select
from ...sorting import SortKey, sort_records
from ..base import VendorAPI, mock_schema

__all__ = ["Twin"]

REFRESH_TTL = 30 * 86400
DEFAULT_FILENAME = "chat-sessions"
SORT_FIELDS = {"started_at": "startedAt", "name": "name"}
DEFAULT_SORT = (SortKey(("startedAt",), descending=True),)
KEYWORD_FIELDS = [("name",), ("clientId",), ("whatsappPhone",), ("telegramClientId",)]
MESSAGE_COUNTS = ("clientMessageCount", "operatorMessageCount", "botMessageCount")
# format -> (delimiter, UTF-8 BOM)
CSV_DIALECTS = {"CSV": (",", False), "CSV_EXCEL": (";", True)}

# 401s whose own message is the vendor's text; every other 401 is "User is not authenticated".
_WORDED_401 = {"invalid_credentials", "invalid_refresh_token"}


class CompanyForbidden(Forbidden):
    """A company the user's company neither is nor supervises."""

    def __init__(self, company_id: int) -> None:
        super().__init__("Access to the company is denied.", reason="company_forbidden")
        self.company_id = company_id


class Twin(VendorAPI):
    name = "twin"
    title = "TWIN"
    fixtures = (
        Fixture("companies", key="id", schema=mock_schema(__name__, "companies"), privileged=True),
        Fixture("users", key="id", schema=mock_schema(__name__, "users"), privileged=True),
        Fixture("sessions", key="id", schema="#/components/schemas/SessionInfo"),
    )

    # -- auth ----------------------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        return {"bearerAuth": self._verify_token}

    def _verify_token(self, token: str) -> Principal:
        claims = self.tokens.verify(token, type=str, companyId=int)
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
        return self._refreshed(refresh_token, ttl)

    async def refresh_post(self, body: Mapping[str, Any]) -> Response:
        return self._refreshed(body["refreshToken"], body.get("ttl", 3600))

    def _refreshed(self, refresh_token: str, ttl: int) -> Response:
        invalid = Unauthorized(
            "Refresh token is invalid or expired.", reason="invalid_refresh_token"
        )
        try:
            claims = self.tokens.verify(refresh_token, type=str, companyId=int)
            if claims["type"] != "refresh":
                raise invalid
            user = self._user(claims)
            # The SDK sends the current access token, bare, and refreshes precisely when it has
            # expired: its signature and user must match, its expiry does not matter.
            current = self.request.headers.get("authorization", "").strip()
            if current:
                token = current[7:] if current[:7].lower() == "bearer " else current
                access = self.tokens.verify(token, allow_expired=True)
                if access["sub"] != claims["sub"]:
                    raise invalid
            # Rotation: the pair answered replaces this refresh token, which is used up.
            self.tokens.spend(claims)
        except Unauthorized:
            raise invalid from None
        return self._token_pair(user, claims["companyId"], ttl)

    # -- the list ------------------------------------------------------------------------------

    async def chat_sessions_list(
        self,
        without_count: bool = False,
        without_items: bool = False,
        limit: int = 10,
        offset: int | None = None,
        page: int | None = None,
        fields: list[str] | None = None,
        format_: str = "JSON",
        filename: str | None = None,
        zip_: bool = False,
        from_: str | None = None,
        to: str | None = None,
        date_range_field: str = "createdAt",
        session_id: str | None = None,
        sort: list[str] | None = None,
        chat_id: str | None = None,
        messenger_types: list[str] | None = None,
        min_messages: int | None = None,
        only_client_messages: bool = False,
        keyword: str | None = None,
        operator_type: str | None = None,
        company_id: int | None = None,
        all_supervised_companies: bool = False,
    ) -> Response:
        window = _window(limit, offset, page)
        # The sessions in scope are filtered (and cached) on their own and the query's filters
        # run over them, so a query not answered yet (each new keyword a user types) scans the
        # companies in scope, not all of them: 3-6 ms instead of 130 ms at 100k sessions.
        scoped = filter_records(
            self.collection("sessions"),
            [one_of(("companyId",), self._scope(company_id, all_supervised_companies))],
        )
        predicates: list[Predicate] = []
        if from_ is not None or to is not None:
            predicates.append(
                _in_range(date_range_field, _instant("from", from_), _instant("to", to))
            )
        for path, value in (
            (("id",), session_id),
            (("chatId",), chat_id),
            (("operatorType",), operator_type),
        ):
            if value is not None:
                predicates.append(equals(path, value))
        if messenger_types:
            predicates.append(one_of(("messengerType",), messenger_types))
        if min_messages is not None:
            predicates.append(_at_least_messages(min_messages))
        if only_client_messages:
            predicates.append(_only_client_messages)
        if keyword is not None:
            predicates.append(contains_text(KEYWORD_FIELDS, keyword))
        matching = sort_records(filter_records(scoped, predicates), _sort_keys(sort))
        page_records = [] if without_items else paginate(matching, window)
        columns = self._columns(fields)
        if format_ in CSV_DIALECTS:
            return self._download(self._csv(page_records, columns, format_), "csv", filename, zip_)
        body: dict[str, Any] = {}
        if not without_count:
            body["count"] = len(matching)
        if not without_items:
            body["items"] = [
                select(r, [(c,) for c in columns]) if fields else r for r in page_records
            ]
        if zip_ or filename:
            return self._download(json_bytes(body), "json", filename, zip_)
        return self.respond(body)

    def _scope(self, company_id: int | None, all_supervised: bool) -> list[int]:
        allowed = self._allowed_companies(self.principal["user"])
        if company_id is not None and company_id not in allowed:
            raise CompanyForbidden(company_id)
        if all_supervised:
            return allowed
        return [company_id if company_id is not None else self.principal["companyId"]]

    def _columns(self, fields: list[str] | None) -> list[str]:
        """The fields asked for, in order and once each, ``id`` first unless placed; else all."""
        if not fields:
            return list(self.spec.schema("#/components/schemas/SessionInfo")["properties"])
        asked = list(dict.fromkeys(fields))
        return asked if "id" in asked else ["id", *asked]

    # -- exports -------------------------------------------------------------------------------

    def _csv(self, records: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str) -> bytes:
        """The rows as CSV: ``lastMessage`` spread over one column per property, ``tags`` joined
        with ``, ``, other lists (``operators``, attachments) as JSON, as the spec documents."""
        message = self.spec.schema("#/components/schemas/LastMessage")["properties"]
        header = [
            column
            for name in fields
            for column in (
                [f"lastMessage.{p}" for p in message] if name == "lastMessage" else [name]
            )
        ]
        delimiter, bom = CSV_DIALECTS[fmt]
        cells = [_cell_getter(column) for column in header]
        rows = ([cell(record) for cell in cells] for record in records)
        return csv_bytes(header, rows, delimiter=delimiter, bom=bom)

    def _download(self, content: bytes, ext: str, filename: str | None, zipped: bool) -> Response:
        """An export answer: CSV and zips are always attachments, JSON when a name is given."""
        name = filename or DEFAULT_FILENAME
        media_type = "text/csv; charset=utf-8" if ext == "csv" else "application/json"
        if zipped:
            content = zip_bytes(f"{name}.{ext}", content, modified=self.settings.clock())
            media_type, ext = "application/zip", "zip"
        return self.respond(
            content,
            media_type=media_type,
            headers={"Content-Disposition": content_disposition(f"{name}.{ext}")},
        )

    # -- errors --------------------------------------------------------------------------------

    def error_body(self, error: HTTPError, request: Request) -> dict[str, Any]:
        if error.problems:
            details: Any = [
                {"location": p.location, "name": p.name, "message": p.message}
                for p in error.problems
            ]
            return {"error": "Invalid input parameters", "details": details}
        if error.status == 400:
            return {"error": "Invalid input parameters", "details": [{"message": error.message}]}
        if isinstance(error, CompanyForbidden):
            return {"error": error.message, "details": {"companyId": error.company_id}}
        if error.status == 401:
            if error.reason == "expired_token":
                return {"error": "Token is expired.", "details": []}
            text = error.message if error.reason in _WORDED_401 else "User is not authenticated"
            return {"error": text, "details": []}
        return {"error": error.message, "details": []}


def _window(limit: int, offset: int | None, page: int | None) -> Window:
    if offset is not None and page is not None:
        raise BadRequest(
            "page and offset conflict",
            problems=[Problem("query", "page", "cannot be combined with offset; give one of them")],
        )
    if page is not None:
        return Window(offset=(page - 1) * limit, limit=limit)
    return Window(offset=offset or 0, limit=limit)


def _sort_keys(criteria: list[str] | None) -> Sequence[SortKey]:
    """``+name``/``-started_at`` as sort keys; an unencoded ``+`` arrives as a space."""
    if not criteria:
        return DEFAULT_SORT
    return [SortKey((SORT_FIELDS[c.lstrip("+- ")],), c.startswith("-")) for c in criteria]


def _instant(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"{name} is not a date", problems=[Problem("query", name, "must be a valid date-time")]
        ) from None


def _in_range(field: str, start: datetime | None, end: datetime | None) -> Predicate:
    """``start`` inclusive, ``end`` exclusive, compared as instants whatever the offsets."""

    def predicate(record: Mapping[str, Any]) -> bool:
        value = record.get(field)
        if value is None:
            return False
        when = datetime.fromisoformat(value)
        return (start is None or when >= start) and (end is None or when < end)

    return cacheable(predicate, "twin.in_range", field, start, end)


def _at_least_messages(count: int) -> Predicate:
    return cacheable(
        lambda record: sum(record[c] for c in MESSAGE_COUNTS) >= count,
        "twin.at_least_messages",
        count,
    )


def _only_client_messages(record: Mapping[str, Any]) -> bool:
    return bool(
        record["clientMessageCount"] > 0
        and record["operatorMessageCount"] == 0
        and record["botMessageCount"] == 0
    )


cacheable(_only_client_messages, "twin.only_client_messages")


def _cell_getter(column: str) -> Callable[[Mapping[str, Any]], Any]:
    """How to read one CSV column from a session, decided once per export, not once per cell."""
    if column.startswith("lastMessage."):
        name = column.partition(".")[2]
        return lambda record: (record.get("lastMessage") or {}).get(name)
    if column == "tags":
        return lambda record: ", ".join(record.get("tags") or [])
    return lambda record: record.get(column)
