"""TWIN's broken variants of the mock: the list's count, fields and filters, and the session
calls that answer a change they never make."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tests.contract.mutants import (
    Answer,
    Call,
    Fault,
    Mutant,
    Request,
    generic,
    json_fault,
    without,
)

PREFIX = "/twin/api/v1/sessions"
"""Only requests under this path are broken: the vendor's data, not its login."""

LIST = ("getSessionList",)
"""The list alone: enough for the generic faults and the list's own, and quick to run."""


def _twin_drop_id(data: Any, request: Request) -> None:
    for item in data.get("items", []):
        item.pop("id", None)


def _twin_wrong_count(data: Any, request: Request) -> None:
    if "count" in data:
        data["count"] += 1


def _faking(
    method: str, below: tuple[str, ...], answer: Callable[[Request, Any], Answer]
) -> Callable[[], Fault]:
    """A write to ``/twin/api/v1/sessions/{id}/<below…>`` that is answered, never done
    (``below`` names the path's segments after the id; ``""`` stands for any one).

    The session is read (a GET of its details, with the same credentials) so an unknown one
    still answers the healthy 404; ``answer(request, session)`` is what the broken backend says.
    """

    def matches(parts: list[str]) -> bool:
        rest = parts[6:]
        return len(rest) == len(below) and all(
            b in ("", r) for b, r in zip(below, rest, strict=True)
        )

    async def fault(request: Request, call: Call) -> Answer:
        parts = request.path.split("/")
        if request.method != method or len(parts) < 6 or not matches(parts):
            return await call(request)
        details = await call(
            replace(request, method="GET", path="/".join(parts[:6]), query=[], body=b"")
        )
        if details.status != 200:
            return details
        return answer(request, details.json())

    return lambda: fault


def _json_answer(status: int, data: Any) -> Answer:
    return Answer(status, {"content-type": "application/json"}, json.dumps(data).encode())


def _posted_unsaved(request: Request, session: Any) -> Answer:
    return _json_answer(201, {"id": str(uuid.uuid4()), "createdAt": session["updatedAt"]})


def _assigned_unsaved(request: Request, session: Any) -> Answer:
    operator = int(request.path.rsplit("/", 1)[1])
    if operator not in [o["id"] for o in session["operators"]]:
        entry = {"id": operator, "name": "Nobody", "type": "OPERATOR"}
        session["operators"].append({**entry, "assigned_at": session["startedAt"]})
    if request.method == "PATCH":
        session["operatorId"] = str(operator)
    return _json_answer(200, session)


def _spam_unsaved(request: Request, session: Any) -> Answer:
    session["markedAsSpam"] = request.path.endswith("/spam")
    return _json_answer(200, session)


def _deleted_unsaved(request: Request, session: Any) -> Answer:
    return _json_answer(200, {"id": session["id"], "result": None})


MUTANTS: list[Mutant] = [
    *generic("twin", _twin_drop_id, operations=LIST),
    Mutant("twin", "wrong-count", "twin_count_over_pages", json_fault(_twin_wrong_count), LIST),
    Mutant(
        "twin", "filter-ignored", "twin_filters_honoured",
        without("messengerTypes", "operatorType", "markedAsSpam", "status"), LIST,
    ),
    Mutant("twin", "fields-ignored", "twin_fields_honoured", without("fields"), LIST),
    Mutant(
        "twin", "message-not-stored", "twin_message_listed_and_counted",
        _faking("POST", ("clients", "messages"), _posted_unsaved),
        (*LIST, "createClientChatMessage"),
    ),
    Mutant(
        "twin", "operator-not-assigned", "twin_operator_assigned",
        _faking("PUT", ("operators", ""), _assigned_unsaved), (*LIST, "addSessionOperator"),
    ),
    Mutant(
        "twin", "switch-not-stored", "twin_operator_assigned",
        _faking("PATCH", ("operators", ""), _assigned_unsaved), (*LIST, "switchSessionOperator"),
    ),
    Mutant(
        "twin", "spam-not-stored", "twin_spam_moves_between_filters",
        _faking("PATCH", ("spam",), _spam_unsaved),
        (*LIST, "markSessionSpam", "markSessionNotSpam"),
    ),
    Mutant(
        "twin", "delete-not-done", "twin_deleted_session_gone",
        _faking("DELETE", (), _deleted_unsaved), (*LIST, "deleteSession"),
    ),
]  # fmt: skip
