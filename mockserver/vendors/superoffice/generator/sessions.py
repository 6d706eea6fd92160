"""SuperOffice chat sessions (``ChatSessionEntity``) over an already built CRM.

A session's fields follow from its status: the lifecycle times a status has reached (requested
<= started <= idle <= ended, the others unset), an agent only once someone picked the chat up,
a rank and typing flags only while it is live, a rating only once it is over, a queue position
only if it went through the queue. Links to a person, company, project, sale or ticket are
drawn from that CRM so they agree with each other (the person works at the company, the sale
is the company's, the ticket is the person's), and are often missing, as on a real site where
the visitor never said who they were.

A session names those carriers by id, in mock-only fields (``user_id``, ``person_id``…, only
those it has), and leaves the wire properties null: the server embeds the very records of the
``associates``, ``persons``… collections when it answers. Embedded in the file they were 5 KB of
every session's 5.5 (522 MB of JSON at 100k sessions, parsed into 100k separate copies).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from ..api import SuperOffice
from ..sessions import LINKS
from .crm import UNSET, Record, ascii_slug, full_name, person_name, rights, stamp
from .crm import field as fp
from .data import COUNTRIES, FIRST_MESSAGES, REPLIES

NOW: Final = datetime(2025, 6, 30, 12, 0, 0)  # the fixtures' "now", in UTC
START: Final = datetime(2023, 1, 2, 6, 0, 0)
STATUSES: Final = (
    "Invalid", "PreChatForm", "Faq", "OfflineForm", "InQueue", "CustomerLast", "UserLast",
    "Finished", "Deleted", "Closed", "RequestPosted", "ClosedFromQueue",
)  # fmt: skip
WEIGHTS: Final = (1, 4, 3, 6, 6, 6, 6, 15, 4, 30, 3, 8)
LIVE: Final = frozenset({"CustomerLast", "UserLast"})
ENDED: Final = frozenset({"Finished", "Deleted", "Closed"})
WAITING: Final = frozenset({"Invalid", "PreChatForm", "Faq", "RequestPosted", "InQueue"})
UNQUEUED: Final = frozenset({"Invalid", "PreChatForm", "Faq", "OfflineForm", "RequestPosted"})
LANG_OF: Final = {info["id"]: str(info["lang"]) for info in COUNTRIES.values()}
LANGS: Final = tuple(FIRST_MESSAGES)
# ChatSessionFlags: CustomerIsTyping is the zero member, so a flags enum never writes it inside a
# combination ("CustomerIsTyping, UserIsTyping" cannot occur); UserIsTyping is the only bit.
FLAGS: Final = ("CustomerIsTyping", "UserIsTyping")
FREE_MAIL: Final = (
    "gmail.com", "outlook.com", "online.no", "telia.com", "web.de", "live.nl", "orange.fr",
    "hotmail.co.uk",
)  # fmt: skip
# FieldProperties as the vendor fills them for some carriers (most carry an empty map).
FIELDS: Final = {
    "ChatSessionId": fp("System.Int32", 4, "Read"),
    "TopicId": fp("System.Int32", 4),
    "User": fp("SuperOffice.CRM.Services.Associate", 4),
    "Person": fp("SuperOffice.CRM.Services.Person", 4),
    "CustomerName": fp("System.String", 254),
    "CustomerEmail": fp("System.String", 254),
    "Status": fp("SuperOffice.Data.ChatSessionStatus", 2),
    "WhenRequested": fp("System.DateTime", 16, "Read"),
    "WhenEnded": fp("System.DateTime", 16),
    "SessionKey": fp("System.String", 254, "Unused4, UIHintReadOnly", "[SR_ACCESS_FIELD_R_DB]"),
    "Flags": fp("SuperOffice.Data.ChatSessionFlags", 4),
    "Rating": fp("System.Int32", 4),
}
# The id property of each collection a session links to (vendors.superoffice_sessions.LINKS).
_KEY_OF: Final = {fixture.name: fixture.key for fixture in SuperOffice.fixtures}
MANDATORY: Final = {
    "CustomerName": fp(
        "System.String", 254, "Update, UIHintMandatory", "[SR_MANDATORY_FIELD_1285]"
    ),
    "CustomerEmail": fp(
        "System.String", 254, "Update, UIHintMandatory", "[SR_MANDATORY_FIELD_1288]"
    ),
}


def moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random second in [start, end)."""
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


