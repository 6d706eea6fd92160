"""TWIN's promises beyond its schema: the session list, and the calls that change sessions.

``count`` is the number of sessions the filters match before paging, so walking every page must
yield exactly that many; ``fields`` chooses and orders an item's keys; each filter holds for every
session it lets through. A change is seen by every later read: a posted message is listed and
counted, an assigned operator is the session's and found by the ``operatorId`` filter, a spam
mark moves the session between the ``markedAsSpam`` filters, a deleted session is gone. A schema
accepts an answer that breaks any of these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...contract.checks import answer_of, follow, probe, query_of, vendor_check

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = [
    "twin_count_over_pages",
    "twin_deleted_session_gone",
    "twin_fields_honoured",
    "twin_filters_honoured",
    "twin_message_listed_and_counted",
    "twin_operator_assigned",
    "twin_spam_moves_between_filters",
]

LIST = "getSessionList"
DEFAULT_LIMIT = 10
SWEEP_LIMIT = 1000
MAX_SWEEP_PAGES = 50
# What changes the page, its shape or its form, not which sessions match.
NOT_FILTERS = {
    "limit", "offset", "page", "fields", "sort", "withoutCount", "withoutItems", "format",
    "zip", "filename", "timezone", "language", "offsetField", "offsetValue",
}  # fmt: skip
KEYWORD_FIELDS = ("name", "clientId", "whatsappPhone", "telegramClientId")
MESSAGE_COUNTS = ("clientMessageCount", "operatorMessageCount", "botMessageCount")


def _asked(response: Response) -> dict[str, str]:
    return dict(query_of(str(response.request.url)))


def _is_true(value: str | None) -> bool:
    """A query boolean as TWIN's spec takes it: ``1``/``true`` (PHP's SDK sends ``1``/``0``)."""
    return value is not None and value.lower() in ("1", "true")


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
    if "items" in body and "offsetField" not in asked:  # a cursor starts the page elsewhere
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
    ``dateRangeField``, ``companyId``, ``status``, ``botStatus``, ``markedAsSpam``,
    ``clientBanned``, ``name``, ``operatorId``, ``tags``): an ignored filter still answers a
    valid collection, which no schema check can tell apart. Filters on a field that ``fields``
    left out are not judged.
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
    ("status", ("status",), lambda a, s: s["status"] == a["status"]),
    ("botStatus", ("botStatus",), lambda a, s: s["botStatus"] == a["botStatus"]),
    (
        "markedAsSpam",
        ("markedAsSpam",),
        lambda a, s: s["markedAsSpam"] is _is_true(a["markedAsSpam"]),
    ),
    (
        "clientBanned",
        ("clientBanned",),
        lambda a, s: s["clientBanned"] is _is_true(a["clientBanned"]),
    ),
    ("name", ("name",), lambda a, s: a["name"].casefold() in s["name"].casefold()),
    (
        "operatorId",
        ("operatorId", "operators"),
        lambda a, s: (
            s["operatorId"] == a["operatorId"]
            or any(str(o["id"]) == a["operatorId"] for o in s["operators"])
        ),
    ),
    (
        "tags",
        ("tags",),
        lambda a, s: bool(
            set(a["tags"].split(",")) & {t.strip() for t in (s["tags"] or "").split(",")}
        ),
    ),
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


# -- changes seen by later reads -----------------------------------------------------------------


def _listed(case: Case[Any], session_id: str, **filters: str) -> int:
    """How many sessions the list answers for ``session_id`` with ``filters``, in every company
    of the run's user (0 or 1)."""
    query = {"sessionId": session_id, "allSupervisedCompanies": "1", "fields": "id", **filters}
    listed = follow(case, LIST, query=query)
    assert listed.status_code == 200, f"the list with {query} answered {listed.status_code}"
    return int(listed.json()["count"])


