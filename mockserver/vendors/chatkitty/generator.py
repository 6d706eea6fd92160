"""Deterministic ChatKitty fixtures: applications, their OAuth clients, chat sessions, and the
user sessions and channels the chat sessions link to.

Three applications: the demo one (most sessions), another one (so tenancy is visible) and a
suspended one (its valid tokens are refused with 403). Records belong to an application through
the private ``application_id`` field: ChatKitty scopes everything to the token's application and
never puts that id on the wire. Users repeat across sessions, as real users reconnect.

Each chat session links to its user session (the one it embeds, served on its own too) and to its
channel (the private ``channel_id``); both belong to the chat session's application, so every
link a token is given resolves with that token. The user sessions and channels are drawn after
the chat sessions, so adding them left the chat sessions as they were.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

__all__ = ["DEMO_APPLICATION", "generate"]

DEMO_APPLICATION = 1

_APPLICATIONS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "Acme Support Chat",
        "key": "acme-support",
        "suspended": False,
        "created_time": "2023-03-14T09:26:53.589Z",
        "properties": {"region": "eu-west"},
    },
    {
        "id": 2,
        "name": "Globex Community",
        "key": "globex-community",
        "suspended": False,
        "created_time": "2023-06-02T16:51:03.206Z",
        "properties": {"region": "us-east"},
    },
    {
        "id": 3,
        "name": "Initech Legacy",
        "key": "initech-legacy",
        "suspended": True,
        "created_time": "2022-11-28T05:30:44.265Z",
        "properties": {},
    },
]

CHANNELS_PER_APPLICATION = 39
"""Channel ids of application ``a`` are ``100 * (a - 1) + 1 …`` this many: a channel belongs to
one application, as a session's link to it must resolve with that application's token."""

_CLIENTS: list[dict[str, Any]] = [
    {"client_id": "demo-client", "client_secret": "demo-secret", "application_id": 1},
    {"client_id": "other-client", "client_secret": "other-secret", "application_id": 2},
    {"client_id": "suspended-client", "client_secret": "suspended-secret", "application_id": 3},
]

_FIRST = [
    "Aisha",
    "Mateo",
    "Yuki",
    "Olga",
    "Kwame",
    "Sofia",
    "Liam",
    "Priya",
    "Jonas",
    "Chloé",
    "Mehmet",
    "Ana",
    "Björn",
    "Fatima",
    "Wei",
    "Lucía",
    "Tomasz",
    "Amara",
    "Noah",
    "Ingrid",
]
_LAST = [
    "Khan",
    "García",
    "Tanaka",
    "Ivanova",
    "Mensah",
    "Rossi",
    "O'Brien",
    "Patel",
    "Müller",
    "Dubois",
    "Yılmaz",
    "Silva",
    "Lindqvist",
    "Haddad",
    "Chen",
    "Fernández",
    "Nowak",
    "Okafor",
]
_BOTS = ["Support Bot", "Onboarding Assistant", "FAQ Kitty", "Order Tracker"]
_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "ChatKitty-Android/2.4.1 (Pixel 8; Android 14)",
    "okhttp/4.12.0",
]
_STATUSES = ["AVAILABLE", "AWAY", "BUSY", "UNAVAILABLE"]
_TOPICS = ["Support", "Billing", "Onboarding", "Feedback", "Announcements", "Sales", "Random"]


def _user(rng: random.Random, user_id: int) -> dict[str, Any]:
    bot = rng.random() < 0.15
    if bot:
        display = rng.choice(_BOTS)
        name = display.lower().replace(" ", "-") + f"-{user_id}"
    else:
        display = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        name = display.lower().replace(" ", ".").replace("'", "") + f"{user_id % 97}"
    online = rng.random() < 0.4
    user: dict[str, Any] = {
        "type": "BOT" if bot else "PERSON",
        "id": user_id,
        "display_name": display,
        "display_picture_url": f"https://api.dicebear.com/7.x/initials/svg?seed={quote(display)}",
        "isGuest": not bot and rng.random() < 0.2,
        "name": name,
        "presence": {
            "online": online,
            "status": "AVAILABLE" if online else rng.choice(_STATUSES[1:]),
        },
        "properties": {} if bot else {"plan": rng.choice(["free", "pro", "team"])},
    }
    if not bot and rng.random() < 0.3:
        user["call_status"] = rng.choice(["AVAILABLE", "IN_CALL"])
    return user


def _channel_id(application_id: int, index: int) -> int:
    return 100 * (application_id - 1) + index + 1


def _channels(
    rng: random.Random, sessions: list[dict[str, Any]], users: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every application's channels, each created before the first session held in it.

    A channel whose sessions come from at most two users may be a DIRECT one between them (its
    ``members``); the others are PUBLIC or PRIVATE group channels with a name.
    """
    held: dict[int, list[dict[str, Any]]] = {}
    for session in sessions:
        held.setdefault(session["channel_id"], []).append(session)
    channels = []
    for application in _APPLICATIONS:
        for index in range(CHANNELS_PER_APPLICATION):
            channel_id = _channel_id(application["id"], index)
            inside = held.get(channel_id, [])
            first = min((s["created_time"] for s in inside), default="2024-12-31T00:00:00.000Z")
            members = list(
                {s["session"]["user"]["id"]: s["session"]["user"] for s in inside}.values()
            )
            channel: dict[str, Any]
            if len(members) <= 2 and rng.random() < 0.4:
                while len(members) < 2:
                    members.append(rng.choice([u for u in users if u not in members]))
                channel = {
                    "type": "DIRECT",
                    "id": channel_id,
                    "creator": members[0],
                    "members": members,
                }
            else:
                topic = rng.choice(_TOPICS)
                channel = {
                    "type": rng.choice(["PUBLIC", "PUBLIC", "PRIVATE"]),
                    "id": channel_id,
                    "creator": rng.choice(users),
                    "name": f"{topic.lower()}-{channel_id}",
                    "display_name": topic,
                }
            created = datetime.fromisoformat(first) - timedelta(
                seconds=rng.randrange(3600, 90 * 24 * 3600), milliseconds=rng.randrange(1000)
            )
            channel.update(
                created_time=_timestamp(created), properties={}, application_id=application["id"]
            )
            channels.append(channel)
    return channels


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def generate(count: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    """``count`` sessions for the demo application plus a tenth as many for the other one."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    users = [_user(rng, 500 + i) for i in range(max(count // 3, 10))]
    sessions = []
    per_app = [(DEMO_APPLICATION, count), (2, max(count // 10, 5)), (3, 3)]
    session_id = 1
    for application_id, n in per_app:
        for _ in range(n):
            user = rng.choice(users)
            created = start + timedelta(
                seconds=rng.randrange(0, 365 * 24 * 3600), milliseconds=rng.randrange(1000)
            )
            ended = rng.random() < 0.6
            inner: dict[str, Any] = {
                "id": 7000 + session_id,
                "created_time": _timestamp(created),
                "state": "ENDED" if ended else "ACTIVE",
                "user": user,
                "user_agent": rng.choice(_AGENTS),
            }
            record: dict[str, Any] = {
                "id": session_id,
                "created_time": _timestamp(created),
                "state": inner["state"],
                "session": inner,
                "application_id": application_id,
                "channel_id": _channel_id(application_id, rng.randrange(CHANNELS_PER_APPLICATION)),
            }
            if ended:
                end = created + timedelta(
                    seconds=rng.randrange(30, 4 * 3600), milliseconds=rng.randrange(1000)
                )
                record["end_time"] = inner["end_time"] = _timestamp(end)
            sessions.append(record)
            session_id += 1
    return {
        "applications": [dict(a) for a in _APPLICATIONS],
        "clients": [dict(c, scope=["create", "read", "update", "delete"]) for c in _CLIENTS],
        "sessions": sessions,
        "user_sessions": [dict(s["session"], application_id=s["application_id"]) for s in sessions],
        "channels": _channels(rng, sessions, users),
    }
