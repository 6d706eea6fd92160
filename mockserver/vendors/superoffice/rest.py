"""SuperOffice's REST ``ChatSession`` resource (``/api/v1/ChatSession…``).

The vendor documents each of its calls as calling the Chat agent service, so each is the agent
call's implementation (:mod:`.calls`) with its arguments taken from the path and query instead
of a JSON body; one-entity answers of the resource itself (``/{id}`` and its creation) carry
``_Links`` (``ChatSessionEntityWithLinks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from . import chat
from .calls import ChatSessions

__all__ = ["ChatSessionResource"]


class ChatSessionResource(ChatSessions):
    """The REST flavour of the chat-session calls."""

    async def rest_default_chat_session_entity(self) -> Response:
        return await self.create_default_chat_session_entity()

    async def rest_post_chat_session_entity(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._save(0, body, select, linked=True)

    async def rest_get_chat_session_entity(self, id_: int, select: str | None = None) -> Response:
        return self._get(id_, select, linked=True)

    async def rest_put_chat_session_entity(
        self, id_: int, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        if not id_:
            raise chat.not_found("ChatSessionEntity", id_)  # an update, never a creation
        return self._save(id_, body, select, linked=True)

    async def rest_delete_chat_session_entity(self, id_: int) -> Response:
        return self._delete(id_)

    async def rest_chat_sessions_for_user(self) -> Response:
        return await self.chat_sessions_for_user()

    async def rest_transfer_chat_session(self, chat_session_id: int, to_associate: str) -> Response:
        return self._transfer(chat_session_id, to_associate, None)

    async def rest_accept_chat_session_transfer(self, chat_session_id: int) -> Response:
        return await self.accept_chat_session_transfer({"ChatSessionId": chat_session_id})

    async def rest_reject_chat_session_transfer(self, chat_session_id: int) -> Response:
        return await self.reject_chat_session_transfer({"ChatSessionId": chat_session_id})

    async def rest_pick_up_chat_session(self, chat_session_id: int) -> Response:
        return self._pick_up(chat_session_id, None)

    async def rest_pick_up_first_chat_session(self) -> Response:
        return self._pick_up(None, None)

    async def rest_reset_chat_session(self, chat_session_id: int) -> Response:
        return await self.reset_chat_session({"ChatSessionId": chat_session_id})

    async def rest_get_chat_transcript(self, chat_session_id: int, html: bool = False) -> Response:
        return self._transcript(chat_session_id, html, None)

    async def rest_get_chat_messages(self, chat_session_id: int, after: int = 0) -> Response:
        return self._messages(chat_session_id, after, None)

    async def rest_add_chat_message(
        self, chat_session_id: int, body: Mapping[str, Any]
    ) -> Response:
        return self._add_message(chat_session_id, body, None)