@vendor_check("twin")
def twin_message_listed_and_counted(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: a posted message is among the session's newest listed messages, its
    ``lastMessage`` is that new, and the session's counters count it.

    Guards what a chat UI shows right after sending: the message list holds it, the session's
    ``lastMessage`` was written when it was (dates have seconds only, so another message of the
    same second may stand there), and the session's three counters add up to the number of
    messages the list counts.
    """
    posted = answer_of(case, response, "createClientChatMessage", status=201)
    if posted is None:
        return
    session_id = case.path_parameters["sessionId"]
    listed = follow(
        case, "getSessionMessageList", query={"sort": "-created_at", "limit": "100"},
        sessionId=session_id,
    )  # fmt: skip
    assert listed.status_code == 200, f"the session's messages answered {listed.status_code}"
    messages = listed.json()
    newest = {m["id"] for m in messages["items"] if m["createdAt"] == posted["createdAt"]}
    assert posted["id"] in newest, (
        f"message {posted['id']} was posted at {posted['createdAt']}, the session's messages "
        f"of that time are {sorted(newest)}"
    )
    session = follow(case, "getSessionDetails", sessionId=session_id).json()
    last = session["lastMessage"] or {}
    assert _instant(last.get("createdAt")) == _instant(posted["createdAt"]), (
        f"message {posted['id']} was posted, the session's lastMessage is {last}"
    )
    counted = sum(int(session[c]) for c in MESSAGE_COUNTS)
    assert counted == messages["count"], (
        f"the session's counters add up to {counted}, its message list counts {messages['count']}"
    )


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@vendor_check("twin")
def twin_operator_assigned(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: an operator added or switched to is among the session's ``operators`` (the current
    one after a switch), and the list's ``operatorId`` filter finds the session by them.

    Guards an assignment that an answer confirms but the data does not keep.
    """
    operation = case.operation.definition.raw.get("operationId")
    if operation not in ("addSessionOperator", "switchSessionOperator"):
        return
    session = answer_of(case, response, operation)
    if session is None:
        return
    operator = str(case.path_parameters["operatorId"])
    assert operator in [str(o["id"]) for o in session["operators"]], (
        f"operator {operator} was assigned, the session's operators are {session['operators']}"
    )
    if operation == "switchSessionOperator":
        assert session["operatorId"] == operator, (
            f"the session was switched to operator {operator}, its operatorId is "
            f"{session['operatorId']}"
        )
    found = _listed(case, session["id"], operatorId=operator)
    assert found == 1, (
        f"operator {operator} was assigned to session {session['id']}, the list with "
        f"operatorId={operator} does not find it"
    )


@vendor_check("twin")
def twin_spam_moves_between_filters(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: a session marked as spam (or not) is listed under that ``markedAsSpam`` value and
    no longer under the other.

    Guards a spam folder a client builds from the filter.
    """
    operation = case.operation.definition.raw.get("operationId")
    if operation not in ("markSessionSpam", "markSessionNotSpam"):
        return
    session = answer_of(case, response, operation)
    if session is None:
        return
    spam = operation == "markSessionSpam"
    assert session["markedAsSpam"] is spam, (
        f"{operation} answered markedAsSpam={session['markedAsSpam']}"
    )
    for sent, expected in (("1", int(spam)), ("0", int(not spam))):
        found = _listed(case, session["id"], markedAsSpam=sent)
        assert found == expected, (
            f"after {operation}, the list with markedAsSpam={sent} finds session "
            f"{session['id']} {found} time(s), expected {expected}"
        )


@vendor_check("twin")
def twin_deleted_session_gone(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """TWIN: a deleted session's details answer 404 and the list no longer holds it.

    Guards a deletion that is answered but not done.
    """
    if answer_of(case, response, "deleteSession") is None:
        return
    session_id = case.path_parameters["sessionId"]
    details = follow(case, "getSessionDetails", sessionId=session_id)
    assert details.status_code == 404, (
        f"session {session_id} was deleted, its details answer {details.status_code}"
    )
    assert _listed(case, session_id) == 0, (
        f"session {session_id} was deleted, the list still holds it"
    )
