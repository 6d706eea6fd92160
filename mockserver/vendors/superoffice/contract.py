"""SuperOffice's part in a contract run: its clients' credentials and rules its spec states in
prose (its checks: :mod:`.checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract.auth import CredentialOption, Credentials, basic_authorization, schemes_of
from ...contract.vendors import VendorContract
from . import checks as checks  # its checks register themselves on import

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case, HookContext

__all__ = [
    "ARCHIVE_OPTIONS",
    "CONTRACT",
    "SuperOfficeCredentials",
    "served_archive_options",
    "superoffice_known_properties",
    "superoffice_known_time_zone",
    "superoffice_served_archive_options",
]


class SuperOfficeCredentials(Credentials):
    """One of SuperOffice's ``Authorization`` schemes, as its npm client offers them.

    ``--basic user:pass`` (``authenticateWithPassword``), ``--ticket 7T:…``
    (``authenticateWithTicket``, scheme ``SOTicket``) or ``--bearer 8A:…``
    (``authenticateWithToken``); the default is the mock's demo associate, in Basic.
    """

    options = (
        CredentialOption("basic", "--basic", "USER:PASS", "HTTP Basic credentials."),
        CredentialOption("ticket", "--ticket", "TICKET", "a credentials ticket (7T:…)."),
        CredentialOption("bearer", "--bearer", "TOKEN", "a SuperId token (8A:…)."),
    )

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


SUPEROFFICE_TIME_ZONES = (
    "UTC", "NO", "SE", "DK", "DE", "NL", "GB", "FR", "FI", "PL", "US-NY", "US-CA", "US-HI",
    "CA-QC", "AU-ACT", "BD",
)  # fmt: skip
"""The codes the SuperOffice spec's ``SO-TimeZone`` lists."""


def superoffice_known_time_zone(context: HookContext, case: Case[Any]) -> Case[Any]:
    """SuperOffice's ``SO-TimeZone`` takes its time-zone codes only ("an unknown code is a 400").

    The spec types the header as any string; a request meant to be valid gets one of the codes
    it lists (optionally with ``, includeTZOffset``, as generated) instead of a random string.
    """
    zone = case.headers.get("SO-TimeZone")
    if zone is None or case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    code, _, option = zone.partition(",")
    if code.strip().upper() not in SUPEROFFICE_TIME_ZONES:
        known = SUPEROFFICE_TIME_ZONES[len(zone) % len(SUPEROFFICE_TIME_ZONES)]
        suffix = ", includeTZOffset" if option.strip().lower() == "includetzoffset" else ""
        case.headers["SO-TimeZone"] = known + suffix
    return case


def superoffice_known_properties(context: HookContext, case: Case[Any]) -> Case[Any]:
    """SuperOffice's ``$select`` names properties of the answer's entity ("an unknown name is a
    400"): ChatSessionEntity, or ChatMessage for the message calls.

    The spec types it as any string; a request meant to be valid selects real properties (an
    unknown name is swapped for one of the entity's), which also gives ``$select`` itself, and
    the check of what it nulls, real projections to work on.
    """
    select = case.query.get("$select")
    if (
        not isinstance(select, str)
        or case.meta is None
        or not case.meta.generation.mode.is_positive
    ):
        return case
    document = case.operation.schema.raw_schema
    entity = _selected_entity(document, case.operation.definition.raw)
    known = list(entity["properties"])
    case.query["$select"] = ",".join(
        name if not name.strip() or _is_property(document, entity, name) else known[i % len(known)]
        for i, name in enumerate(select.split(","))
    )
    return case


# What ``$select`` names the properties of, by the schema an operation answers (the list's and
# the one-session answers' entity unless named here).
_SELECTED = {
    "ArrayOfChatMessage": "ChatMessage",
    "ChatMessage": "ChatMessage",
    "Transcript": "ChatMessage",
    "ChatSessionEntityWithLinks": "ChatSessionEntityWithLinks",
}


def _selected_entity(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The schema whose properties ``$select`` names in ``operation``'s answer."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    answered = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    name = _SELECTED.get(answered.rpartition("/")[2], "ChatSessionEntity")
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def _is_property(document: dict[str, Any], schema: dict[str, Any], path: str) -> bool:
    """Whether ``a/b/c`` names a property, matched without regard to case, through carriers."""
    for part in path.split("/"):
        while "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
        names = {name.casefold(): name for name in schema.get("properties", {})}
        found = names.get(part.strip().casefold())
        if found is None:
            return False
        schema = schema["properties"][found]
    return True


# What a request meant to be valid asks the OData list: options of the subset the mock serves,
# each kind of condition and column among them (the spec types every option as any string).
ARCHIVE_OPTIONS: dict[str, tuple[str, ...]] = {
    "$filter": (
        "status eq 'InQueue'",
        "rating ge 3 and topicId ne 2",
        "startswith(customerName, 'a') or customerEmail contains 'no'",
        "(user/fullName eq null or substringof('o', user/fullName)) and chatbotIsActive eq false",
        "whenRequested lt '2025-06-30T13:00' and customerName begins 'k'",
    ),
    "$orderBy": ("whenRequested desc", "topicId,rating desc", "user/fullName", "status asc"),
    "$select": ("chatSessionId,status", "customerName,user/fullName,contact/name", "whenIdle"),
    "$format": ("json", "xml"),
    "$mode": ("Slim",),
    "$output": ("Logical",),
    "$entities": ("chat",),
}
_UNSERVED = ("$options", "$context")


def superoffice_served_archive_options(context: HookContext, case: Case[Any]) -> Case[Any]:
    """SuperOffice's OData list serves a subset of the options the vendor documents and refuses
    the rest with a 400 naming it ("refused rather than ignored").

    The spec lists the vendor's options, typed as any string; a request meant to be valid asks
    only what the mock serves: each option given is replaced by one of :data:`ARCHIVE_OPTIONS`
    (chosen by what was generated, so runs stay reproducible), ``$options`` and ``$context``
    are left out.
    """
    if (
        case.operation.definition.raw.get("operationId") != "restGetAllChatSessions"
        or case.meta is None
        or not case.meta.generation.mode.is_positive
        or case.query is None
    ):
        return case
    served_archive_options(case.query)
    return case


def served_archive_options(query: dict[str, Any]) -> None:
    """``query``'s OData options replaced, in place, by served ones (see the hook above)."""
    for name, choices in ARCHIVE_OPTIONS.items():
        if name in query:
            query[name] = choices[len(str(query[name])) % len(choices)]
    for name in _UNSERVED:
        query.pop(name, None)


CONTRACT = VendorContract(
    "superoffice",
    SuperOfficeCredentials,
    hooks=(
        ("map_case", superoffice_known_time_zone),
        ("map_case", superoffice_known_properties),
        ("map_case", superoffice_served_archive_options),
    ),
)
