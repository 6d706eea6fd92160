"""TWIN (twin24.ai): the chat API as the vendor's own PHP SDK calls it, one class.

Its mock-only collections (companies, users, chats, clients, operator groups) have their schemas
in ``schemas/``. :mod:`.base` holds auth, tenancy and errors; :mod:`.sessions` the session list, its
exports and a session's edits and operators; :mod:`.chat` starting and continuing sessions
and their messages; :mod:`.query` what every list takes (the SDK's ``QueryRequest``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...collection import Collection
from ...errors import FixtureError
from ...fixtures import Fixture
from ..base import mock_schema
from .chat import ChatCalls
from .messages import summary
from .sessions import SessionCalls

__all__ = ["Twin"]


class Twin(SessionCalls, ChatCalls):
    name = "twin"
    title = "TWIN"
    fixtures = (
        Fixture("companies", key="id", schema=mock_schema(__name__, "companies"), privileged=True),
        Fixture("users", key="id", schema=mock_schema(__name__, "users"), privileged=True),
        Fixture("chats", key="id", schema=mock_schema(__name__, "chats")),
        Fixture("clients", key="id", schema=mock_schema(__name__, "clients")),
        Fixture("operatorGroups", key="id", schema=mock_schema(__name__, "operatorGroups")),
        Fixture("sessions", key="id", schema="#/components/schemas/SessionInfo"),
        Fixture("messages", key="id", schema="#/components/schemas/MessageListItem"),
    )

    def check_fixtures(
        self, collections: Mapping[str, Collection], where: Callable[[str], str]
    ) -> None:
        """Every message belongs to a session, and a session's counters, ``lastMessage`` and
        timers are what its messages say (the rule the API keeps on every write)."""
        sessions = collections["sessions"]
        by_session: dict[str, list[Any]] = {key: [] for key in (s["id"] for s in sessions)}
        for index, message in enumerate(collections["messages"]):
            if message["sessionId"] not in by_session:
                raise FixtureError(
                    where("messages"),
                    f"/{index}/sessionId",
                    f"no session has the id {message['sessionId']!r}",
                )
            by_session[message["sessionId"]].append(message)
        for index, session in enumerate(sessions):
            messages = sorted(by_session[session["id"]], key=lambda m: m["createdAt"])
            for field, value in summary(messages).items():
                if session[field] != value:
                    raise FixtureError(
                        where("sessions"),
                        f"/{index}/{field}",
                        f"is {session[field]!r}, but the session's messages make it {value!r}",
                    )
