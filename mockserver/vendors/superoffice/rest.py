"""SuperOffice's REST ``ChatSession`` resource (``/api/v1/ChatSession…``).

The vendor documents each of its calls as calling the Chat agent service, so each is the agent
call's implementation (:mod:`.calls`) with its arguments taken from the path and query instead
of a JSON body; one-entity answers of the resource itself (``/{id}`` and its creation) carry
``_Links`` (``ChatSessionEntityWithLinks``). The resource's own list, ``GET /api/v1/ChatSession``,
is the vendor's OData archive list: the caller's sessions, as the agent's list has them, through
the query options :mod:`.odata` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from ...filtering import filter_records
from ...paging import Window, paginate
from ...sorting import SortKey, sort_records
from . import chat, odata
from .calls import ChatSessions

__all__ = ["ChatSessionResource"]

# $format overrides Accept (the vendor's word); the media type each value stands for.
_FORMATS = {"json": "application/json", "xml": "application/xml"}
# Options the vendor documents whose other values the mock does not serve: what it serves.
_SERVED = {"$mode": "Slim", "$output": "Logical", "$entities": "chat"}


class ChatSessionResource(ChatSessions):
    """The REST flavour of the chat-session calls."""

    async def rest_get_all_chat_sessions(
        self,
        select: str | None = None,
        filter_: str | None = None,
        order_by: str | None = None,
        entities: str | None = None,
        top: int | None = None,
        skip: int = 0,
        mode: str | None = None,
        options: str | None = None,
        context: str | None = None,
        format_: str | None = None,
        json_safe: bool = False,
        output: str | None = None,
        **_: Any,
    ) -> Response:
        """The OData list: filter, order, then the ``$skip``/``$top`` window of rows.

        ``**_``: Connexion 3.3 hands ``$filter`` and ``$format`` over as ``filter_`` and
        ``format_`` only to a handler that takes keyword arguments (it checks ``filter``
        against the signature, then renames it); the context's ``token_info`` and ``user``
        come with them and are not needed here.
        """
        media_type = self._format(format_)
        for name, value in (("$mode", mode), ("$output", output), ("$entities", entities)):
            if value is not None and value.strip().casefold() != _SERVED[name].casefold():
                raise odata.unsupported(f"{name}={value} (served: {_SERVED[name]})")
        for name, value in (("$options", options), ("$context", context)):
            if value:
                raise odata.unsupported(name)
        entity = self._entity
        paths = odata.columns(entity, select)
        wanted = [odata.parse_filter(entity, filter_)] if filter_ and filter_.strip() else []
        order = [*odata.parse_order(entity, order_by), SortKey(("ChatSessionId",))]
        sessions = self._presented.present(
            self._members_sessions(), self._show(), self._collections
        )
        found = sort_records(filter_records(sessions, wanted), order)
        window = Window(skip, len(found) if top is None else top)
        rows = [odata.row(s, paths, json_safe) for s in paginate(found, window)]
        more = window.offset + window.limit < len(found)
        following = self.request.url.include_query_params(**{"$skip": skip + window.limit})
        body = {
            "odata.metadata": f"{self.base_url()}/api/v1/archive$metadata",
            "odata.nextLink": str(following) if more else None,
            "value": rows,
        }
        return self._answer(body, media_type, "ODataSlimResponse")

    def _format(self, wanted: str | None) -> str:
        """The media type ``$format`` names, else the one negotiated from ``Accept``."""
        if wanted is None:
            return self.negotiate()
        if wanted.strip().casefold() not in _FORMATS:
            raise odata.unsupported(f"$format={wanted} (served: json, xml)")
        return _FORMATS[wanted.strip().casefold()]

    async def rest_default_chat_session_entity(self) -> Response:
        return await self.create_default_chat_session_entity()

    async def rest_post_chat_session_entity(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._save(0, body, select, linked=True)

    async def rest_get_chat_session_entity(self, id_: int, select: str | None = None) -> Response:
        return self._get(id_, select, linked=True)

    async def rest_put_chat_session_entity(
        self, id_: int, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        if not id_:
            raise chat.not_found("ChatSessionEntity", id_)  # an update, never a creation
        return await self._save(id_, body, select, linked=True)

    async def rest_delete_chat_session_entity(self, id_: int) -> Response:
        return await self._delete(id_)

    async def rest_chat_sessions_for_user(self) -> Response:
        return await self.chat_sessions_for_user()

    async def rest_transfer_chat_session(self, chat_session_id: int, to_associate: str) -> Response:
        return await self._transfer(chat_session_id, to_associate, None)

    async def rest_accept_chat_session_transfer(self, chat_session_id: int) -> Response:
        return await self.accept_chat_session_transfer({"ChatSessionId": chat_session_id})

    async def rest_reject_chat_session_transfer(self, chat_session_id: int) -> Response:
        return await self.reject_chat_session_transfer({"ChatSessionId": chat_session_id})

    async def rest_pick_up_chat_session(self, chat_session_id: int) -> Response:
        return await self._pick_up(chat_session_id, None)

    async def rest_pick_up_first_chat_session(self) -> Response:
        return await self._pick_up(None, None)

    async def rest_reset_chat_session(self, chat_session_id: int) -> Response:
        return await self.reset_chat_session({"ChatSessionId": chat_session_id})

    async def rest_get_chat_transcript(self, chat_session_id: int, html: bool = False) -> Response:
        return self._transcript(chat_session_id, html, None)

    async def rest_get_chat_messages(self, chat_session_id: int, after: int = 0) -> Response:
        return self._messages(chat_session_id, after, None)

    async def rest_add_chat_message(
        self, chat_session_id: int, body: Mapping[str, Any]
    ) -> Response:
        return await self._add_message(chat_session_id, body, None)
