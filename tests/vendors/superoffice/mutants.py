"""SuperOffice's broken variants of the mock: $select and XML."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.contract.mutants import Answer, Call, Mutant, Request, generic, without

PREFIX = "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser"
"""Only requests under this path are broken: the vendor's data, not its login."""


def _superoffice_drop_status(data: Any, request: Request) -> None:
    for entity in data:
        entity.pop("Status", None)


async def _xml_differs(request: Request, call: Call) -> Answer:
    answer = await call(request)
    if "xml" in answer.headers.get("content-type", "") and answer.status == 200:
        return replace(answer, body=answer.body.replace(b"<Status>", b"<Status>X", 1))
    return answer


MUTANTS: list[Mutant] = [
    # Every SuperOffice input is a free string: the invalid ones (an unknown $select name, an
    # unknown time zone) are invalid by the vendor's word, which only its own check knows.
    *generic("superoffice", _superoffice_drop_status, "superoffice_unknown_select_refused"),
    Mutant("superoffice", "select-ignored", "superoffice_select_nulls", without("$select")),
    Mutant("superoffice", "xml-differs", "superoffice_xml_equals_json", lambda: _xml_differs),
]  # fmt: skip