@dataclass
class World:
    """What sessions link to: per topic its responders (Can Respond or Manager), the customer
    companies with their people, sales and (per person) tickets, and the projects."""

    responders: dict[int, list[Record]]
    companies: list[Record]
    staff_of: dict[int, list[Record]]
    deals_of: dict[int, list[Record]]
    cases_of: dict[int, list[Record]]
    projects: list[Record]
    rank: dict[int, int] = field(default_factory=dict)


def session(rng: random.Random, world: World, ident: int) -> Record:
    """Chat session ``ident``; the first 48 go round all statuses, the rest are weighted."""
    status = STATUSES[ident % 12] if ident <= 48 else rng.choices(STATUSES, WEIGHTS)[0]
    topic = rng.randrange(1, len(world.responders) + 1)
    company, customer = _visitor(rng, world)
    lang = LANG_OF[company["CountryId"]] if company else rng.choice(LANGS)
    requested, started, idle, ended, fetched = _lifecycle(rng, status)
    live = status in LIVE
    agents = [a for a in world.responders[topic] if not (live and a["Deleted"])]
    user = rng.choice(agents) if agents and started else None
    transfer, rank = None, 0
    if live and user is not None:
        rank = world.rank[user["AssociateId"]] = world.rank.get(user["AssociateId"], 0) + 1
        if rng.random() < 0.2:
            transfer = next((a for a in agents if a is not user), None)
    if customer is not None:
        name, email = customer["FullName"], customer["Email"]
        phone = customer["MobilePhone"] if rng.random() < 0.5 else ""
    else:
        _, first, middle, last = person_name(rng, lang)
        name = full_name(first, middle, last) if rng.random() < 0.7 else ""
        email = f"{ascii_slug(first)}{rng.randint(1, 99)}@{rng.choice(FREE_MAIL)}" if name else ""
        phone = ""
    first_message = (
        "" if status in ("Invalid", "PreChatForm", "Faq") else _say(rng, FIRST_MESSAGES, lang)
    )
    last_message = {
        "UserLast": _say(rng, REPLIES, lang),
        "CustomerLast": _say(rng, FIRST_MESSAGES, lang),
        "ClosedFromQueue": "[SR_CHAT_ENDED_BY_CUSTOMER]",
    }.get(status, REPLIES[lang][-1] if status in ENDED else first_message)
    deals = world.deals_of.get(company["ContactId"], []) if company else []
    cases = world.cases_of.get(customer["PersonId"], []) if customer else []
    luck = rng.random()
    record = {
        "ChatSessionId": ident,
        "TopicId": topic,
        "User": user,
        "Person": customer,
        "CustomerAlias": name.partition(" ")[0] if name and rng.random() < 0.6 else "",
        "CustomerHost": _host(rng),
        "CustomerName": name,
        "CustomerEmail": email,
        "CustomerPhone": phone,
        "CustomerConsented": rng.random() < 0.7,
        "CustomerCompanyName": company["Name"] if company else "",
        "Status": status,
        "FirstMessage": first_message,
        "LastMessage": last_message,
        "WhenRequested": stamp(requested),
        "WhenStarted": stamp(started),
        "WhenEnded": stamp(ended),
        "WhenIdle": stamp(idle),
        "WhenFetched": stamp(fetched),
        "SessionKey": f"{rng.getrandbits(128):032x}",
        "InitialQueuePos": 0 if status in UNQUEUED else rng.randint(1, 8),
        "AlertLevel": rng.choice((0, 0, 1, 2, 3)) if status == "InQueue" else 0,
        "Rank": rank,
        "Flags": rng.choice(FLAGS) if live else FLAGS[0],
        "Contact": company,
        "Project": rng.choice(world.projects) if luck < 0.1 else None,
        "Sale": rng.choice(deals) if deals and rng.random() < 0.3 else None,
        "Ticket": rng.choice(cases) if cases and rng.random() < 0.5 else None,
        "TransferTo": transfer,
        "ChatbotIsActive": status in ("Faq", "InQueue", "PreChatForm") and rng.random() < 0.4,
        "Rating": rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        if status in ENDED and user and luck < 0.5
        else 0,
        "TableRight": rights("Select, Update, Insert, Delete")
        if luck < 0.8
        else rights("FULL")
        if luck < 0.9
        else rights("Select", "[SR_ACCESS_EXTERNAL_DELETE]"),
        "FieldProperties": {} if ident % 5 else FIELDS if ident % 2 else MANDATORY,
    }
    return _by_reference(record)


