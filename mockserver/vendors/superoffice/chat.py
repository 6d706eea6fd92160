"""A SuperOffice chat session's life: who may do what to it, and what each call changes.

Rights are the topic rights ``chat_topic_agents`` holds per associate, as ChatSessionsForUser
already reads them: any of Can Respond, Notifications, Listen or Manager makes an associate a
member who may read the topic's sessions; changing one (picking it up, transferring it, writing
to it, saving it) takes Can Respond or Manager; deleting one takes Manager. The vendor documents
the four rights and the membership rule, not which call needs which: the rest is the mock's
decision, written in the spec's descriptions.

Each transition is a function from the stored session to the new one, run inside
``Collection.update`` so that the check and the write are one step against concurrent calls.
Stored sessions name their associates by id (``user_id``, ``transfer_to_id``: see
:mod:`.sessions`), and times are stored in UTC without offset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from ...collection import Collection
from ...errors import BadRequest, Forbidden, NotFound
from ...filtering import equals, filter_records

__all__ = [
    "ACTIVE",
    "MANAGE",
    "MEMBER",
    "RESPOND",
    "WELCOME",
    "accepted",
    "allowed_topics",
    "insert_next",
    "message_posted",
    "not_found",
    "picked_up",
    "rejected",
    "require",
    "reset",
    "stamp",
    "transferred",
]

MEMBER: Final = ("CanRespond", "CanNotify", "CanListen", "CanManage")
RESPOND: Final = ("CanRespond", "CanManage")
MANAGE: Final = ("CanManage",)
_WORDS: Final = {MEMBER: "a topic right", RESPOND: "Can Respond or Manager", MANAGE: "Manager"}
ACTIVE: Final = frozenset({"CustomerLast", "UserLast"})
OPEN: Final = frozenset({"InQueue", *ACTIVE})
WELCOME: Final = "[SR_CHAT_WELCOME_MESSAGE]"
"""The welcome text a pick-up sends, a resource string translated like any other."""

Record = dict[str, Any]


def stamp(now: float) -> str:
    """A stored time: UTC, no offset, no fraction."""
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def allowed_topics(agents: Collection, associate: int, needed: Sequence[str] = MEMBER) -> set[int]:
    """The topics on which ``associate`` holds one of the ``needed`` rights."""
    rows = filter_records(agents, [equals(("AssociateId",), associate)])
    return {r["TopicId"] for r in rows if any(r[right] for right in needed)}


def not_found(what: str, ident: Any) -> NotFound:
    """SuperOffice's 404 for an entity that is not there (or not the caller's to see)."""
    return NotFound(f"{what} with id {ident} not found", reason="entity_not_found")


def require(
    agents: Collection,
    associate: Mapping[str, Any],
    session: Mapping[str, Any],
    needed: Sequence[str],
) -> None:
    """Refuse unless ``associate`` may do what takes ``needed`` to ``session``.

    No right at all on its topic: the session is not theirs to see, a 404 like a missing one.
    Some right but not a needed one: a 403 naming what is missing.
    """
    ident, topic = associate["AssociateId"], session["TopicId"]
    if topic not in allowed_topics(agents, ident):
        raise not_found("ChatSessionEntity", session["ChatSessionId"])
    if topic not in allowed_topics(agents, ident, needed):
        raise Forbidden(
            f"Associate '{associate['Name']}' needs {_WORDS[tuple(needed)]} on chat topic {topic}",
            reason="no_topic_right",
        )


def picked_up(session: Record, me: int, rank: int, now: str) -> Record:
    """Answered by ``me``: theirs, started, the welcome message the last one."""
    return {
        **session,
        "user_id": me,
        "Status": "UserLast",
        "WhenStarted": now,
        "WhenIdle": now,
        "Rank": rank,
        "LastMessage": WELCOME,
    }


def transferred(session: Record, me: int, to: int) -> Record:
    """Offered to ``to`` when it is ``me``'s; unchanged otherwise ("nothing happens")."""
    if session.get("user_id") != me:
        return session
    return {**session, "transfer_to_id": to}


def accepted(session: Record, me: int) -> Record:
    """``me``'s when it was being transferred to ``me``; unchanged otherwise."""
    if session.get("transfer_to_id") != me:
        return session
    return {**session, "user_id": me, "transfer_to_id": None}


def rejected(session: Record, me: int) -> Record:
    """No longer being transferred when it was being transferred to ``me``; unchanged otherwise."""
    if session.get("transfer_to_id") != me:
        return session
    return {**session, "transfer_to_id": None}


def reset(session: Record) -> Record:
    """Back in the queue, nobody's, the bot handed off ("set to 0 when bot hands off")."""
    return {
        **session,
        "Status": "InQueue",
        "user_id": None,
        "transfer_to_id": None,
        "ChatbotIsActive": False,
        "Rank": 0,
    }


def message_posted(session: Record, message: Mapping[str, Any]) -> Record:
    """What a new message changes: the last (and maybe first) message, idle time, who wrote last.

    Only an open session takes one: a 400 otherwise.
    """
    if session["Status"] not in OPEN:
        raise BadRequest(
            f"Chat session {session['ChatSessionId']} is {session['Status']}: "
            "only a session that is InQueue, CustomerLast or UserLast takes messages",
            reason="session_closed",
        )
    status = session["Status"]
    if status in ACTIVE and message["Type"] in ("ToCustomer", "ToUser"):
        status = "UserLast" if message["Type"] == "ToCustomer" else "CustomerLast"
    return {
        **session,
        "Status": status,
        "FirstMessage": session["FirstMessage"] or message["Message"],
        "LastMessage": message["Message"],
        "WhenIdle": message["WhenPosted"],
    }


async def insert_next(collection: Collection, record: Record) -> Record:
    """``record`` stored under the next free id of ``collection`` (its key field set).

    The id is claimed with ``insert``, so two concurrent creations never share one.
    """
    ident = max((r[collection.key] for r in collection), default=0) + 1
    while not await collection.ainsert(stored := {**record, collection.key: ident}):
        ident += 1
    return stored
