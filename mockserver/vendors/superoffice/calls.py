"""SuperOffice's chat-session calls: the Chat agent's (``/api/v1/Agents/Chat/…``, every one a POST
whose arguments come in a JSON body) and the REST ``ChatSession`` resource's, which call the same
agent service and so share one implementation here.

Every answer goes the list's way: stored records embed their carriers and are presented for the
request (:mod:`.sessions`, :mod:`.locale`), ``$select`` nulls what was not asked for, and the
negotiated media type writes it as JSON or XML. What each call changes, and who may make it, is
:mod:`.chat`'s.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from starlette.responses import Response

from ...errors import BadRequest
from ...filtering import Predicate, equals, filter_records, one_of
from ...paths import FieldPath
from ...projection import null_unselected
from ...sorting import SortKey, sort_records
from ...store import Collection
from ...xml import Fragments
from ..base import VendorAPI
from . import chat
from .describe import describe
from .locale import UNSET, Presentation, presentation
from .names import resolve
from .sessions import LINKS, PresentedSessions

__all__ = ["ChatSessions"]

Change = Callable[[dict[str, Any]], dict[str, Any]]

_ENTITY = "#/components/schemas/ChatSessionEntity"
_MESSAGE = "#/components/schemas/ChatMessage"
_LINKED = "#/components/schemas/ChatSessionEntityWithLinks"
# What a save leaves to the server: the key, and the rights the server computes for the caller.
_SERVER_SET = ("ChatSessionId", "TableRight", "FieldProperties")
_FULL_RIGHT = {"Mask": "Select, Update, Insert, Delete", "Reason": ""}
# What a client may state of a new message; the server sets the rest.
_STATED = ("Type", "Message", "Author", "SpecialType", "SpecialParam")


class ChatSessions(VendorAPI):
    """The chat-session calls of SuperOffice's API; :class:`~.api.SuperOffice` adds the rest."""

    # -- the list ------------------------------------------------------------------------------

    async def chat_sessions_for_user(self, select: str | None = None) -> Response:
        media_type = self.negotiate()
        paths = _selected(self._entity, select)
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
        return self._answer(self._show().present(_default(), self._entity), media_type)

    async def save_chat_session_entity(self, body: Mapping[str, Any]) -> Response:
        return self._save(_integer(body, "ChatSessionId"), body, None)

    async def delete_chat_session_entity(self, chat_session_entity_id: int) -> Response:
        return self._delete(chat_session_entity_id)

    async def get_chat_session_entity(
        self, chat_session_entity_id: int, select: str | None = None
    ) -> Response:
        return self._get(chat_session_entity_id, select)

    async def transfer_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._transfer(_session_id(body), str(body.get("ToAssociate") or ""), select)

    async def accept_chat_session_transfer(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        me = self._me["AssociateId"]
        return self._change(_session_id(body), chat.MEMBER, lambda s: chat.accepted(s, me), select)

    async def reject_chat_session_transfer(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        me = self._me["AssociateId"]
        return self._change(_session_id(body), chat.MEMBER, lambda s: chat.rejected(s, me), select)

    async def pick_up_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._pick_up(_session_id(body), select)

    async def pick_up_first_chat_session(self, select: str | None = None) -> Response:
        return self._pick_up(None, select)

    async def reset_chat_session(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._change(_session_id(body), chat.RESPOND, chat.reset, select)

    async def get_chat_transcript(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._transcript(_session_id(body), bool(body.get("Html")), select)

    async def get_chat_messages(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._messages(_session_id(body), _integer(body, "After"), select)

    async def add_chat_message(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._add_message(_session_id(body), body.get("Message") or {}, select)

    async def create_chat_session_for_topic(
        self, body: Mapping[str, Any], select: str | None = None
    ) -> Response:
        return self._create_for_topic(_integer(body, "ChatTopicId"), select)

    # -- what both flavours do -----------------------------------------------------------------

    def _get(self, ident: int, select: str | None, *, linked: bool = False) -> Response:
        media_type = self.negotiate()
        paths = _selected(self._answered_entity(linked), select)
        session = self._readable(ident, chat.MEMBER)
        return self._entity_answer(session, media_type, paths, linked=linked)

    def _delete(self, ident: int) -> Response:
        self._readable(ident, chat.MANAGE)
        collections = self._collections
        if collections["sessions"].delete(ident) is None:
            raise chat.not_found("ChatSessionEntity", ident)  # deleted meanwhile
        for message in filter_records(collections["messages"], [_of_session(ident)]):
            collections["messages"].delete(message["ChatMessageId"])  # they go with it
        return Response(status_code=204)

    def _change(
        self, ident: int, needed: Sequence[str], change: Change, select: str | None
    ) -> Response:
        """The answer to ``change`` made to session ``ident``."""
        media_type = self.negotiate()
        paths = _selected(self._entity, select)
        return self._entity_answer(self._apply(ident, needed, change), media_type, paths)

    def _apply(self, ident: int, needed: Sequence[str], change: Change) -> dict[str, Any]:
        """``change`` made to session ``ident`` when the caller holds a ``needed`` right: the
        right checked in the same atomic step as the write."""
        agents = self._collections["chat_topic_agents"]
        me = self._me

        def checked(session: dict[str, Any]) -> dict[str, Any]:
            chat.require(agents, me, session, needed)
            return change(session)

        return self._update(ident, checked)

    def _update(self, ident: int, change: Change) -> dict[str, Any]:
        try:
            return self._collections["sessions"].update(ident, change)
        except KeyError:
            raise chat.not_found("ChatSessionEntity", ident) from None

    def _transfer(self, ident: int, to: str, select: str | None) -> Response:
        session = self._readable(ident, chat.RESPOND)
        receiver = self._receiver(to, session["TopicId"])
        me = self._me["AssociateId"]
        if receiver == me:
            raise BadRequest(f"Chat session {ident} cannot be transferred to its own user")
        return self._change(
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

    def _pick_up(self, ident: int | None, select: str | None) -> Response:
        """Session ``ident`` (None: the first in the queue) answered by the caller, or null."""
        media_type = self.negotiate()
        paths = _selected(self._entity, select)
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
        won = []

        def answered(stored: dict[str, Any]) -> dict[str, Any]:
            if stored["Status"] != "InQueue":
                return stored  # picked up meanwhile: the answer says whose it is
            won.append(True)
            return chat.picked_up(stored, me["AssociateId"], rank, now)

        picked = self._apply(ident, chat.RESPOND, answered)
        if won:
            self._store_message(ident, now, SpecialType="Welcome", Message=chat.WELCOME)
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

    def _messages(self, ident: int, after: int, select: str | None) -> Response:
        media_type = self.negotiate()
        paths = _selected(self._message_schema, select)
        self._readable(ident, chat.MEMBER)
        body = [self._show().present(m, self._message_schema) for m in self._history(ident, after)]
        if paths is not None:
            body = null_unselected(body, paths)
        return self._answer(body, media_type, "ArrayOfChatMessage")

    def _history(self, ident: int, after: int = 0) -> list[Mapping[str, Any]]:
        messages = filter_records(self._collections["messages"], [_of_session(ident)])
        return sorted(
            (m for m in messages if m["ChatMessageId"] > after), key=lambda m: m["ChatMessageId"]
        )

    def _transcript(self, ident: int, as_html: bool, select: str | None) -> Response:
        media_type = self.negotiate()
        _selected(self._message_schema, select)  # checked like every $select, nothing to null
        self._readable(ident, chat.MEMBER)
        show = self._show()
        lines = []
        for stored in self._history(ident):
            m = show.present(stored, self._message_schema)
            parts = (m["WhenPosted"], m["Author"] or m["Type"], m["Message"])
            if as_html:
                when, who, text = (html.escape(str(p)) for p in parts)
                lines.append(f"<p><span>[{when}]</span> <b>{who}:</b> {text}</p>")
            else:
                lines.append("[{}] {}: {}".format(*parts))
        return self._answer("\n".join(lines), media_type, "Transcript")

    def _add_message(self, ident: int, given: Mapping[str, Any], select: str | None) -> Response:
        media_type = self.negotiate()
        paths = _selected(self._message_schema, select)
        self._readable(ident, chat.RESPOND)
        stated = {k: v for k, v in given.items() if k in _STATED and v is not None}
        now = self._now()
        posted = {"Type": "ToCustomer", "Message": "", **stated, "WhenPosted": now}
        self._apply(ident, chat.RESPOND, lambda s: chat.message_posted(s, posted))
        stored = self._store_message(ident, now, **stated)
        body = self._show().present(stored, self._message_schema)
        if paths is not None:
            body = null_unselected([body], paths)[0]
        return self._answer(body, media_type, "ChatMessage")

    def _store_message(self, ident: int, now: str, **stated: str) -> dict[str, Any]:
        """A new message of session ``ident``, posted ``now`` by the caller unless ``stated``
        says otherwise."""
        return chat.insert_next(
            self._collections["messages"],
            {
                "ChatMessageId": 0,
                "ChatSessionId": ident,
                "Type": "ToCustomer",
                "Message": "",
                "Author": self._me["FullName"],
                "ReadByCustomer": 0,
                "SpecialType": "None",
                "SpecialParam": "",
                **stated,
                "WhenPosted": now,
            },
        )

    def _create_for_topic(self, topic: int, select: str | None) -> Response:
        media_type = self.negotiate()
        paths = _selected(self._entity, select)
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
            **_default(),
            "TopicId": topic,
            "Status": "InQueue",
            "WhenRequested": now,
            "WhenFetched": now,
            "SessionKey": secrets.token_hex(16),
            "InitialQueuePos": len(queued) + 1,
        }
        stored = chat.insert_next(collections["sessions"], record)
        return self._entity_answer(stored, media_type, paths)

    def _save(
        self, ident: int, body: Mapping[str, Any], select: str | None, *, linked: bool = False
    ) -> Response:
        """Session ``ident`` (0: a new one) as ``body`` states it; what the next read returns."""
        media_type = self.negotiate()
        paths = _selected(self._answered_entity(linked), select)
        collections = self._collections
        me = self._me
        agents = collections["chat_topic_agents"]
        fields = self._stored_fields(body, self._show())
        if not ident:
            record = {**_default(), **fields}
            self._topic_allowed(record["TopicId"])
            stored = chat.insert_next(collections["sessions"], record)
            return self._entity_answer(stored, media_type, paths, linked=linked)

        def saved(session: dict[str, Any]) -> dict[str, Any]:
            chat.require(agents, me, session, chat.RESPOND)
            updated = {**session, **fields}
            if updated["TopicId"] != session["TopicId"]:
                self._topic_allowed(updated["TopicId"])
            return updated

        return self._entity_answer(self._update(ident, saved), media_type, paths, linked=linked)

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

    # -- reading and answering -----------------------------------------------------------------

    def _readable(self, ident: int, needed: Sequence[str]) -> dict[str, Any]:
        """Stored session ``ident`` when the caller may do what takes ``needed`` to it."""
        session = self._collections["sessions"].get(ident)
        if session is None:
            raise chat.not_found("ChatSessionEntity", ident)
        chat.require(self._collections["chat_topic_agents"], self._me, session, needed)
        return session

    def _entity_answer(
        self,
        session: Mapping[str, Any],
        media_type: str,
        paths: list[FieldPath] | None,
        *,
        linked: bool = False,
    ) -> Response:
        """One stored session, presented and projected as the list presents its sessions; with
        the REST resource's ``_Links`` when ``linked``."""
        body = self._presented.present([session], self._show(), self._collections)[0]
        schema = "ChatSessionEntity"
        if linked:
            url = f"{self.base_url()}/api/v1/ChatSession/{session['ChatSessionId']}"
            links = {"Self": url, "Messages": f"{url}/Messages", "Transcript": f"{url}/Transcript"}
            body, schema = {**body, "_Links": links}, "ChatSessionEntityWithLinks"
        kept: Fragments | None = self._presented.xml
        if paths is not None:
            body, kept = null_unselected([body], paths)[0], None
        return self._answer(body, media_type, schema, kept=kept)

    def _answer(
        self,
        body: Any,
        media_type: str,
        schema: str = "ChatSessionEntity",
        kept: Fragments | None = None,
    ) -> Response:
        """``body`` as JSON or as XML named by ``schema``, reusing the XML ``kept`` of objects of
        it that were written before."""
        return self.respond(
            body,
            media_type=media_type,
            schema=self.spec.schema(f"#/components/schemas/{schema}"),
            fragments=kept,
        )

    def _show(self) -> Presentation:
        return presentation(self.request.headers, self._collections, self._entity)

    def _now(self) -> str:
        return chat.stamp(self.settings.clock())

    @property
    def _collections(self) -> Mapping[str, Collection]:
        return self.store.collections(self.name)

    @property
    def _me(self) -> Mapping[str, Any]:
        return self.principal["associate"]  # type: ignore[no-any-return]

    @cached_property
    def _entity(self) -> Mapping[str, Any]:
        return self.spec.schema(_ENTITY)

    def _answered_entity(self, linked: bool) -> Mapping[str, Any]:
        """The schema of a one-session answer: the REST resource's adds ``_Links``."""
        return self.spec.schema(_LINKED) if linked else self._entity

    @cached_property
    def _message_schema(self) -> Mapping[str, Any]:
        return self.spec.schema(_MESSAGE)

    @cached_property
    def _presented(self) -> PresentedSessions:
        return PresentedSessions(self._entity)


def _default() -> dict[str, Any]:
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


def _session_id(body: Mapping[str, Any]) -> int:
    return _integer(body, "ChatSessionId")


def _integer(body: Mapping[str, Any], name: str) -> int:
    """An integer argument of an agent call's body; absent or null is 0, as .NET binds it."""
    value = body.get(name)
    return 0 if value is None else int(value)


def _of_session(ident: int) -> Predicate:
    return equals(("ChatSessionId",), ident)


def _selected(schema: Mapping[str, Any], select: str | None) -> list[FieldPath] | None:
    """The ``$select`` paths in the schema's own spelling; None when everything is wanted."""
    names = [n.strip() for n in (select or "").split(",") if n.strip()]
    if not names:
        return None
    paths = []
    for name in names:
        try:
            paths.append(resolve(schema, name)[0])
        except LookupError as exc:
            raise BadRequest(
                f"Unknown property '{name}' in $select: {exc}", reason="unknown_property"
            ) from None
    return paths
