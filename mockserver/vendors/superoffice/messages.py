"""SuperOffice's chat messages: a session's history, its transcript, and a message posted to it
(which moves the session's ``LastMessage`` and ``WhenIdle``, :func:`.chat.message_posted`)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from ...filtering import Predicate, equals, filter_records
from ...projection import null_unselected
from . import chat
from .answers import ChatAnswers, selected

__all__ = ["ChatMessages", "of_session"]

# What a client may state of a new message; the server sets the rest.
_STATED = ("Type", "Message", "Author", "SpecialType", "SpecialParam")


class ChatMessages(ChatAnswers):
    """The message calls' work, for :class:`~.calls.ChatSessions`."""

    def _messages(self, ident: int, after: int, select: str | None) -> Response:
        media_type = self.negotiate()
        paths = selected(self._message_schema, select)
        self._readable(ident, chat.MEMBER)
        body = [self._show().present(m, self._message_schema) for m in self._history(ident, after)]
        if paths is not None:
            body = null_unselected(body, paths)
        return self._answer(body, media_type, "ArrayOfChatMessage")

    def _history(self, ident: int, after: int = 0) -> list[Mapping[str, Any]]:
        messages = filter_records(self._collections["messages"], [of_session(ident)])
        return sorted(
            (m for m in messages if m["ChatMessageId"] > after), key=lambda m: m["ChatMessageId"]
        )

    def _transcript(self, ident: int, as_html: bool, select: str | None) -> Response:
        media_type = self.negotiate()
        selected(self._message_schema, select)  # checked like every $select, nothing to null
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

    async def _add_message(
        self, ident: int, given: Mapping[str, Any], select: str | None
    ) -> Response:
        media_type = self.negotiate()
        paths = selected(self._message_schema, select)
        self._readable(ident, chat.RESPOND)
        stated = {k: v for k, v in given.items() if k in _STATED and v is not None}
        now = self._now()
        posted = {"Type": "ToCustomer", "Message": "", **stated, "WhenPosted": now}
        await self._apply(ident, chat.RESPOND, lambda s: chat.message_posted(s, posted))
        stored = await self._store_message(ident, now, **stated)
        body = self._show().present(stored, self._message_schema)
        if paths is not None:
            body = null_unselected([body], paths)[0]
        return self._answer(body, media_type, "ChatMessage")

    async def _store_message(self, ident: int, now: str, **stated: str) -> dict[str, Any]:
        """A new message of session ``ident``, posted ``now`` by the caller unless ``stated``
        says otherwise."""
        return await chat.insert_next(
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


def of_session(ident: int) -> Predicate:
    return equals(("ChatSessionId",), ident)
