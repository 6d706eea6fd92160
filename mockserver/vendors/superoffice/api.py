"""SuperOffice: what is its own.

* Who sees what: an associate gets the chat sessions of every topic on which they hold Can
  Respond, Notifications, Listen or Manager (``chat_topic_agents``); a retired associate gets
  nothing but a 403, whichever of the four ways they logged in (Basic, ``SOTicket 7T:…``,
  ``Bearer 8A:…``, or the browser's XSRF header-and-cookie pair).
* Request bodies are read as Json.NET reads them (:mod:`.binding`): names in any case, enums
  by name or number, before the spec's schema judges them.
* ``$select`` nulls what was not asked for (it never drops a property), names matched without
  regard to case, ``/`` reaching into carriers; an unknown name is ASP.NET's 400.
* A session names its carriers by id and the answer embeds them; every answer is presented
  per request (:mod:`.locale`): dates from UTC into the ``SO-TimeZone`` zone (or the
  installation's), strings through the resource table when a language is asked for. Presented
  sessions are kept until the data changes (:mod:`.sessions`).
* JSON or XML (``ArrayOfChatSessionEntity``), errors included, in SuperOffice's error shape or
  ASP.NET's: a missing (or invisible) session is NetServer's ``SoNotFoundException``, a topic
  right the call needs ``SoSecurityException``.
* The calls on one session (:mod:`.calls`, :mod:`.rest`) answer the same way; this class adds
  logins, fixtures and errors to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connexion.security import NO_VALUE
from starlette.requests import Request

from ...auth import Principal, Verifier
from ...collection import Collection
from ...errors import Forbidden, HTTPError, Unauthorized
from ...filtering import Predicate, cacheable, filter_records
from ...fixtures import Fixture
from ..base import mock_schema
from .binding import VALIDATOR_MAP
from .rest import ChatSessionResource
from .sessions import LINK_FIELDS, check_links

__all__ = ["SuperOffice"]

_WIRE = {
    "sessions": ("ChatSessionId", "ChatSessionEntity"),
    "associates": ("AssociateId", "Associate"),
    "persons": ("PersonId", "Person"),
    "contacts": ("ContactId", "Contact"),
    "projects": ("ProjectId", "Project"),
    "sales": ("SaleId", "Sale"),
    "tickets": ("TicketId", "Ticket"),
    "messages": ("ChatMessageId", "ChatMessage"),
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
# Refusals NetServer makes about an entity rather than the request: its exception types.
_ENTITY_ERRORS = {
    "entity_not_found": ("SoNotFoundException", "SuperOffice.Services.Implementation"),
    "no_topic_right": ("SoSecurityException", "SuperOffice.Services.Implementation"),
    "unknown_time_zone": ("SoTimeZoneException", "SuperOffice.CRM.Globalization"),
    # The OData list's options, refused by the archive (mock decision: the vendor does not say).
    "invalid_query": ("ArgumentException", "SuperOffice.CRM.ArchiveLists"),
    "unsupported_query": ("NotSupportedException", "SuperOffice.CRM.ArchiveLists"),
}
_NO_CREDENTIALS = (
    "Authentication failed! Send Authorization: Basic, SOTicket or Bearer, "
    "or the X-XSRF-TOKEN header together with its XSRF-TOKEN cookie"
)
_FAILED = "Authentication failed!"


class SuperOffice(ChatSessionResource):
    name = "superoffice"
    error_media_types = ("application/json", "text/json", "application/xml", "text/xml")
    case_insensitive_paths = True  # ASP.NET routing
    validator_map = VALIDATOR_MAP  # bodies bound as Json.NET binds them, then validated
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

    # -- errors ------------------------------------------------------------------------------

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
        if error.status in aspnet and error.reason not in _ENTITY_ERRORS:
            detail = "; ".join(str(p) for p in error.problems) or error.message
            return {"Message": aspnet[error.status], "MessageDetail": detail}
        kind, source = _ENTITY_ERRORS.get(error.reason) or _ERROR_TYPES.get(
            error.status, ("Exception", "SuperOffice.WebApi")
        )
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
