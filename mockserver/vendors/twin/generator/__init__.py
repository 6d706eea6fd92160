"""Deterministic TWIN (twin24.ai) fixtures: companies, their users, and their chat sessions.

TWIN is multi-tenant: a reseller company supervises dependent companies, every user belongs to
one company, and a session belongs to the company whose chat (a bot plus its messenger channels)
it came through. The collections are shaped to exercise exactly what the list endpoint filters
on, so every filter has matches and non-matches:

* ``companies`` (mock-only) ``{id, name, supervisedCompanyIds}``. Company 1 (the demo user's)
  supervises 2, 3 and 4; company 2 (the solo user's) supervises none; from company 5 on,
  resellers and independent companies alternate, so some companies are foreign to everyone.
* ``users`` (mock-only) ``{id, email, password, name, companyId, role}``: the two documented
  demo accounts, then one admin and a few operators per company. Operators of a session are
  always users of the session's company.
* ``sessions``: wire records (``SessionInfo`` in ``openapi/twin.yaml``), ``companyId`` on the
  wire, so no private field is needed. Closed sessions spread over two years (2023-07-01 to
  2025-07-01, UTC); active and waiting ones sit in the last three days, because a session
  lives at most 12 hours. Lifecycle times are ordered: created <= started <= operator assigned
  <= last message <= closed <= updated. Messenger type decides which client ids exist
  (``whatsappPhone`` only on WhatsApp, ``telegramClientId`` only on Telegram, ``referer`` only
  on the web widget).

Names come from several languages; a few session names, phones and Telegram ids are the awkward
values real exports meet: commas, quotes, semicolons, a leading ``=``/``+``/``-``/``@``, and
message bodies with line breaks. The word pools live in ``twin_data``. Stdlib only; 100,000
sessions take a few seconds.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, TypeVar

from . import data

__all__ = ["generate"]

Record = dict[str, Any]
T = TypeVar("T")

WINDOW_START = 1688169600  # 2023-07-01T00:00:00+00:00
WINDOW_END = 1751328000  # 2025-07-01T00:00:00+00:00, the fixtures' "now"
OPEN_WINDOW = 3 * 86400  # sessions still open started in the last three days
CULTURE_WEIGHTS = list(accumulate(c.weight for c in data.CULTURES))
_MINUTES_SECONDS = [f"{m:02d}:{s:02d}+00:00" for m in range(60) for s in range(60)]


def generate(count: int, seed: int = 1) -> dict[str, list[Record]]:
    """Collection name -> records; ``count`` chat sessions, everything else scaled to it."""
    rng = random.Random(seed)
    companies = _companies(rng, max(8, min(count // 25, 2000)))
    users = _users(rng, companies)
    ctx = _Context(rng, companies, users)
    sessions = [ctx.session() for _ in range(count)]
    sessions.sort(key=lambda s: (s["createdAt"], s["id"]))
    return {"companies": companies, "users": users, "sessions": sessions}


def _companies(rng: random.Random, n: int) -> list[Record]:
    names = ["TWIN Demo Reseller", "Solo Flowers"]
    names += [
        rng.choice(data.LEGAL_FORMS).format(data.COMPANY_BASES[i % len(data.COMPANY_BASES)][0])
        for i in range(n - 2)
    ]
    supervised: dict[int, list[int]] = {1: [2, 3, 4]}
    company = 5
    while company <= n:
        dependants = list(range(company + 1, min(company + rng.randint(1, 3), n) + 1))
        supervised[company] = dependants
        company += 1 + len(dependants) + rng.randint(0, 2)
    return [
        {"id": i, "name": names[i - 1], "supervisedCompanyIds": supervised.get(i, [])}
        for i in range(1, n + 1)
    ]


def _users(rng: random.Random, companies: list[Record]) -> list[Record]:
    users: list[Record] = [
        _user(1, "demo@twin.example", "demo-password", "Demo Admin", 1, "ADMIN"),
        _user(2, "solo@twin.example", "solo-password", "Solo Owner", 2, "ADMIN"),
    ]
    for company in companies:
        cid = company["id"]
        if cid > 2:
            users.append(
                _user(
                    len(users) + 1,
                    f"admin@c{cid}.twin.example",
                    f"admin{cid}-password",
                    f"Admin {cid}",
                    cid,
                    "ADMIN",
                )
            )
        for name, login in rng.sample(data.OPERATORS, rng.randint(2, 4)):
            email = f"{login}@c{cid}.twin.example"
            users.append(_user(len(users) + 1, email, f"{login}-password", name, cid, "OPERATOR"))
    return users


def _user(uid: int, email: str, password: str, name: str, company: int, role: str) -> Record:
    return {
        "id": uid,
        "email": email,
        "password": password,
        "name": name,
        "companyId": company,
        "role": role,
    }


class _Context:
    """Per-company bots, chats, channels and returning clients, shared by the sessions."""

    def __init__(self, rng: random.Random, companies: list[Record], users: list[Record]) -> None:
        self.rng = rng
        self.rand = rng.random
        self.company_ids = [c["id"] for c in companies]
        # the demo and solo companies get more traffic, so paging over them is worth testing
        self.weights = list(accumulate(4 if c["id"] <= 2 else 1 for c in companies))
        self.operators: dict[int, list[Record]] = {}
        for user in users:
            if user["role"] == "OPERATOR":
                self.operators.setdefault(user["companyId"], []).append(user)
        self.chats = {c["id"]: self._chats(c["id"]) for c in companies}
        self.clients: dict[tuple[int, str], list[Record]] = {}
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

    def _chats(self, company: int) -> list[Record]:
        rng = self.rng
        slug = {1: "twindemo", 2: "soloflowers"}.get(company, "")
        slug = slug or f"{data.COMPANY_BASES[(company - 3) % len(data.COMPANY_BASES)][1]}{company}"
        phone = f"+7495{self.num(1000000, 9999999)}"
        channels = {
            "WHATSAPP": phone,
            "TELEGRAM": f"@{slug}_bot",
            "WEB": f"{slug}.example",
            "FACEBOOK": f"facebook.com/{slug}",
            "INSTAGRAM": f"@{slug}",
            "VIBER": f"{slug}_viber",
            "VK": f"vk.com/{slug}",
        }
        chats = []
        for _ in range(self.num(1, 3)):
            bot = self.rand() < 0.8
            messengers = rng.sample(list(data.MESSENGER_WEIGHTS), self.num(2, 5))
            weights = list(accumulate(data.MESSENGER_WEIGHTS[m] for m in messengers))
            chats.append(
                {
                    "chatId": self.uuid(),
                    "chatName": self.pick(data.CHAT_NAMES),
                    "botId": self.uuid() if bot else None,
                    "botName": self.pick(data.BOT_NAMES) if bot else None,
                    "messengers": messengers,
                    "weights": weights,
                    "channels": channels,
                    "ttl": self.pick((3600, 3600, 3600, 1800, 7200, 43200)),
                    "timerFirstAnswer": self.pick((None, 60, 120, 300)),
                    "timerNextAnswers": self.pick((None, 180, 300, 600)),
                }
            )
        return chats

    def client(self, company: int, messenger: str) -> Record:
        rng = self.rng
        pool = self.clients.setdefault((company, messenger), [])
        if pool and self.rand() < 0.3:
            return self.pick(pool)
        culture = self.weighted(data.CULTURES, CULTURE_WEIGHTS)
        digits = culture.phone_digits
        phone = f"{culture.phone_prefix}{rng.randrange(10**digits):0{digits}d}"
        last = self.pick(culture.family)
        if self.rand() < 0.5:
            first = self.pick(culture.male)
        else:
            first, last = self.pick(culture.female), last + culture.feminine
        name = last + first if culture.code == "zh" else f"{first} {last}"
        roll = self.rand()
        if roll < 0.05:
            name = self.pick(data.AWKWARD_NAMES)
        elif roll < 0.15 and messenger == "WHATSAPP":
            name = phone
        elif roll < 0.2 and messenger == "WEB":
            name = f"Посетитель сайта #{self.num(1000, 99999)}"
        telegram = None
        if messenger == "TELEGRAM":
            telegram = str(self.num(10**8, 7 * 10**9))
            if self.rand() < 0.08:  # a group chat: Telegram gives those negative ids
                telegram = f"-100{self.num(10**9, 10**10 - 1)}"
        external = f"CRM-{self.num(1, 999999):06d}" if self.rand() < 0.35 else None
        client = {
            "clientId": self.uuid(),
            "name": name,
            "language": culture.language,
            "clientExternalId": external,
            "whatsappPhone": phone if messenger == "WHATSAPP" else None,
            "telegramClientId": telegram,
            "clientBanned": self.rand() < 0.02,
        }
        pool.append(client)
        return client

    def session(self) -> Record:
        rng = self.rng
        company = self.weighted(self.company_ids, self.weights)
        chat = self.pick(self.chats[company])
        messenger = self.weighted(chat["messengers"], chat["weights"])
        client = self.client(company, messenger)
        is_open = self.rand() < 0.15
        if is_open:
            created = self.num(WINDOW_END - OPEN_WINDOW, WINDOW_END - 4 * 3600)
        else:
            created = self.num(WINDOW_START, WINDOW_END - OPEN_WINDOW)
        started = created + self.num(0, 3)
        bot_id = chat["botId"]
        roll = self.rand()
        kind = "OPERATOR" if roll < 0.45 else "BOT" if roll < 0.85 and bot_id else None
        status = ("WAITING" if kind is None else "ACTIVE") if is_open else "CLOSED"
        silent = self.rand() < 0.03
        clients = 0 if silent else self.num(1, 30)
        bots = 0 if silent or kind is None or not bot_id else self.num(1, 12)
        if kind == "OPERATOR" and bots:
            bots = self.num(0, 6)
        ops = self.num(1, 25) if kind == "OPERATOR" and not silent else 0
        assigned = started + self.num(5, 900) if kind == "OPERATOR" else None
        last_at = max(started, assigned or 0) + (0 if silent else self.num(30, 3 * 3600))
        author = self._last_author(clients, ops, bots, status)
        operators: list[Record] = []
        operator_id = operator_name = None
        if kind == "OPERATOR":
            team = self.operators[company]
            at = assigned or started
            for user in [self.pick(team)] if self.rand() < 0.8 else rng.sample(team, 2):
                operators.append(
                    {
                        "id": user["id"],
                        "name": user["name"],
                        "type": "OPERATOR",
                        "assigned_at": self.iso(at),
                    }
                )
                assigned = at
                at = self.num(at, last_at)  # a transfer to a colleague, before the end
            operator_id, operator_name = str(operators[-1]["id"]), operators[-1]["name"]
        elif kind == "BOT":
            operator_id, operator_name = bot_id, chat["botName"]
        closed = last_at + self.num(60, chat["ttl"]) if status == "CLOSED" else None
        online = last_at if author == "CLIENT" else started + self.num(0, last_at - started)
        offline = None if is_open and self.rand() < 0.5 else online + self.num(30, 1800)
        if offline is not None and closed is not None:
            offline = min(offline, closed)
        last_op = None
        after_op = None
        if ops:
            last_op = last_at if author == "OPERATOR" else self.num(assigned or started, last_at)
            if author == "CLIENT" and last_op < last_at:
                after_op = self.num(last_op + 1, last_at)
        updated = max(closed or 0, last_at, offline or 0) + self.num(0, 5)
        unread = self.num(1, min(clients, 5)) if is_open and author == "CLIENT" else 0
        message = None
        if author is not None:
            message = self._message(author, client, chat, operators, last_at, unread)
        referer = None
        if messenger == "WEB":
            referer = f"https://{chat['channels']['WEB']}/{self.pick(data.PAGES)}"
        return {
            "id": self.uuid(),
            "chatId": chat["chatId"],
            "chatName": chat["chatName"],
            "companyId": company,
            "name": client["name"],
            "status": status,
            "messengerType": messenger,
            "channel": chat["channels"][messenger],
            "botId": bot_id,
            "botName": chat["botName"],
            "botStatus": None if not bot_id else _bot_status(kind, status),
            "markedAsSpam": self.rand() < 0.03,
            "ttl": chat["ttl"],
            "operatorId": operator_id,
            "operatorName": operator_name,
            "operatorType": kind,
            "operatorAssignedAt": self.iso(assigned) if assigned else None,
            "operators": operators,
            "clientId": client["clientId"],
            "clientExternalId": client["clientExternalId"],
            "whatsappPhone": client["whatsappPhone"],
            "telegramClientId": client["telegramClientId"],
            "clientBanned": client["clientBanned"],
            "clientMessageCount": clients,
            "operatorMessageCount": ops,
            "botMessageCount": bots,
            "unreadClientMessageCount": unread,
            "lastMessage": message,
            "lastMessageCreatedAt": self.iso(last_at) if message else None,
            "tags": rng.sample(data.TAGS, self.pick((1, 2, 3))) if self.rand() < 0.6 else [],
            "referer": referer,
            "timerFirstAnswer": chat["timerFirstAnswer"],
            "timerNextAnswers": chat["timerNextAnswers"],
            "lastOperatorMessage": self.iso(last_op) if last_op else None,
            "firstClientMessageAfterLastOperatorMessage": self.iso(after_op) if after_op else None,
            "createdAt": self.iso(created),
            "updatedAt": self.iso(updated),
            "startedAt": self.iso(started),
            "closedAt": self.iso(closed) if closed else None,
            "clientOnlineAt": self.iso(online),
            "clientOfflineAt": self.iso(offline) if offline else None,
        }

    def _last_author(self, clients: int, ops: int, bots: int, status: str) -> str | None:
        authors = [a for a, n in (("CLIENT", clients), ("OPERATOR", ops), ("BOT", bots)) if n]
        if not authors:
            return None
        if status == "CLOSED" and "OPERATOR" in authors and self.rand() < 0.6:
            return "OPERATOR"
        return self.pick(authors)

    def _message(
        self,
        author: str,
        client: Record,
        chat: Record,
        operators: list[Record],
        at: int,
        unread: int,
    ) -> Record:
        n = self.num(1000, 99999)
        attachments: list[Record] = []
        kind = "TEXT"
        if author == "CLIENT":
            author_id, author_name = client["clientId"], client["name"]
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
            author_id, author_name = str(operators[-1]["id"]), operators[-1]["name"]
            body = self.pick(data.OPERATOR_TEXTS).format(n=n)
        else:
            author_id, author_name = chat["botId"], chat["botName"]
            body = self.pick(data.BOT_TEXTS)
        read = None if unread else self.iso(at + self.num(1, 120))
        return {
            "id": self.uuid(),
            "authorId": author_id,
            "authorType": author,
            "authorName": author_name,
            "type": kind,
            "body": body,
            "attachments": attachments,
            "createdAt": self.iso(at),
            "readAt": read,
        }


def _bot_status(kind: str | None, status: str) -> str:
    if kind == "BOT":
        return "FINISHED" if status == "CLOSED" else "ACTIVE"
    return "PAUSED"
