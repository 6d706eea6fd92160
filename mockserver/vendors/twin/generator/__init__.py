"""Deterministic TWIN (twin24.ai) fixtures: companies, users, chats, clients, operator groups,
chat sessions and every session's messages.

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
* ``chats`` (mock-only) ``{id, companyId, name, botId, botName, messengerTypes, channels, ttl,
  timerFirstAnswer, timerNextAnswers}``: one to three per company, most with a bot.
* ``clients`` (mock-only) ``{id, companyId, messengerType, name, language, clientExternalId,
  whatsappPhone, telegramClientId, clientBanned}``: a client writes on one messenger and may come
  back (a returning client has several sessions).
* ``operatorGroups`` (mock-only) ``{id, companyId, name, operatorIds}``: one to three per
  company, each of one or more of the company's operators.
* ``sessions``: wire records (``SessionInfo`` in ``openapi/twin.yaml``), ``companyId`` on the
  wire, so no private field is needed. ``tags`` is a comma-separated string or null, as the
  vendor's SDK types it.
* ``messages``: wire records (``MessageListItem``), every message of every session, oldest
  first. A session's counters, ``lastMessage``, ``lastMessageCreatedAt``,
  ``lastOperatorMessage``, ``firstClientMessageAfterLastOperatorMessage`` and
  ``unreadClientMessageCount`` (client messages without ``readAt``) are computed from them, so
  they always agree (see :mod:`..messages`). Closed sessions spread over two years (2023-07-01 to
  2025-07-01, UTC); active and waiting ones sit in the last three days, because a session
  lives at most 12 hours. Lifecycle times are ordered: created <= started <= operator assigned
  <= last message <= closed <= updated. Messenger type decides which client ids exist
  (``whatsappPhone`` only on WhatsApp, ``telegramClientId`` only on Telegram, ``referer`` only
  on the web widget).

Names come from several languages; a few session names, phones and Telegram ids are the awkward
values real exports meet: commas, quotes, semicolons, a leading ``=``/``+``/``-``/``@``, and
message bodies with line breaks. The word pools live in :mod:`.data`, the messages are
:mod:`.conversation`'s. Stdlib only; 100,000
sessions take a few seconds.
"""

from __future__ import annotations

import random
from itertools import accumulate
from typing import Any

from ..messages import summary
from . import data
from .conversation import Conversations

__all__ = ["generate"]

Record = dict[str, Any]

WINDOW_START = 1688169600  # 2023-07-01T00:00:00+00:00
WINDOW_END = 1751328000  # 2025-07-01T00:00:00+00:00, the fixtures' "now"
OPEN_WINDOW = 3 * 86400  # sessions still open started in the last three days
CULTURE_WEIGHTS = list(accumulate(c.weight for c in data.CULTURES))


