"""ChatKitty: what is its own.

* Everything belongs to an *application*; a token is issued to an OAuth client of one
  application and sees only that application's sessions (the private ``application_id``).
* The list is a Spring Data page rendered as HAL: ``page``/``size``/``sort`` parameters, ``page``
  metadata, ``_links`` with absolute hrefs, sessions under ``_embedded.sessions``.
* Errors come in two shapes: ``ApiError`` for request problems and ``AuthenticationError``
  (Spring Security's OAuth2 shape) for 401/403 and everything the token endpoint says.
* Every ``_links`` href resolves on the mock, with the token that was given it: a chat session
  links to its user session, its channel and the application, each served read-only from the
  fixtures; a resource's links to things the mock does not serve are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ...auth import Principal, Verifier
from ...collection import Collection, Record
from ...errors import BadRequest, FixtureError, Forbidden, HTTPError, NotFound, Unauthorized
from ...filtering import equals, filter_records
from ...fixtures import Fixture
from ...limits import whole_number
from ...paging import PageInfo, Window, page_links, paginate
from ...projection import without
from ...sorting import SortKey, sort_records
from ..base import VendorAPI, mock_schema

__all__ = ["ChatKitty", "pageable"]

MAX_PAGE_SIZE = 2000  # Spring Data's default maxPageSize, which clamps rather than refuses
DEFAULT_PAGE_SIZE = 25
_INT_MAX = 2**31 - 1
TOKEN_TTL = 3600

_PRIVATE = ("application_id", "channel_id")
_APPLICATION_PRIVATE = ("name", "suspended")
"""The mock's own fields of an application (the suspension behind a 403, and a name for the
messages), not in the vendor's ``ApplicationResource``."""

# Error words per status, as ChatKitty's API writes them.
_API_ERRORS = {
    400: ("ClientError", "A client error occurred, check your request"),
    404: ("ResourceNotFoundError", "Resource not found"),
    405: ("MethodNotAllowedError", "Request method not supported"),
    406: ("NotAcceptableError", "Could not find an acceptable representation"),
    415: ("UnsupportedMediaTypeError", "Content type not supported"),
}
_GENERIC_REASONS = {"unauthorized", "forbidden", "bad_request"}
_AUTH_ERRORS = {
    401: ("unauthorized", "Full authentication is required to access this resource"),
    403: ("access_denied", "Access is denied"),
}


