"""SuperOffice's chat-session calls: the Chat agent's (``/api/v1/Agents/Chat/…``, every one a POST
whose arguments come in a JSON body) and the REST ``ChatSession`` resource's, which call the same
agent service and so share one implementation here.

This module holds the calls and the state changes of a session's life (transfer, pick-up,
reset, delete); messages are :mod:`.messages`'s, whole-entity writes :mod:`.saves`'s, and
reading and answering a session :mod:`.answers`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.responses import Response

from ...errors import BadRequest
from ...filtering import filter_records, one_of
from ...projection import null_unselected
from ...sorting import SortKey, sort_records
from ...xml import Fragments
from . import chat
from .answers import Change, integer, selected, session_id
from .describe import describe
from .messages import ChatMessages, of_session
from .saves import ChatSaves, default_session

__all__ = ["ChatSessions"]


class ChatSessions(ChatMessages, ChatSaves):
    """The chat-session calls of SuperOffice's API; :class:`~.api.SuperOffice` adds the rest."""

    # -- the list ------------------------------------------------------------------------------

    async def chat_sessions_for_user(self, select: str | None = None) -> Response:
        media_type = self.negotiate()
        paths = selected(self._entity, select)
        collections = self._collections
        show = self._show()
        body = self._presented.present(self._members_sessions(), show, collections)
        kept: Fragments | None = self._presented.xml
        if paths is not None:  # new objects every call: nothing of them to keep
            body, kept = null_unselected(body, paths), None
        return self._answer(body, media_type, "ArrayOfChatSessionEntity", kept=kept)

    def _members_sessions(self) -> list[Mapping[str, Any]]:
        """The stored sessions of every topic the caller is a member of, by ``ChatSessionId``."""
        topics = chat.allowed_topics(
            self._collections["chat_topic_agents"], self._me["AssociateId"]
        )
        return sort_records(
            filter_records(self._collections["sessions"], [one_of(("TopicId",), sorted(topics))]),
            [SortKey(("ChatSessionId",))],
        )

    # -- GET on an agent URL ---------------------------------------------------------------------

    def resolve(self, operation_id: str) -> Callable[..., Any]:
        """Every ``describe…`` operation (a GET on an agent URL) is :meth:`describe_call`."""
        return super().resolve(
            "describeCall" if operation_id.startswith("describe") else operation_id
        )

    async def describe_call(self) -> Response:
        """The description of the call a POST on this URL runs (:mod:`.describe`)."""
        media_type = self.negotiate()
        path = self.operation.path
        raw = self.spec.document["paths"][path]["post"]
        resolved = self.spec.resolved["paths"][path]["post"]
        schemas = self.spec.document["components"]["schemas"]
        return self._answer(describe(path, raw, resolved, schemas), media_type, "ApiDescription")

    # -- the agent's calls ---------------------------------------------------------------------

    async def create_default_chat_session_entity(self) -> Response:
        media_type = self.negotiate()
        return self._answer(self._show().present(default_session(), self._entity), media_type)

    async def save_chat_session_entity(self, body: Mapping[str, Any]) -> Response:
        return await self._save(integer(body, "ChatSessionId"), body, None)

    async def delete_chat_session_entity(self, chat_session_entity_id: int) -> Response:
        return await self._delete(chat_session_entity_id)

    async def get_chat_session_entity(
        self, chat_session_entity_id: int, select: str | None = None
    ) -> Response:
        return self._get(chat_session_entity_id, select)

    async def transfer_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._transfer(session_id(body), str(body.get("ToAssociate") or ""), select)

    async def accept_chat_session_transfer(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        me = self._me["AssociateId"]
        return await self._change(
            session_id(body), chat.MEMBER, lambda s: chat.accepted(s, me), select
        )

    async def reject_chat_session_transfer(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        me = self._me["AssociateId"]
        return await self._change(
            session_id(body), chat.MEMBER, lambda s: chat.rejected(s, me), select
        )

    async def pick_up_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._pick_up(session_id(body), select)

    async def pick_up_first_chat_session(self, select: str | None = None) -> Response:
        return await self._pick_up(None, select)

    async def reset_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._change(session_id(body), chat.RESPOND, chat.reset, select)

    async def get_chat_transcript(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._transcript(session_id(body), bool(body.get("Html")), select)

    async def get_chat_messages(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._messages(session_id(body), integer(body, "After"), select)

    async def add_chat_message(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._add_message(session_id(body), body.get("Message") or {}, select)

    async def create_chat_session_for_topic(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return await self._create_for_topic(integer(body, "ChatTopicId"), select)

    # -- what both flavours do -----------------------------------------------------------------

    def _get(self, ident: int, select: str | None, *, linked: bool = False) -> Response:
        media_type = self.negotiate()
        paths = selected(self._answered_entity(linked), select)
        session = self._readable(ident, chat.MEMBER)
        return self._entity_answer(session, media_type, paths, linked=linked)

    async def _delete(self, ident: int) -> Response:
        self._readable(ident, chat.MANAGE)
        collections = self._collections
        if await collections["sessions"].adelete(ident) is None:
            raise chat.not_found("ChatSessionEntity", ident)  # deleted meanwhile
        for message in filter_records(collections["messages"], [of_session(ident)]):
            await collections["messages"].adelete(message["ChatMessageId"])  # they go with it
        return Response(status_code=204)

    async def _change(
        self, ident: int, needed: Sequence[str], change: Change, select: str | None
    ) -> Response:
        """The answer to ``change`` made to session ``ident``."""
        media_type = self.negotiate()
        paths = selected(self._entity, select)
        return self._entity_answer(await self._apply(ident, needed, change), media_type, paths)

    async def _transfer(self, ident: int, to: str, select: str | None) -> Response:
        session = self._readable(ident, chat.RESPOND)
        receiver = self._receiver(to, session["TopicId"])
        me = self._me["AssociateId"]
        if receiver == me:
            raise BadRequest(f"Chat session {ident} cannot be transferred to its own user")
        return await self._change(
            ident, chat.RESPOND, lambda s: chat.transferred(s, me, receiver), select
        )

    def _receiver(self, to: str, topic: int) -> int:
        """The associate ``to`` names (user name or id) who may take a session of ``topic``."""
        associates = self._collections["associates"]
        wanted = to.strip().casefold()
        found = next(
            (
                a
                for a in associates
                if str(a["AssociateId"]) == wanted or (a["UserName"] or "").casefold() == wanted
            ),
            None,
        )
        if found is None or found["Deleted"]:
            raise BadRequest(
                f"ToAssociate '{to}' is no active associate", reason="unknown_associate"
            )
        responders = chat.allowed_topics(
            self._collections["chat_topic_agents"], found["AssociateId"], chat.RESPOND
        )
        if topic not in responders:
            raise BadRequest(
                f"Associate '{found['Name']}' has neither Can Respond nor Manager on chat topic "
                f"{topic}",
                reason="receiver_without_right",
            )
        return int(found["AssociateId"])

    async def _pick_up(self, ident: int | None, select: str | None) -> Response:
        """Session ``ident`` (None: the first in the queue) answered by the caller, or null."""
        media_type = self.negotiate()
        paths = selected(self._entity, select)
        me = self._me
        if ident is None:
            ident = self._first_queued()
            if ident is None:
                return self._answer(None, media_type, "ChatSessionEntityOrNull")
        session = self._readable(ident, chat.RESPOND)
        if session["Status"] != "InQueue":
            return self._answer(None, media_type, "ChatSessionEntityOrNull")
        now = self._now()
        rank = self._free_rank(me["AssociateId"])
        won = False

        def answered(stored: dict[str, Any]) -> dict[str, Any]:
            # A backend may run this again on a newer record (a compare-and-set that lost a
            # race): what the last run saw is what was stored.
            nonlocal won
            won = stored["Status"] == "InQueue"
            if not won:
                return stored  # picked up meanwhile: the answer says whose it is
            return chat.picked_up(stored, me["AssociateId"], rank, now)

        picked = await self._apply(ident, chat.RESPOND, answered)
        if won:
            await self._store_message(ident, now, SpecialType="Welcome", Message=chat.WELCOME)
        return self._entity_answer(picked, media_type, paths)

    def _first_queued(self) -> int | None:
        topics = chat.allowed_topics(
            self._collections["chat_topic_agents"], self._me["AssociateId"], chat.RESPOND
        )
        queued = [
            s
            for s in filter_records(self._collections["sessions"], [one_of(("TopicId",), topics)])
            if s["Status"] == "InQueue"
        ]
        first = min(queued, key=lambda s: (s["WhenRequested"], s["ChatSessionId"]), default=None)
        return None if first is None else int(first["ChatSessionId"])

    def _free_rank(self, me: int) -> int:
        """The lowest rank from 1 that none of ``me``'s active sessions has."""
        taken = {
            s["Rank"]
            for s in self._collections["sessions"]
            if s.get("user_id") == me and s["Status"] in chat.ACTIVE
        }
        return next(rank for rank in range(1, len(taken) + 2) if rank not in taken)
