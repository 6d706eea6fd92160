"""TWIN's promises beyond its schema: counting, projecting and filtering the session list.

``count`` is the number of sessions the filters match before paging, so walking every page must
yield exactly that many; ``fields`` chooses and orders an item's keys; each filter holds for every
session it lets through. A schema accepts an answer that breaks any of these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...contract.checks import answer_of, probe, query_of, vendor_check

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = ["twin_count_over_pages", "twin_fields_honoured", "twin_filters_honoured"]

LIST = "chatSessionsList"
DEFAULT_LIMIT = 10
SWEEP_LIMIT = 1000
MAX_SWEEP_PAGES = 50
# What changes the page, its shape or its form, not which sessions match.
NOT_FILTERS = {
    "limit", "offset", "page", "fields", "sort", "withoutCount", "withoutItems", "format",
    "zip", "filename",
}  # fmt: skip
KEYWORD_FIELDS = ("name", "clientId", "whatsappPhone", "telegramClientId")
MESSAGE_COUNTS = ("clientMessageCount", "operatorMessageCount", "botMessageCount")


def _asked(response: Response) -> dict[str, str]:
    return dict(query_of(str(response.request.url)))


def _is_true(value: str | None) -> bool:
    return value is not None and value.lower() == "true"


@vendor_check("twin")
def twin_count_over_pages(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: ``count`` equals the number of sessions over all pages, and a page holds its share.

    Guards the ``SessionCollection`` promise a client pages by: the page holds ``limit``
    sessions, or what is left of ``count`` after ``offset`` (``(page - 1) * limit``), and
    walking every page with the same filters yields exactly ``count`` distinct sessions.
    """
    body = answer_of(case, response, LIST)
    if body is None or "count" not in body:
        return
    asked, count = _asked(response), body["count"]
    limit = int(asked.get("limit", DEFAULT_LIMIT))
    offset = int(asked.get("offset", (int(asked.get("page", 1)) - 1) * limit))
    if "items" in body:
        expected = max(0, min(limit, count - offset))
        assert len(body["items"]) == expected, (
            f"count={count}, limit={limit}, offset={offset}: the page should hold {expected} "
            f"sessions, it holds {len(body['items'])}"
        )
    filters = {k: v for k, v in asked.items() if k not in NOT_FILTERS}
    seen: list[str] = []
    for page in range(MAX_SWEEP_PAGES):
        query = {**filters, "fields": "id", "withoutCount": "true", "limit": str(SWEEP_LIMIT)}
        walked = probe(case, query={**query, "offset": str(page * SWEEP_LIMIT)})
        assert walked.status_code == 200, (
            f"walking the pages with {query} answered {walked.status_code}"
        )
        items = walked.json()["items"]
        seen += [item["id"] for item in items]
        if len(items) < SWEEP_LIMIT:
            break
    assert len(seen) == len(set(seen)), "walking the pages met some sessions twice"
    assert len(seen) == count, (
        f"count is {count}, but walking every page with the same filters yields {len(seen)}"
    )


@vendor_check("twin")
def twin_fields_honoured(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: with ``fields``, every item holds exactly those keys, in that order, ``id`` first.

    Guards the projection a client relies on to fetch only what it shows: the fields asked for,
    once each, in the order given, ``id`` always included (first when not listed).
    """
    body = answer_of(case, response, LIST)
    fields = _asked(response).get("fields")
    if body is None or fields is None or "items" not in body:
        return
    asked = list(dict.fromkeys(fields.split(",")))
    expected = asked if "id" in asked else ["id", *asked]
    for item in body["items"]:
        assert list(item) == expected, (
            f"fields={fields} asks for {expected}, session {item.get('id')} holds {list(item)}"
        )


@vendor_check("twin")
def twin_filters_honoured(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: every session listed matches every filter given.

    Guards the filters of the list (``sessionId``, ``chatId``, ``operatorType``,
    ``messengerTypes``, ``minMessages``, ``onlyClientMessages``, ``keyword``, ``from``/``to`` on
    ``dateRangeField``, ``companyId``): an ignored filter still answers a valid collection, which
    no schema check can tell apart. Filters on a field that ``fields`` left out are not judged.
    """
    body = answer_of(case, response, LIST)
    if body is None or "items" not in body:
        return
    asked = _asked(response)
    for name, needs, holds in FILTERS:
        if name not in asked:
            continue
        fields = [asked.get("dateRangeField", "createdAt") if f == DATE else f for f in needs]
        for item in body["items"]:
            if all(f in item for f in fields) and not holds(asked, item):
                shown = {f: item[f] for f in fields}
                raise AssertionError(f"{name}={asked[name]} lists session {item['id']}: {shown}")


DATE = "<dateRangeField>"


def _messages(session: dict[str, Any]) -> int:
    return sum(int(session[c]) for c in MESSAGE_COUNTS)


def _only_client(asked: dict[str, str], session: dict[str, Any]) -> bool:
    client, operator, bot = (session[c] for c in MESSAGE_COUNTS)
    return not _is_true(asked["onlyClientMessages"]) or (client > 0 and operator + bot == 0)


def _keyword(asked: dict[str, str], session: dict[str, Any]) -> bool:
    word = asked["keyword"].casefold()
    return any(word in str(session[f]).casefold() for f in KEYWORD_FIELDS if session[f] is not None)


def _when(asked: dict[str, str], session: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(session[asked.get("dateRangeField", "createdAt")])


FILTERS: list[tuple[str, tuple[str, ...], Callable[[dict[str, str], dict[str, Any]], bool]]] = [
    ("sessionId", ("id",), lambda a, s: s["id"] == a["sessionId"]),
    ("chatId", ("chatId",), lambda a, s: s["chatId"] == a["chatId"]),
    ("operatorType", ("operatorType",), lambda a, s: s["operatorType"] == a["operatorType"]),
    (
        "messengerTypes",
        ("messengerType",),
        lambda a, s: s["messengerType"] in a["messengerTypes"].split(","),
    ),
    ("minMessages", MESSAGE_COUNTS, lambda a, s: _messages(s) >= int(a["minMessages"])),
    ("onlyClientMessages", MESSAGE_COUNTS, _only_client),
    ("keyword", KEYWORD_FIELDS, _keyword),
    ("from", (DATE,), lambda a, s: _when(a, s) >= datetime.fromisoformat(a["from"])),
    ("to", (DATE,), lambda a, s: _when(a, s) < datetime.fromisoformat(a["to"])),
    (
        "companyId",
        ("companyId",),
        lambda a, s: (
            _is_true(a.get("allSupervisedCompanies")) or s["companyId"] == int(a["companyId"])
        ),
    ),
]
"""(parameter, the session fields it reads, whether a session listed for it matches)."""