def generate(count: int, seed: int = 1) -> dict[str, list[Record]]:
    """Collection name -> records; ``count`` chat sessions, everything else scaled to it."""
    rng = random.Random(seed)
    companies = _companies(rng, max(8, min(count // 25, 2000)))
    users = _users(rng, companies)
    ctx = _Context(rng, companies, users)
    sessions = [ctx.session() for _ in range(count)]
    sessions.sort(key=lambda s: (s["createdAt"], s["id"]))
    ctx.messages.sort(key=lambda m: (m["createdAt"], m["sessionId"]))
    return {
        "companies": companies,
        "users": users,
        "chats": [chat for c in companies for chat in ctx.chat_records(c["id"])],
        "clients": [client for pool in ctx.clients.values() for client in pool],
        "operatorGroups": _groups(ctx),
        "sessions": sessions,
        "messages": ctx.messages,
    }


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


def _groups(ctx: _Context) -> list[Record]:
    """One to three operator groups per company, each of one or more of its operators."""
    groups = []
    for company, team in ctx.operators.items():
        for name in ctx.rng.sample(data.GROUP_NAMES, ctx.num(1, 3)):
            members = ctx.rng.sample(team, ctx.num(1, len(team)))
            groups.append(
                {
                    "id": ctx.uuid(),
                    "companyId": company,
                    "name": name,
                    "operatorIds": [user["id"] for user in members],
                }
            )
    return groups


def _user(uid: int, email: str, password: str, name: str, company: int, role: str) -> Record:
    return {
        "id": uid,
        "email": email,
        "password": password,
        "name": name,
        "companyId": company,
        "role": role,
    }


class _Context(Conversations):
    """Per-company bots, chats, channels and returning clients, shared by the sessions."""

    def __init__(self, rng: random.Random, companies: list[Record], users: list[Record]) -> None:
        super().__init__(rng)
        self.company_ids = [c["id"] for c in companies]
        # the demo and solo companies get more traffic, so paging over them is worth testing
        self.weights = list(accumulate(4 if c["id"] <= 2 else 1 for c in companies))
        self.operators: dict[int, list[Record]] = {}
        for user in users:
            if user["role"] == "OPERATOR":
                self.operators.setdefault(user["companyId"], []).append(user)
        self.chats = {c["id"]: self._chats(c["id"]) for c in companies}
        self.clients: dict[tuple[int, str], list[Record]] = {}
        self.messages: list[Record] = []
        # The demo company's first clients carry every awkward name once, so the demo user's
        # exports always meet each of them; the others meet them by chance.
        self.awkward = list(data.AWKWARD_NAMES)

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

    def chat_records(self, company: int) -> list[Record]:
        """The company's chats as the ``chats`` collection holds them."""
        return [
            {
                "id": chat["chatId"],
                "companyId": company,
                "name": chat["chatName"],
                "botId": chat["botId"],
                "botName": chat["botName"],
                "messengerTypes": chat["messengers"],
                "channels": chat["channels"],
                "ttl": chat["ttl"],
                "timerFirstAnswer": chat["timerFirstAnswer"],
                "timerNextAnswers": chat["timerNextAnswers"],
            }
            for chat in self.chats[company]
        ]

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
        if company == 1 and self.awkward:
            name = self.awkward.pop(0)
        elif roll < 0.05:
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
            "id": self.uuid(),
            "companyId": company,
            "messengerType": messenger,
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
        clients = 0 if silent else self.num(1, 10)
        bots = 0 if silent or kind is None or not bot_id else self.num(1, 6)
        if kind == "OPERATOR" and bots:
            bots = self.num(0, 3)
        ops = self.num(1, 8) if kind == "OPERATOR" and not silent else 0
        first_assigned = assigned = started + self.num(5, 900) if kind == "OPERATOR" else None
        last_at = max(started, assigned or 0) + (0 if silent else self.num(30, 3 * 3600))
        author = self._last_author(clients, ops, bots, status)
        # (when, operator) for each assignment: an operator's message is written by whoever
        # handled the session at that moment.
        shifts: list[tuple[int, Record]] = []
        operator_id = operator_name = None
        if kind == "OPERATOR":
            team = self.operators[company]
            at = assigned or started
            for user in [self.pick(team)] if self.rand() < 0.8 else rng.sample(team, 2):
                shifts.append((at, user))
                assigned = at
                at = self.num(at, last_at)  # a transfer to a colleague, before the end
            operator_id, operator_name = str(shifts[-1][1]["id"]), shifts[-1][1]["name"]
        elif kind == "BOT":
            operator_id, operator_name = bot_id, chat["botName"]
        session_id = self.uuid()
        messages = self._conversation(
            session_id,
            client,
            chat,
            shifts,
            {"CLIENT": clients, "OPERATOR": ops, "BOT": bots},
            (started, first_assigned or last_at, last_at),
            author,
            unread_allowed=is_open,
        )
        self.messages += messages
        closed = last_at + self.num(60, chat["ttl"]) if status == "CLOSED" else None
        online = last_at if author == "CLIENT" else started + self.num(0, last_at - started)
        offline = None if is_open and self.rand() < 0.5 else online + self.num(30, 1800)
        if offline is not None and closed is not None:
            offline = min(offline, closed)
        updated = max(closed or 0, last_at, offline or 0) + self.num(0, 5)
        referer = None
        if messenger == "WEB":
            referer = f"https://{chat['channels']['WEB']}/{self.pick(data.PAGES)}"
        tags = ",".join(rng.sample(data.TAGS, self.pick((1, 2, 3)))) if self.rand() < 0.6 else None
        told = summary(messages)
        return {
            "id": session_id,
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
            "operators": [
                {
                    "id": user["id"],
                    "name": user["name"],
                    "type": "OPERATOR",
                    "assigned_at": self.iso(at),
                }
                for at, user in shifts
            ],
            "clientId": client["id"],
            "clientExternalId": client["clientExternalId"],
            "whatsappPhone": client["whatsappPhone"],
            "telegramClientId": client["telegramClientId"],
            "clientBanned": client["clientBanned"],
            "clientMessageCount": told["clientMessageCount"],
            "operatorMessageCount": told["operatorMessageCount"],
            "botMessageCount": told["botMessageCount"],
            "unreadClientMessageCount": told["unreadClientMessageCount"],
            "lastMessage": told["lastMessage"],
            "lastMessageCreatedAt": told["lastMessageCreatedAt"],
            "tags": tags,
            "referer": referer,
            "timerFirstAnswer": chat["timerFirstAnswer"],
            "timerNextAnswers": chat["timerNextAnswers"],
            "lastOperatorMessage": told["lastOperatorMessage"],
            "firstClientMessageAfterLastOperatorMessage": told[
                "firstClientMessageAfterLastOperatorMessage"
            ],
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


def _bot_status(kind: str | None, status: str) -> str:
    if kind == "BOT":
        return "FINISHED" if status == "CLOSED" else "ACTIVE"
    return "PAUSED"
