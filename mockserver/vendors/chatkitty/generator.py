"""Deterministic ChatKitty fixtures: applications, their OAuth clients, and chat sessions.

Three applications: the demo one (most sessions), another one (so tenancy is visible) and a
suspended one (its valid tokens are refused with 403). Sessions belong to an application through
the private ``application_id`` field: ChatKitty scopes everything to the token's application and
never puts that id on the wire. Users repeat across sessions, as real users reconnect.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

__all__ = ["DEMO_APPLICATION", "generate"]

DEMO_APPLICATION = 1

_APPLICATIONS: list[dict[str, Any]] = [
    {"id": 1, "name": "Acme Support Chat", "key": "acme-support", "suspended": False},
    {"id": 2, "name": "Globex Community", "key": "globex-community", "suspended": False},
    {"id": 3, "name": "Initech Legacy", "key": "initech-legacy", "suspended": True},
]

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
                "channel_id": rng.randrange(1, 40),
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
    }
