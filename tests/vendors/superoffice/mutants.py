"""SuperOffice's broken variants of the mock: $select and XML, the OData list's paging, and the
chat-session calls that answer a change they never make."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tests.contract.mutants import Answer, Call, Fault, Mutant, Request, generic, without

PREFIX = "/superoffice/api/v1/"
"""Only requests under this path are broken: the vendor's data, not its login."""

AGENT = "/superoffice/api/v1/Agents/Chat/"
LIST = ("chatSessionsForUser",)
"""The list alone: enough for the generic faults and the list's own, and quick to run."""


def _superoffice_drop_status(data: Any, request: Request) -> None:
    for entity in data if isinstance(data, list) else [data]:
        entity.pop("Status", None)


async def _xml_differs(request: Request, call: Call) -> Answer:
    answer = await call(request)
    if "xml" in answer.headers.get("content-type", "") and answer.status == 200:
        return replace(answer, body=answer.body.replace(b"<Status>", b"<Status>X", 1))
    return answer


def _faking(call_name: str, answer: Callable[[Request, Any], Answer]) -> Callable[[], Fault]:
    """The agent call ``call_name`` answered, never made.

    The session is read first (GetChatSessionEntity, same credentials) so a missing one still
    answers the healthy 404; ``answer(request, session)`` is what the broken backend says.
    """

    async def fault(request: Request, call: Call) -> Answer:
        if request.path.casefold() != (AGENT + call_name).casefold():
            return await call(request)
        query = dict(request.query)
        ident = query.get("chatSessionEntityId") or _body(request).get("ChatSessionId")
        read = await call(
            replace(
                request,
                path=AGENT + "GetChatSessionEntity",
                query=[("chatSessionEntityId", str(ident))],
                body=b"",
            )
        )
        if read.status != 200:
            return read
        return answer(request, read.json())

    return lambda: fault


def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _json(data: Any) -> Answer:
    return Answer(200, {"content-type": "application/json"}, json.dumps(data).encode())


def _picked_unsaved(request: Request, session: Any) -> Answer:
    if session["Status"] != "InQueue":
        return _json(None)
    me = {"AssociateId": 2, "Name": "DEMO", "FullName": "Dina Demo"}
    return _json({**session, "Status": "UserLast", "User": {**(session["User"] or {}), **me}})


def _transferred_unsaved(request: Request, session: Any) -> Answer:
    to = {"AssociateId": 8, "Name": "HJOHANSEN8", "FullName": "?"}
    return _json({**session, "TransferTo": to})


def _deleted_undone(request: Request, session: Any) -> Answer:
    return Answer(204, {}, b"")


MUTANTS: list[Mutant] = [
    # Every SuperOffice input is a free string: the invalid ones (an unknown $select name, an
    # unknown time zone) are invalid by the vendor's word, which only its own check knows.
    *generic("superoffice", _superoffice_drop_status, "superoffice_unknown_select_refused", LIST),
    Mutant("superoffice", "select-ignored", "superoffice_select_nulls", without("$select"), LIST),
    Mutant("superoffice", "xml-differs", "superoffice_xml_equals_json", lambda: _xml_differs, LIST),
    Mutant("superoffice", "pick-up-unsaved", "superoffice_pick_up_listed",
           _faking("PickUpChatSession", _picked_unsaved), ("pickUpChatSession",)),
    Mutant("superoffice", "transfer-unsaved", "superoffice_transfer_shown",
           _faking("TransferChatSession", _transferred_unsaved), ("transferChatSession",)),
    Mutant("superoffice", "delete-undone", "superoffice_deleted_gone",
           _faking("DeleteChatSessionEntity", _deleted_undone), ("deleteChatSessionEntity",)),
    Mutant("superoffice", "archive-skip-ignored", "superoffice_archive_window", without("$skip"),
           ("restGetAllChatSessions",)),
]  # fmt: skip
