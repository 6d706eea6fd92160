"""SuperOffice's promises beyond its schema: ``$select``, the XML form of an answer, the OData
list's window, and that a chat session's changes are kept.

``$select`` keeps every property and nulls exactly those not selected, and refuses a name the
entity does not have; the XML answer carries the same values as the JSON one; the OData list's
``$skip``/``$top`` cut the very rows the list has without them; a pick-up, a transfer and a
deletion are what the next reads see. Each is judged by asking a second question
(without ``$select``, with a wrong name, in XML, the list or the session after the change) and
comparing, since none can be told from one answer alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from ...contract.checks import answer_of, follow, probe, query_of, vendor_check
from ...xml import representable

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = [
    "superoffice_archive_window",
    "superoffice_deleted_gone",
    "superoffice_pick_up_listed",
    "superoffice_select_nulls",
    "superoffice_transfer_shown",
    "superoffice_unknown_select_refused",
    "superoffice_xml_equals_json",
]

LIST = "chatSessionsForUser"
ARCHIVE = "restGetAllChatSessions"
GET = "getChatSessionEntity"
PICK_UPS = (
    "pickUpChatSession", "pickUpFirstChatSession", "restPickUpChatSession",
    "restPickUpFirstChatSession",
)  # fmt: skip
TRANSFERS = ("transferChatSession", "restTransferChatSession")
DELETES = ("deleteChatSessionEntity", "restDeleteChatSessionEntity")
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
UNKNOWN_PROPERTY = "NoSuchProperty"
_ENCODED = re.compile(r"_x([0-9A-Fa-f]{4})_")

Path = tuple[str, ...]


@vendor_check("superoffice")
def superoffice_select_nulls(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: ``$select`` nulls exactly the properties that were not selected.

    Guards the vendor's projection: every property stays in the answer; a selected one (names
    matched without regard to case, ``/`` reaching into a carrier) keeps its value, a carrier on
    the way to a selected property keeps only that, and everything else is ``null``. Judged
    against the same request without ``$select``.
    """
    body = answer_of(case, response, LIST)
    select = dict(query_of(str(response.request.url))).get("$select", "")
    paths = [tuple(p.strip().casefold() for p in name.split("/")) for name in select.split(",")]
    paths = [path for path in paths if all(path)]
    if body is None or not paths:
        return
    full = probe(case, query={k: v for k, v in case.query.items() if k != "$select"})
    if full.status_code != 200:
        return
    everything = full.json()
    assert len(body) == len(everything), (
        f"$select={select} answers {len(body)} sessions, without it {len(everything)}"
    )
    for selected, entity in zip(body, everything, strict=True):
        expected = _nulled(entity, set(paths), ())
        wrong = sorted(_differences(selected, expected, ""))
        assert not wrong, f"$select={select}: wrong in session {entity.get('ChatSessionId')}: " + (
            "; ".join(wrong)
        )


