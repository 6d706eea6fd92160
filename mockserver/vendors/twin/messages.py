"""A TWIN session's messages, and what the session record says about them.

:func:`summary` is the rule that ties a session to its messages (its counters, ``lastMessage``,
``lastOperatorMessage``, ``firstClientMessageAfterLastOperatorMessage``, the unread count); the
generator derives every session's fields with it, and the API applies it after each change to a
session's messages, so fixtures and live data follow the same rule. :func:`last_message` is the
``LastMessage`` view of a message (the session record carries a copy of its last one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["COUNTERS", "LAST_MESSAGE_FIELDS", "last_message", "reply_of", "summary"]

COUNTERS = {
    "CLIENT": "clientMessageCount",
    "OPERATOR": "operatorMessageCount",
    "BOT": "botMessageCount",
}
"""A message's ``authorType`` -> the session counter it adds to."""

LAST_MESSAGE_FIELDS = (
    "id",
    "authorId",
    "authorType",
    "authorName",
    "type",
    "body",
    "attachments",
    "createdAt",
    "readAt",
)
REPLY_FIELDS = (
    "id",
    "sessionId",
    "authorType",
    "authorName",
    "type",
    "body",
    "attachments",
    "createdAt",
)


def last_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """The ``LastMessage`` a session shows for ``message``."""
    return {name: message[name] for name in LAST_MESSAGE_FIELDS}


def reply_of(message: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ReplyMessage`` a message that answers ``message`` shows."""
    return {name: message[name] for name in REPLY_FIELDS}


def summary(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The session fields that ``messages`` (the session's, oldest first) decide.

    ``unreadClientMessageCount`` counts the client's messages nobody has read; the last
    operator message and the first client message after it are what TWIN's answer timers
    measure from.
    """
    counts = dict.fromkeys(COUNTERS.values(), 0)
    unread = 0
    last_operator: Mapping[str, Any] | None = None
    client_after: Mapping[str, Any] | None = None
    for message in messages:
        author = message["authorType"]
        counts[COUNTERS[author]] += 1
        if author == "CLIENT":
            if message["readAt"] is None:
                unread += 1
            if last_operator is not None and client_after is None:
                client_after = message
        elif author == "OPERATOR":
            last_operator, client_after = message, None
    last = messages[-1] if messages else None
    return {
        **counts,
        "unreadClientMessageCount": unread,
        "lastMessage": last_message(last) if last else None,
        "lastMessageCreatedAt": last["createdAt"] if last else None,
        "lastOperatorMessage": last_operator["createdAt"] if last_operator else None,
        "firstClientMessageAfterLastOperatorMessage": (
            client_after["createdAt"] if client_after else None
        ),
    }
