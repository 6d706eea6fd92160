"""SuperOffice's whole-entity writes: a session created for a topic, or saved as the body
states it (what the next read returns), with carriers stored as links and dates in UTC."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from ...errors import BadRequest
from . import chat
from .answers import ChatAnswers, selected
from .locale import UNSET, Presentation
from .sessions import LINKS

__all__ = ["ChatSaves", "default_session"]

# What a save leaves to the server: the key, and the rights the server computes for the caller.
_SERVER_SET = ("ChatSessionId", "TableRight", "FieldProperties")
_FULL_RIGHT = {"Mask": "Select, Update, Insert, Delete", "Reason": ""}


class ChatSaves(ChatAnswers):
    """The whole-entity writes' work, for :class:`~.calls.ChatSessions`."""

    async def _create_for_topic(self, topic: int, select: str | None) -> Response:
        media_type = self.negotiate()
        paths = selected(self._entity, select)
        collections = self._collections
        if topic not in chat.allowed_topics(
            collections["chat_topic_agents"], self._me["AssociateId"]
        ):
            raise chat.not_found("ChatTopicEntity", topic)
        queued = [
            s for s in collections["sessions"] if s["TopicId"] == topic and s["Status"] == "InQueue"
        ]
        now = self._now()
        record = {
            **default_session(),
            "TopicId": topic,
            "Status": "InQueue",
            "WhenRequested": now,
            "WhenFetched": now,
            "SessionKey": secrets.token_hex(16),
            "InitialQueuePos": len(queued) + 1,
        }
        stored = await chat.insert_next(collections["sessions"], record)
        return self._entity_answer(stored, media_type, paths)

    async def _save(
        self, ident: int, body: Mapping[str, Any], select: str | None, *, linked: bool = False
    ) -> Response:
        """Session ``ident`` (0: a new one) as ``body`` states it; what the next read returns."""
        media_type = self.negotiate()
        paths = selected(self._answered_entity(linked), select)
        collections = self._collections
        me = self._me
        agents = collections["chat_topic_agents"]
        fields = self._stored_fields(body, self._show())
        if not ident:
            record = {**default_session(), **fields}
            self._topic_allowed(record["TopicId"])
            stored = await chat.insert_next(collections["sessions"], record)
            return self._entity_answer(stored, media_type, paths, linked=linked)

        def saved(session: dict[str, Any]) -> dict[str, Any]:
            chat.require(agents, me, session, chat.RESPOND)
            updated = {**session, **fields}
            if updated["TopicId"] != session["TopicId"]:
                self._topic_allowed(updated["TopicId"])
            return updated

        return self._entity_answer(
            await self._update(ident, saved), media_type, paths, linked=linked
        )

    def _topic_allowed(self, topic: Any) -> None:
        """A session may be put on ``topic`` by the caller: it exists and they can respond on it."""
        collections = self._collections
        if collections["chat_topics"].get(topic) is None:
            raise BadRequest(f"TopicId {topic} names no chat topic", reason="unknown_topic")
        chat.require(
            collections["chat_topic_agents"],
            self._me,
            {"TopicId": topic, "ChatSessionId": 0},
            chat.RESPOND,
        )

    def _stored_fields(self, body: Mapping[str, Any], show: Presentation) -> dict[str, Any]:
        """What of ``body`` is stored: its wire properties, carriers as links, dates in UTC."""
        entity = self._entity
        fields: dict[str, Any] = {}
        for name, value in body.items():
            schema = entity["properties"].get(name)
            if schema is None or name in _SERVER_SET:
                continue
            if name in LINKS:
                field, target = LINKS[name]
                fields[name] = None
                fields[field] = self._link(name, value, target)
            elif value is None:
                continue  # not stated: kept as it is
            elif schema.get("pattern") == show.date_pattern:
                fields[name] = show.stored_date(value, name)
            else:
                fields[name] = value
        return fields

    def _link(self, name: str, carrier: Any, target: str) -> int | None:
        """The id ``carrier`` names in ``target``; None for no carrier (or id 0)."""
        if not isinstance(carrier, Mapping):
            return None
        key = self._collections[target].key
        ident = carrier.get(key)
        if not ident:
            return None
        if self._collections[target].get(ident) is None:
            raise BadRequest(f"{name}.{key} {ident} names no record", reason="unknown_carrier")
        return int(ident)


def default_session() -> dict[str, Any]:
    """An unsaved session as NetServer's defaults leave it (the wire's order)."""
    return {
        "ChatSessionId": 0,
        "TopicId": 0,
        "User": None,
        "Person": None,
        **dict.fromkeys(
            ("CustomerAlias", "CustomerHost", "CustomerName", "CustomerEmail", "CustomerPhone"), ""
        ),
        "CustomerConsented": False,
        "CustomerCompanyName": "",
        "Status": "Invalid",
        "FirstMessage": "",
        "LastMessage": "",
        **dict.fromkeys(
            ("WhenRequested", "WhenStarted", "WhenEnded", "WhenIdle", "WhenFetched"), UNSET
        ),
        "SessionKey": "",
        "InitialQueuePos": 0,
        "AlertLevel": 0,
        "Rank": 0,
        "Flags": "CustomerIsTyping",
        **dict.fromkeys(("Contact", "Project", "Sale", "Ticket", "TransferTo"), None),
        "ChatbotIsActive": False,
        "Rating": 0,
        "TableRight": _FULL_RIGHT,
        "FieldProperties": {},
    }