def _by_reference(record: Record) -> Record:
    """``record`` with its carriers named by id and their wire properties null."""
    ids = {
        field: record[name][_KEY_OF[target]]
        for name, (field, target) in LINKS.items()
        if record[name] is not None
    }
    return {**{k: None if k in LINKS else v for k, v in record.items()}, **ids}


def _visitor(rng: random.Random, world: World) -> tuple[Record | None, Record | None]:
    """(company, person) of the visitor: known, company only, or nobody."""
    if rng.random() >= 0.75:
        return None, None
    company = world.companies[rng.randrange(len(world.companies))]
    if rng.random() < 0.85:
        return company, rng.choice(world.staff_of[company["ContactId"]])
    return (company if rng.random() < 0.4 else None), None


def _say(rng: random.Random, lines: dict[str, list[str]], lang: str) -> str:
    return rng.choice(lines[lang])


def _lifecycle(rng: random.Random, status: str) -> list[datetime | None]:
    """[requested, started, idle, ended, fetched] for one status; None where not reached."""
    if status in WAITING or status in LIVE:
        requested = NOW - timedelta(seconds=rng.randint(900, 5400))
    else:
        requested = moment(rng, START, NOW - timedelta(hours=3))
    picked = requested + timedelta(seconds=rng.randint(5, 600))
    polled = NOW - timedelta(seconds=rng.randint(1, 20))
    if status in WAITING:
        return [requested, None, requested if status == "InQueue" else None, None, polled]
    if status in ("OfflineForm", "ClosedFromQueue"):
        return [requested, None, None if status == "OfflineForm" else requested, picked, picked]
    idle = picked + timedelta(seconds=rng.randint(30, 1800))
    if status in LIVE:
        return [requested, picked, min(idle, polled), None, polled]
    ended = idle + timedelta(seconds=rng.randint(5, 300))
    return [requested, picked, idle, ended, ended]


def _host(rng: random.Random) -> str:
    """The visitor's address: IPv4, IPv6 or a reverse-DNS host name (one draw of random bits)."""
    bits = rng.getrandbits(64)
    net = f"{(84, 85, 193, 212, 31, 95)[bits % 6]}.{1 + (bits >> 3) % 254}.{(bits >> 11) & 255}"
    host = 1 + (bits >> 19) % 254
    kind = (bits >> 27) % 3
    if kind == 0:
        return f"{net}.{host}"
    if kind == 1:
        return f"2a02:{(bits >> 29) & 0xFFFF:x}:{(bits >> 45) & 0xFFFF:x}::{host:x}"
    return f"cm-{net}.{host}.getinternet.no"


def messages(sessions: list[Record], associates: list[Record]) -> list[Record]:
    """The messages (``ChatMessage``) the sessions' ``FirstMessage`` and ``LastMessage`` copy.

    Derived, not drawn, so the rest of the data set is the same with or without them: the
    customer's first message when the session was requested; then the last one, when it differs,
    from the agent (``UserLast`` and ended sessions) or the customer (``CustomerLast``) when the
    session was last idle, or the system's note when the customer left the queue.
    """
    names = {a["AssociateId"]: a["FullName"] for a in associates}
    result: list[Record] = []
    for s in sessions:
        customer = s["CustomerName"] or s["CustomerAlias"] or "Customer"
        said = []
        if s["FirstMessage"]:
            said.append(("ToUser", "None", customer, s["FirstMessage"], s["WhenRequested"]))
        last, idle = s["LastMessage"], s["WhenIdle"] if s["WhenIdle"] != UNSET else s["WhenEnded"]
        if last and last != s["FirstMessage"]:
            if s["Status"] == "ClosedFromQueue":
                said.append(("Special", "ClosedByCustomer", "", last, idle))
            elif s["Status"] == "CustomerLast":
                said.append(("ToUser", "None", customer, last, idle))
            else:
                agent = names.get(s.get("user_id"), "")
                said.append(("ToCustomer", "None", agent, last, idle))
        for kind, special, author, text, when in said:
            result.append(
                {
                    "ChatMessageId": len(result) + 1,
                    "ChatSessionId": s["ChatSessionId"],
                    "Type": kind,
                    "Message": text,
                    "Author": author,
                    "ReadByCustomer": 1 if kind != "ToUser" else 0,
                    "SpecialType": special,
                    "SpecialParam": "",
                    "WhenPosted": when,
                }
            )
    return result
