"""SuperOffice: what is its own.

* Who sees what: an associate gets the chat sessions of every topic on which they hold Can
  Respond, Notifications, Listen or Manager (``chat_topic_agents``); a retired associate gets
  nothing but a 403, whichever of the four ways they logged in (Basic, ``SOTicket 7T:…``,
  ``Bearer 8A:…``, or the browser's XSRF header-and-cookie pair).
* ``$select`` nulls what was not asked for (it never drops a property), names matched without
  regard to case, ``/`` reaching into carriers; an unknown name is ASP.NET's 400.
* A session names its carriers by id and the answer embeds them; every answer is presented
  per request (:mod:`.superoffice_locale`): dates from UTC into the ``SO-TimeZone`` zone (or the
  installation's), strings through the resource table when a language is asked for. Presented
  sessions are kept until the data changes (:mod:`.superoffice_sessions`).
* JSON or XML (``ArrayOfChatSessionEntity``), errors included, in SuperOffice's error shape or
  ASP.NET's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from connexion.security import NO_VALUE
from starlette.requests import Request
from starlette.responses import Response

from ...auth import Principal, Verifier
from ...errors import BadRequest, Forbidden, HTTPError, Unauthorized
from ...filtering import Predicate, cacheable, equals, filter_records, one_of
from ...fixtures import Fixture
from ...paths import FieldPath
from ...projection import null_unselected
from ...sorting import SortKey, sort_records
from ...store import Collection
from ...xml import Fragments
from ..base import VendorAPI, mock_schema
from .locale import presentation
from .sessions import LINK_FIELDS, PresentedSessions, check_links

__all__ = ["SuperOffice"]

_WIRE = {
    "sessions": ("ChatSessionId", "ChatSessionEntity"),
    "associates": ("AssociateId", "Associate"),
    "persons": ("PersonId", "Person"),
    "contacts": ("ContactId", "Contact"),
    "projects": ("ProjectId", "Project"),
    "sales": ("SaleId", "Sale"),
    "tickets": ("TicketId", "Ticket"),
}
# The mock-only collections (their schemas: schemas/<collection>.json) and their keys.
_KEYS = {
    "credentials": "username",
    "tokens": "token",
    "chat_topics": "ChatTopicId",
    "chat_topic_agents": "id",
    "resource_strings": "name",
    "languages": "iso",
    "time_zones": "TZLocationCode",
}
_RIGHTS = ("CanRespond", "CanNotify", "CanListen", "CanManage")
# Logins, tokens, rights and who is retired: set by the fixture files, never by a data set.
_PRIVILEGED = {"credentials", "tokens", "chat_topic_agents", "associates"}

# SuperOffice's words for errors that are not about the request's parameters.
_ERROR_TYPES = {
    401: ("SoSessionException", "SuperOffice.Services.Implementation"),
    403: ("SoSessionException", "SuperOffice.Services.Implementation"),
    406: ("NotAcceptable", "SuperOffice.WebApi"),
}
_NO_CREDENTIALS = (
    "Authentication failed! Send Authorization: Basic, SOTicket or Bearer, "
    "or the X-XSRF-TOKEN header together with its XSRF-TOKEN cookie"
)
_FAILED = "Authentication failed!"


class SuperOffice(VendorAPI):
    name = "superoffice"
    error_media_types = ("application/json", "text/json", "application/xml", "text/xml")
    case_insensitive_paths = True  # ASP.NET routing
    title = "SuperOffice CRM"
    fixtures = (
        *(
            # The sessions' carriers are stored by id (check_links checks them), never served.
            Fixture(
                n,
                key=key,
                schema=f"#/components/schemas/{schema}",
                private_fields=LINK_FIELDS if n == "sessions" else (),
                privileged=n in _PRIVILEGED,
            )
            for n, (key, schema) in _WIRE.items()
        ),
        *(
            Fixture(n, key=key, schema=mock_schema(__name__, n), privileged=n in _PRIVILEGED)
            for n, key in _KEYS.items()
        ),
    )

    def check_fixtures(
        self, collections: Mapping[str, Collection], where: Callable[[str], str]
    ) -> None:
        check_links(collections, where("sessions"))

    # -- auth ----------------------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        return {
            "Basic": self._verify_password,
            "SOTicket": self._verify_ticket,
            "Bearer": self._verify_token,
            "XSRF": self._verify_xsrf,
        }

    def _verify_password(self, username: str, password: str) -> Principal:
        logins = filter_records(self.collection("credentials"), [_named(username)])
        login = logins[0] if logins else None
        if login is None or login["password"] != password:
            raise Unauthorized(f"{_FAILED} Unknown user name or wrong password")
        return self._associate(login["associate_id"])

    def _verify_ticket(self, value: str) -> Principal:
        return self._known_token(value.strip(), "SOTicket", "credentials ticket")

    def _verify_token(self, value: str) -> Principal:
        return self._known_token(value.strip(), "Bearer", "access token")

    def _verify_xsrf(self, value: str, request: Request) -> Any:
        """The browser pair: only without an Authorization header, and only when it matches."""
        if request.headers.get("authorization"):
            return NO_VALUE  # "If not using Authorization header": the pair is not looked at
        if request.cookies.get("XSRF-TOKEN") != value:
            raise Unauthorized(f"{_FAILED} X-XSRF-TOKEN does not match the XSRF-TOKEN cookie")
        return self._known_token(value, "XSRF", "XSRF token")

    def _known_token(self, value: str, scheme: str, what: str) -> Principal:
        token = self.collection("tokens").get(value)
        if token is None or token["scheme"] != scheme:
            raise Unauthorized(f"{_FAILED} Unknown {what}")
        return self._associate(token["associate_id"])

    def _associate(self, ident: int) -> Principal:
        associate = self.collection("associates").get(ident)
        if associate is None:
            raise Unauthorized(f"{_FAILED} The associate no longer exists")
        if associate["Deleted"]:
            raise Forbidden(f"Associate '{associate['Name']}' is retired and has no rights")
        return {"associate": associate}

    # -- operations ----------------------------------------------------------------------------

    async def chat_sessions_for_user(self, select: str | None = None) -> Response:
        media_type = self.negotiate()
        entity = self.spec.schema("#/components/schemas/ChatSessionEntity")
        paths = _selected(entity, select)
        collections = self.store.collections(self.name)
        show = presentation(self.request.headers, collections, entity)
        me = self.principal["associate"]["AssociateId"]
        rows = filter_records(collections["chat_topic_agents"], [equals(("AssociateId",), me)])
        topics = sorted({r["TopicId"] for r in rows if any(r[right] for right in _RIGHTS)})
        sessions = sort_records(
            filter_records(collections["sessions"], [one_of(("TopicId",), topics)]),
            [SortKey(("ChatSessionId",))],
        )
        body = self._presented.present(sessions, show, collections)
        kept: Fragments | None = self._presented.xml
        if paths is not None:  # new objects every call: nothing of them to keep
            body, kept = null_unselected(body, paths), None
        return self._answer(body, media_type, "ArrayOfChatSessionEntity", kept=kept)

    @cached_property
    def _presented(self) -> PresentedSessions:
        return PresentedSessions(self.spec.schema("#/components/schemas/ChatSessionEntity"))

    async def describe_chat_sessions_for_user(self) -> Response:
        media_type = self.negotiate()
        example = self.spec.resolved["components"]["examples"]["description"]["value"]
        return self._answer(example, media_type, "ApiDescription")

    # -- rendering -----------------------------------------------------------------------------

    def _answer(
        self, body: Any, media_type: str, schema: str, kept: Fragments | None = None
    ) -> Response:
        """``body`` as JSON or as XML named by ``schema``, reusing the XML ``kept`` of objects of
        it that were written before."""
        return self.respond(
            body,
            media_type=media_type,
            schema=self.spec.schema(f"#/components/schemas/{schema}"),
            fragments=kept,
        )

    def error_schema(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """ASP.NET's ``HttpError`` or NetServer's ``SoExceptionInfo``, whichever ``body`` is."""
        name = "HttpError" if "MessageDetail" in body else "SoExceptionInfo"
        return self.spec.schema(f"#/components/schemas/{name}")

    def error_body(self, error: HTTPError, request: Request) -> dict[str, Any]:
        """ASP.NET's ``HttpError`` for what Web API itself refuses (bad parameters, no such
        agent method, wrong HTTP method), SuperOffice's shape for what NetServer refuses."""
        aspnet = {
            400: "The request is invalid.",
            404: f"No HTTP resource was found that matches the request URI '{request.url}'.",
            405: f"The requested resource does not support http method '{request.method}'.",
        }
        if error.status in aspnet and error.reason != "unknown_time_zone":
            detail = "; ".join(str(p) for p in error.problems) or error.message
            return {"Message": aspnet[error.status], "MessageDetail": detail}
        kind, source = _ERROR_TYPES.get(error.status, ("Exception", "SuperOffice.WebApi"))
        if error.reason == "unknown_time_zone":
            kind, source = "SoTimeZoneException", "SuperOffice.CRM.Globalization"
        text = error.message
        if error.status == 401 and not text.startswith(_FAILED):
            text = _NO_CREDENTIALS  # Connexion's own words for "no credentials at all"
        return {
            "Error": True,
            "ErrorType": kind,
            "ErrorMessage": text,
            "Message": text,
            "ErrorSource": source,
        }


def _named(username: str) -> Predicate:
    """The login with this user name, in any letter case (cached per name by the store)."""
    folded = username.casefold()

    def predicate(login: Mapping[str, Any]) -> bool:
        return bool(login["username"].casefold() == folded)

    return cacheable(predicate, "superoffice_username", folded)


def _selected(entity: Mapping[str, Any], select: str | None) -> list[FieldPath] | None:
    """The ``$select`` paths in the schema's own spelling; None when everything is wanted."""
    names = [n.strip() for n in (select or "").split(",") if n.strip()]
    if not names:
        return None
    paths = []
    for name in names:
        schema: Mapping[str, Any] = entity
        path: list[str] = []
        for part in name.split("/"):
            properties = {p.casefold(): p for p in schema.get("properties", {})}
            found = properties.get(part.strip().casefold())
            if found is None:
                raise BadRequest(
                    f"Unknown property '{name}' in $select: "
                    f"{'/'.join(path) or 'ChatSessionEntity'} has no property '{part.strip()}'",
                    reason="unknown_property",
                )
            path.append(found)
            schema = schema["properties"][found]
        paths.append(tuple(path))
    return paths
