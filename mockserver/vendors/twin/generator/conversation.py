"""A generated TWIN session's messages: who writes when, what, and who has read it.

:class:`Draws` are the generator's random draws (cheap: about 30 per session, and a session has a
dozen messages); :class:`Conversations` writes a session's messages with them. What the session
record then says about its messages is :func:`~mockserver.vendors.twin.messages.summary`'s rule.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Sequence
from typing import Any, TypeVar

from ..messages import reply_of
from . import data

__all__ = ["Conversations", "Draws"]

Record = dict[str, Any]
T = TypeVar("T")
_MINUTES_SECONDS = [f"{m:02d}:{s:02d}+00:00" for m in range(60) for s in range(60)]


class Draws:
    """The generator's random draws from one seeded ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rand = rng.random
        self.hours: dict[int, str] = {}

    def num(self, low: int, high: int) -> int:
        """randint without its argument checks: the generator draws about 30 per session."""
        return low + int(self.rand() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.rand() * len(items))]

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def weighted(self, items: Sequence[T], cum_weights: list[int]) -> T:
        return items[bisect(cum_weights, self.rand() * cum_weights[-1])]

    def iso(self, ts: int) -> str:
        """ISO 8601 with the vendor's ``+00:00`` offset; strftime once per hour, not per call."""
        hour, sec = divmod(ts, 3600)
        prefix = self.hours.get(hour)
        if prefix is None:
            prefix = self.hours[hour] = time.strftime("%Y-%m-%dT%H:", time.gmtime(hour * 3600))
        return prefix + _MINUTES_SECONDS[sec]


class Conversations(Draws):
    """Writes the messages of a generated session."""

    def _conversation(
        self,
        session_id: str,
        client: Record,
        chat: Record,
        shifts: list[tuple[int, Record]],
        counts: dict[str, int],
        times: tuple[int, int, int],
        last_author: str | None,
        *,
        unread_allowed: bool,
    ) -> list[Record]:
        """The session's messages, oldest first; the last one is ``last_author``'s at the end.

        The bot talks until an operator is assigned, operators after it; each message is read
        a little after it was written, except, in an open session whose client wrote last, a
        few of the client's last messages, which nobody has read yet.
        """
        started, handover, end = times
        windows = {
            "CLIENT": (started, end),
            "BOT": (started, handover),
            "OPERATOR": (handover, end),
        }
        plan = [
            (self.num(*windows[author]), 0, author)
            for author, count in counts.items()
            for _ in range(count)
        ]
        if last_author is not None:
            at = next(i for i, (_, _, author) in enumerate(plan) if author == last_author)
            plan[at] = (end, 1, last_author)
        plan.sort()
        unread = 0
        if unread_allowed and last_author == "CLIENT":
            trailing = 0
            for _, _, author in reversed(plan):
                if author != "CLIENT":
                    break
                trailing += 1
            unread = self.num(1, min(trailing, 5))
        messages: list[Record] = []
        latest_client: Record | None = None
        for index, (at, _, author) in enumerate(plan):
            message = self._message(session_id, author, client, chat, shifts, at)
            if author == "CLIENT":
                latest_client = message
            elif author == "OPERATOR" and latest_client is not None and self.rand() < 0.15:
                message["replyTo"] = reply_of(latest_client)
            if index < len(plan) - unread:
                read = self.iso(at + self.num(1, 120))
                message["readAt"] = message["updatedAt"] = read
            messages.append(message)
        return messages

    def _message(
        self,
        session_id: str,
        author: str,
        client: Record,
        chat: Record,
        shifts: list[tuple[int, Record]],
        at: int,
    ) -> Record:
        n = self.num(1000, 99999)
        attachments: list[Record] = []
        kind = "TEXT"
        answers = None
        if author == "CLIENT":
            author_id, author_name = client["id"], client["name"]
            body = self.pick(data.CLIENT_TEXTS[client["language"]]).format(n=n)
            if self.rand() < 0.15:
                kind, name, content_type = self.pick(data.ATTACHMENTS)
                attachment_id = self.uuid()
                attachments.append(
                    {
                        "id": attachment_id,
                        "name": name.format(n=n),
                        "contentType": content_type,
                        "size": self.num(2_000, 4_000_000),
                        "private": False,
                        "url": f"https://chat-api.twin24.ai/api/v1/files/{attachment_id}",
                    }
                )
                body = "" if self.rand() < 0.5 else body
        elif author == "OPERATOR":
            operator = next(user for since, user in reversed(shifts) if since <= at)
            author_id, author_name = str(operator["id"]), operator["name"]
            body = self.pick(data.OPERATOR_TEXTS).format(n=n)
        else:
            author_id, author_name = chat["botId"], chat["botName"]
            body, offered = self.pick(data.BOT_TEXTS)
            answers = list(offered) if offered else None
        when = self.iso(at)
        return {
            "id": self.uuid(),
            "sessionId": session_id,
            "authorId": author_id,
            "authorType": author,
            "authorName": author_name,
            "type": kind,
            "body": body,
            "answers": answers,
            "keyboard": None,
            "attachments": attachments,
            "replyTo": None,
            "readAt": None,
            "createdAt": when,
            "updatedAt": when,
        }