class ChatKitty(VendorAPI):
    name = "chatkitty"
    title = "ChatKitty"
    fixtures = (
        Fixture(
            "applications",
            key="id",
            schema=mock_schema(__name__, "applications"),
            privileged=True,
        ),
        Fixture(
            "clients", key="client_id", schema=mock_schema(__name__, "clients"), privileged=True
        ),
        Fixture(
            "sessions",
            key="id",
            schema="#/components/schemas/ChatSessionResource",
            private_fields=_PRIVATE,
        ),
        Fixture(
            "user_sessions",
            key="id",
            schema="#/components/schemas/ChatUserSessionResource",
            private_fields=("application_id",),
        ),
        Fixture(
            "channels",
            key="id",
            schema="#/components/schemas/ChannelResource",
            private_fields=("application_id",),
        ),
    )

    def check_fixtures(
        self, collections: Mapping[str, Collection], where: Callable[[str], str]
    ) -> None:
        """Every session's user session and channel exist, in the session's application.

        Its links point to them, and a token of the session's application must be able to
        follow each one.
        """
        for index, session in enumerate(collections["sessions"]):
            links = (
                ("session/id", "user_sessions", session["session"]["id"]),
                ("channel_id", "channels", session["channel_id"]),
            )
            for pointer, name, key in links:
                target = collections[name].get(key)
                if target is None or target["application_id"] != session["application_id"]:
                    raise FixtureError(
                        where("sessions"),
                        f"/{index}/{pointer}",
                        f"{name} has no record {key!r} of application "
                        f"{session['application_id']!r}, which this session links to",
                    )

    # -- auth ----------------------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        return {
            "application_authorization": self._verify_token,
            "client_authentication": self._verify_client,
        }

    def _verify_client(self, client_id: str, client_secret: str) -> Principal:
        client = self.collection("clients").get(client_id)
        if client is None or client["client_secret"] != client_secret:
            raise Unauthorized("Bad client credentials", reason="invalid_client")
        return {"sub": client_id, "client": client, "scope": client["scope"]}

    async def _verify_token(self, token: str) -> Principal:
        # The claims are checked against the clients and applications as they are now: a token
        # outlives neither its client, nor the client's move to another application, nor a
        # scope taken away from the client.
        claims = await self.tokens.averify(token, app=int, scope=str)
        client = self.collection("clients").get(claims["sub"])
        application = self.collection("applications").get(claims["app"])
        if (
            client is None
            or application is None
            or client["application_id"] != claims["app"]
            or not set(claims["scope"].split()) <= set(client["scope"])
        ):
            raise Unauthorized(
                "The access token no longer matches its client", reason="invalid_token"
            )
        if application["suspended"]:
            raise Forbidden(
                f"Access is denied: application '{application['key']}' is suspended",
                reason="access_denied",
            )
        return {"sub": claims["sub"], "application": application, "scope": claims["scope"]}

    # -- operations ----------------------------------------------------------------------------

    async def get_access_token(self, body: Mapping[str, Any]) -> Response:
        grant_type = body.get("grant_type")
        if grant_type != "client_credentials":
            raise BadRequest(
                f"Unsupported grant type: {grant_type}", reason="unsupported_grant_type"
            )
        client = self.principal["client"]
        ttl = client.get("token_ttl", TOKEN_TTL)
        scope = " ".join(client["scope"])
        token = self.tokens.issue(
            client["client_id"], ttl, app=client["application_id"], scope=scope
        )
        return self.respond(
            {"access_token": token, "token_type": "bearer", "expires_in": ttl, "scope": scope},
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    async def list_chat_sessions(
        self,
        page: str | None = None,
        size: str | None = None,
        sort: list[str] | None = None,
        state: str | None = None,
    ) -> Response:
        media_type = self.negotiate()
        number, per_page = pageable(page, size)
        application = self.principal["application"]["id"]
        predicates = [equals(("application_id",), application)]
        if state is not None:
            predicates.append(equals(("state",), state))
        matching = sort_records(
            filter_records(self.collection("sessions"), predicates), _sort_keys(sort or [])
        )
        info = PageInfo(number=number, size=per_page, total_elements=len(matching))
        base = self.base_url()
        href = self._page_hrefs(per_page)
        body: dict[str, Any] = {
            "_embedded": {
                "sessions": [
                    self._session(record, base)
                    for record in paginate(matching, Window.for_page(number, per_page))
                ]
            },
            "page": {
                "number": info.number,
                "size": info.size,
                "total_elements": info.total_elements,
                "total_pages": info.total_pages,
            },
            "_links": {rel: {"href": href(number)} for rel, number in page_links(info).items()},
        }
        return self.respond(body, media_type=media_type)

    async def retrieve_user_session(self, id_: int) -> Response:
        media_type = self.negotiate()
        body = without(self._owned("user_sessions", id_, "user session"), ("application_id",))
        body["_links"] = {"application": {"href": f"{self.base_url()}/application"}}
        return self.respond(body, media_type=media_type)

    async def retrieve_channel(self, id_: int) -> Response:
        media_type = self.negotiate()
        base = self.base_url()
        body = without(self._owned("channels", id_, "channel"), ("application_id",))
        body["_links"] = {
            "self": {"href": f"{base}/channels/{id_}"},
            "application": {"href": f"{base}/application"},
        }
        return self.respond(body, media_type=media_type)

    async def retrieve_application(self) -> Response:
        media_type = self.negotiate()
        body = without(self.principal["application"], _APPLICATION_PRIVATE)
        body["_links"] = {"self": {"href": f"{self.base_url()}/application"}}
        return self.respond(body, media_type=media_type)

    def _owned(self, collection: str, key: int, what: str) -> Record:
        """The ``what`` (record ``key`` of ``collection``) of the token's application; any other
        id is not found.

        ChatKitty scopes everything to the token's application, so another application's
        record is as unknown as one that does not exist.
        """
        record = self.collection(collection).get(key)
        if record is None or record["application_id"] != self.principal["application"]["id"]:
            raise NotFound(f"{what} {key} not found")
        return record

    # -- rendering -----------------------------------------------------------------------------

    @staticmethod
    def _session(record: Mapping[str, Any], base: str) -> dict[str, Any]:
        session = without(record, _PRIVATE)
        session["_links"] = {
            "session": {"href": f"{base}/user-sessions/{record['session']['id']}"},
            "channel": {"href": f"{base}/channels/{record['channel_id']}"},
            "application": {"href": f"{base}/application"},
        }
        return session

    def _page_hrefs(self, size: int) -> Callable[[int], str]:
        """This request's URL for another page number, every other parameter kept.

        The kept part is built once per request: up to five links share it.
        """
        kept = [
            (k, v) for k, v in self.request.query_params.multi_items() if k not in ("page", "size")
        ]
        prefix = f"{self.base_url()}{self.operation.path}?"
        if kept:
            prefix += urlencode(kept, safe=",") + "&"
        return lambda number: f"{prefix}page={number}&size={size}"

    def error_body(self, error: HTTPError, request: Request) -> dict[str, Any]:
        if error.status in _AUTH_ERRORS or request.url.path.endswith("/oauth/token"):
            # Connexion's own wording for a missing token is replaced by Spring Security's.
            code, text = _AUTH_ERRORS.get(error.status, ("invalid_request", error.message))
            if error.reason not in _GENERIC_REASONS:
                code, text = error.reason, error.message
            return {"error": code, "error_description": text}
        name, text = _API_ERRORS.get(
            error.status,
            _API_ERRORS[400] if error.status < 500 else ("ServerError", "A server error occurred"),
        )
        body: dict[str, Any] = {
            "error": name,
            "message": text,
            "timestamp": datetime.fromtimestamp(self.settings.clock(), UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            # Every problem is named here: the vendor's `properties` is writeOnly, never answered.
            "explanation": error.message,
        }
        return body


def pageable(page: str | None, size: str | None) -> tuple[int, int]:
    """The page number and size Spring Data's pageable resolver reads from the query.

    It never refuses them: a page that is negative or unreadable is page 0, a size below 1 or
    unreadable is the default, a size above the maximum is the maximum.
    """
    number = whole_number(page or "", signed=True)
    wanted = whole_number(size or "", signed=True)
    number = number if number is not None and 0 <= number <= _INT_MAX else 0
    if wanted is None or not 1 <= wanted <= _INT_MAX:
        wanted = DEFAULT_PAGE_SIZE
    return number, min(wanted, MAX_PAGE_SIZE)


def _sort_keys(criteria: list[str]) -> list[SortKey]:
    """Spring's ``property[,property…][,asc|desc]`` criteria as sort keys, in order.

    The spec's pattern has already refused unknown properties and directions.
    """
    keys = []
    for criterion in criteria:
        parts = criterion.split(",")
        descending = False
        if parts[-1].lower() in ("asc", "desc"):
            descending = parts.pop().lower() == "desc"
        keys += [SortKey(tuple(p.split(".")), descending) for p in parts]
    return keys
