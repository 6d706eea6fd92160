"""HAPI Hub's promises beyond its schema: the lifecycle of a telemedicine session, and writes
that stick.

A session is started, then accepted or rejected, then finished, each step stamped ``<x>At`` (the
server's clock) and ``<x>By``; the stamps never run backwards. What POST and PATCH answer is what
a later GET reads. A schema can say which fields exist, not how they relate or that they persist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract.checks import follow, vendor_check

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = ["hapihub_create_then_read", "hapihub_directive_visible", "hapihub_lifecycle_order"]

STEPS = ("started", "accepted", "rejected", "finished")
ORDER = (
    ("started", "accepted"),
    ("accepted", "finished"),
    ("started", "finished"),
    ("started", "rejected"),
)
SESSION_OPERATIONS = {"findChatSessions", "getChatSession", "createChatSession", "patchChatSession"}


def _sessions(case: Case[Any], response: Response) -> list[dict[str, Any]]:
    """The sessions a 2xx answer of a chat-session operation holds (none for anything else)."""
    if _operation(case) not in SESSION_OPERATIONS:
        return []
    if not 200 <= response.status_code < 300:
        return []
    body = response.json()
    return body if isinstance(body, list) else [body]


def _operation(case: Case[Any]) -> Any:
    return case.operation.definition.raw.get("operationId")


@vendor_check("hapihub")
def hapihub_lifecycle_order(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """HAPI Hub: a session's lifecycle stamps are consistent and never run backwards.

    Guards what a consultation is: each ``<step>At`` comes with its ``<step>By``; accepted,
    rejected and finished sessions were started; a session is not both accepted and rejected;
    and ``startedAt ≤ acceptedAt ≤ finishedAt``, ``startedAt ≤ rejectedAt`` (epoch ms). Under
    ``$select`` only the order of the stamps kept is judged.
    """
    # ``$select`` may keep one stamp of a pair, or a later step without the earlier one: only the
    # order of the stamps it kept can be judged.
    whole = "$select" not in str(response.request.url).replace("%24", "$")
    for session in _sessions(case, response):
        sid = session.get("id")
        at: dict[str, Any] = {step: session.get(f"{step}At") for step in STEPS}
        for step in STEPS if whole else ():
            assert (at[step] is None) == (session.get(f"{step}By") is None), (
                f"session {sid} has only one of {step}At and {step}By"
            )
        went_on = [step for step in STEPS[1:] if at[step] is not None]
        assert not whole or at["started"] is not None or not went_on, (
            f"session {sid} was {', '.join(went_on)} but never started"
        )
        assert at["accepted"] is None or at["rejected"] is None, (
            f"session {sid} is both accepted and rejected"
        )
        for earlier, later in ORDER:
            if at[earlier] is not None and at[later] is not None:
                assert at[earlier] <= at[later], (
                    f"session {sid}: {earlier}At {at[earlier]} is after {later}At {at[later]}"
                )


@vendor_check("hapihub")
def hapihub_directive_visible(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """HAPI Hub: a PATCH answered 200 is what a GET of the session then reads.

    Guards that a directive (``start``, ``accept``, ``reject``, ``finish``) or a field change the
    API confirmed was stored: the session read back equals the PATCH answer.
    """
    if _operation(case) != "patchChatSession" or response.status_code != 200:
        return
    patched = response.json()
    read = follow(case, "getChatSession", id=patched["id"])
    assert read.status_code == 200, (
        f"PATCH answered 200 for session {patched['id']}, GET answers {read.status_code}"
    )
    assert read.json() == patched, (
        f"GET of session {patched['id']} reads {read.json()}, the PATCH answered {patched}"
    )


@vendor_check("hapihub")
def hapihub_create_then_read(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """HAPI Hub: a session POST created is what a GET of its ``id`` then reads.

    Guards create-then-read consistency a client relies on right after creating a session: it
    exists, under the ``id`` answered, with every field the POST answered.
    """
    if _operation(case) != "createChatSession" or response.status_code != 200:
        return
    created = response.json()
    read = follow(case, "getChatSession", id=created["id"])
    assert read.status_code == 200, (
        f"POST created session {created['id']}, GET answers {read.status_code}"
    )
    assert read.json() == created, (
        f"GET of session {created['id']} reads {read.json()}, the POST answered {created}"
    )