@vendor_check("superoffice")
def superoffice_unknown_select_refused(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> None:
    """SuperOffice: a ``$select`` that names a property the entity lacks is a 400, not an answer.

    Guards the vendor's "an unknown name is a 400 naming it": a typo must not come back as a
    page of nulls. The spec types ``$select`` as any string, so Schemathesis cannot generate
    such a request as invalid; the check asks the same request with one unknown name added.
    """
    select = case.query.get("$select")
    if answer_of(case, response, LIST) is None or not isinstance(select, str) or not select:
        return
    wrong = f"{select},{UNKNOWN_PROPERTY}"
    refused = probe(case, query={**case.query, "$select": wrong})
    assert refused.status_code == 400, (
        f"$select={wrong} answered {refused.status_code}; an unknown property is a 400"
    )


@vendor_check("superoffice")
def superoffice_xml_equals_json(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: the XML answer (``Accept: application/xml``) holds what the JSON one holds.

    Guards the vendor's two serialisations of one result: the same sessions in the same order
    with the same values, ``xsi:nil`` where JSON has ``null``. Judged by asking the same request
    again for XML.
    """
    body = answer_of(case, response, LIST)
    if body is None:
        return
    xml = probe(case, headers={"Accept": "application/xml"})
    if xml.status_code != 200:
        return
    try:
        document = ElementTree.fromstring(xml.content)
    except ElementTree.ParseError as exc:
        raise AssertionError(f"the XML answer is not well-formed XML: {exc}") from None
    wrong = _xml_differences(document, body, "")
    assert not wrong, "XML and JSON answers differ: " + "; ".join(wrong[:5])


@vendor_check("superoffice")
def superoffice_archive_window(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: the OData list's ``$skip``/``$top`` window holds the rows the same list has
    at those places without them, and ``odata.nextLink`` is given exactly when rows remain.

    Guards the vendor's paging ("number of rows from database to skip", "number of rows to
    return"): a skip ignored, a page cut short or a last page that points on would each let a
    client miss or repeat rows. Judged against the same request without either.
    """
    body = answer_of(case, response, ARCHIVE)
    window = {k: v for k, v in (case.query or {}).items() if k in ("$skip", "$top")}
    if body is None or not window:
        return
    full = probe(case, query={k: v for k, v in case.query.items() if k not in window})
    if full.status_code != 200:
        return
    rows = full.json()["value"]
    skip = int(window.get("$skip", 0))
    end = skip + int(window.get("$top", len(rows)))
    assert body["value"] == rows[skip:end], (
        f"{window} answers rows {[r.get('PrimaryKey') for r in body['value']]}, "
        f"the list without it has {[r.get('PrimaryKey') for r in rows[skip:end]]} there"
    )
    more = end < len(rows)
    assert (body["odata.nextLink"] is not None) == more, (
        f"{window} of {len(rows)} rows: odata.nextLink is {body['odata.nextLink']!r}"
    )


@vendor_check("superoffice")
def superoffice_pick_up_listed(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: a session a pick-up answers is the caller's, and ChatSessionsForUser says so.

    Guards "'answer' the session: assign the session to the user": the answer names a `User`,
    and the list right after shows the session with that `User` and the answer's `Status`, so
    an agent desk that picks up a chat and refreshes sees it as theirs. A `null` answer (the
    session was not in the queue) promises nothing.
    """
    picked = _answer_of_any(case, response, PICK_UPS)
    if not isinstance(picked, dict) or picked.get("ChatSessionId") is None:
        return
    assert picked["User"] is not None, f"session {picked['ChatSessionId']} was picked up by nobody"
    listed = _listed(case, picked["ChatSessionId"])
    assert listed is not None, f"session {picked['ChatSessionId']} was picked up, the list lacks it"
    for name, value in (("Status", picked["Status"]), ("User", picked["User"]["AssociateId"])):
        shown = listed[name]["AssociateId"] if name == "User" and listed[name] else listed[name]
        assert shown == value, (
            f"session {picked['ChatSessionId']} was picked up with {name} {value!r}, "
            f"the list shows {shown!r}"
        )


@vendor_check("superoffice")
def superoffice_transfer_shown(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: the `TransferTo` a transfer answers is the one the list shows afterwards.

    Guards the pending transfer: until the receiver accepts or rejects it, everyone reading the
    session sees who it is offered to (and a transfer that did nothing shows none).
    """
    answer = _answer_of_any(case, response, TRANSFERS)
    if not isinstance(answer, dict) or answer.get("ChatSessionId") is None:
        return
    listed = _listed(case, answer["ChatSessionId"])
    if listed is None:
        return
    offered = (answer["TransferTo"] or {}).get("AssociateId")
    shown = (listed["TransferTo"] or {}).get("AssociateId")
    assert shown == offered, (
        f"session {answer['ChatSessionId']} was answered with TransferTo {offered}, "
        f"the list shows {shown}"
    )


@vendor_check("superoffice")
def superoffice_deleted_gone(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """SuperOffice: a deleted chat session is gone: a 404 to read, absent from the list.

    Guards "Deletes the ChatSessionEntity": a 204 that left the session behind would let a
    client think a conversation was removed while every agent still sees it.
    """
    deleted = case.operation.definition.raw.get("operationId") in DELETES
    if not deleted or response.status_code != 204:
        return
    ident = int((case.query or {}).get("chatSessionEntityId") or case.path_parameters["id"])
    read = follow(case, GET, query={"chatSessionEntityId": ident})
    assert read.status_code == 404, (
        f"session {ident} was deleted, reading it answers {read.status_code}"
    )
    assert _listed(case, ident) is None, f"session {ident} was deleted, the list still holds it"


def _answer_of_any(case: Case[Any], response: Response, operations: tuple[str, ...]) -> Any:
    """The 200 JSON answer when ``case`` is one of ``operations`` and asked no ``$select``."""
    if (case.query or {}).get("$select"):
        return None
    for operation in operations:
        answer = answer_of(case, response, operation)
        if answer is not None:
            return answer
    return None


def _listed(case: Case[Any], ident: int) -> dict[str, Any] | None:
    """Session ``ident`` as ChatSessionsForUser answers it to the run's user right now."""
    answer = follow(case, LIST)
    assert answer.status_code == 200, f"ChatSessionsForUser answered {answer.status_code}"
    return next((s for s in answer.json() if s["ChatSessionId"] == ident), None)


def _nulled(record: dict[str, Any], paths: set[Path], prefix: Path) -> dict[str, Any]:
    """``record`` as ``$select`` of ``paths`` should show it."""
    result: dict[str, Any] = {}
    for name, value in record.items():
        path = (*prefix, name.casefold())
        if path in paths:
            result[name] = value
        elif any(p[: len(path)] == path for p in paths) and isinstance(value, dict):
            result[name] = _nulled(value, paths, path)
        else:
            result[name] = None
    return result


def _differences(actual: Any, expected: Any, where: str) -> list[str]:
    """Where two JSON values differ, as ``path: actual != expected`` lines."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return [
            line
            for key in sorted(actual.keys() | expected.keys())
            for line in _differences(
                actual.get(key, "<absent>"), expected.get(key, "<absent>"), f"{where}/{key}"
            )
        ]
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [
            line
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for line in _differences(a, e, f"{where}/{i}")
        ]
    return [] if actual == expected else [f"{where or '/'}: {actual!r} != {expected!r}"]


def _xml_differences(element: ElementTree.Element, value: Any, where: str) -> list[str]:
    """Where an XML element and the JSON value it should carry differ.

    The JSON value says what to expect: an object's properties are child elements by name, an
    array's items are the children in order, ``null`` is ``xsi:nil``, a scalar is the text.
    """
    nil = element.get(XSI_NIL) == "true"
    if value is None or nil:
        return [] if value is None and nil else [f"{where}: XML {'nil' if nil else 'a value'}"]
    children = list(element)
    if isinstance(value, dict):
        named = {_name(child.tag): child for child in children}
        if named.keys() != value.keys():
            return [f"{where}: XML has {sorted(named)}, JSON {sorted(value)}"]
        return [
            line
            for key in value
            for line in _xml_differences(named[key], value[key], f"{where}/{key}")
        ]
    if isinstance(value, list):
        if len(children) != len(value):
            return [f"{where}: XML has {len(children)} items, JSON {len(value)}"]
        return [
            line
            for i, (child, item) in enumerate(zip(children, value, strict=True))
            for line in _xml_differences(child, item, f"{where}/{i}")
        ]
    text = element.text or ""
    return [] if text == _as_text(value) else [f"{where}: XML {text!r}, JSON {value!r}"]


def _as_text(value: Any) -> str:
    """A JSON scalar as .NET's XML serialiser writes it; characters XML 1.0 cannot hold at all
    (control characters) are U+FFFD in any XML answer, so they are not a difference."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return representable(str(value))


def _name(tag: str) -> str:
    """An element's local name, ``_xHHHH_`` escapes decoded (``XmlConvert.DecodeName``)."""
    local = tag.rpartition("}")[2]
    return _ENCODED.sub(lambda m: chr(int(m.group(1), 16)), local)
