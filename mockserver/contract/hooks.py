"""What a vendor's spec states in prose and OpenAPI 3.0 cannot express, as Schemathesis hooks.

Schemathesis generates requests from the schema alone. Where a spec documents a rule in words
(two parameters that exclude each other; a value that must be one of the API's own: a time-zone
code, a property name, an existing account), its generator makes "valid" requests the API rightly
refuses, and ``positive_data_acceptance`` would blame the API. A hook keeps requests meant to be
valid within the rule, for the operation concerned; requests meant to be invalid are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemathesis import Case, HookContext

from ..feathers import OPERATORS as FEATHERS_OPERATORS

__all__ = ["VENDOR_HOOKS"]


def twin_page_or_offset(context: HookContext, case: Case[Any]) -> bool:
    """TWIN's list takes ``page`` or ``offset``, not both (its spec: "giving both … is a 400")."""
    if case.operation.label != "GET /api/v1/chat-sessions":
        return True
    return not ("page" in case.query and "offset" in case.query)


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
    """SuperOffice's ``$select`` names properties of the entity ("an unknown name is a 400").

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
    entity = document["components"]["schemas"]["ChatSessionEntity"]
    known = list(entity["properties"])
    case.query["$select"] = ",".join(
        name if not name.strip() or _is_property(document, entity, name) else known[i % len(known)]
        for i, name in enumerate(select.split(","))
    )
    return case


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


def hapihub_known_participants(context: HookContext, case: Case[Any]) -> Case[Any]:
    """HAPI Hub's ``participants`` are uids of existing accounts ("each the uid of an existing
    account", or a 400).

    The spec types them as any strings; in a request meant to be valid they become the accounts
    of the spec's ``demo`` example (the demo patient and doctor), so that sessions actually get
    created and patched and the lifecycle checks have something to judge.
    """
    body = case.body
    given = body.get("participants") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not isinstance(given, list)
        or case.meta is None
        or not case.meta.generation.mode.is_positive
    ):
        return case
    operation = case.operation.schema.find_operation_by_id("createChatSession")
    examples = operation.definition.raw["requestBody"]["content"]["application/json"]["examples"]
    accounts = examples["demo"]["value"]["participants"]
    body["participants"] = accounts[: max(1, min(len(given), len(accounts)))]
    return case


def hapihub_known_operators(context: HookContext, case: Case[Any]) -> Case[Any]:
    """HAPI Hub's field filters take Feathers' operators only ("unknown `$` operators … are a
    400").

    The operator objects must stay open in the spec (``$in``/``$nin`` carry lists a deepObject
    cannot describe), so the generator invents keys; in a request meant to be valid only the
    operators Feathers knows are kept.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive or not case.query:
        return case
    for key in list(case.query):
        # Schemathesis sends a deepObject as flat ``field[operator]`` keys.
        field, bracket, rest = key.partition("[")
        operator = rest.partition("]")[0]
        if bracket and not field.startswith("$") and operator not in FEATHERS_OPERATORS:
            del case.query[key]
    return case


VENDOR_HOOKS: dict[str, list[tuple[str, Callable[..., Any]]]] = {
    "twin": [("filter_case", twin_page_or_offset)],
    "hapihub": [
        ("map_case", hapihub_known_participants),
        ("map_case", hapihub_known_operators),
    ],
    "superoffice": [
        ("map_case", superoffice_known_time_zone),
        ("map_case", superoffice_known_properties),
    ],
}
"""Vendor name -> (Schemathesis hook name, hook) pairs registered on its schema."""
