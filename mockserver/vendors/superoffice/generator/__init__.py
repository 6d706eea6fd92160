"""Deterministic fixtures for SuperOffice's ``POST /api/v1/Agents/Chat/ChatSessionsForUser``.

What the call returns depends on who asks: an associate sees the sessions of every chat topic on
which they hold at least one of Can Respond, Notifications (``CanNotify``), Listen or Manager.
So the fixtures are a small CRM rather than a list: associates (some retired), chat topics and
their agents with rights, the companies, people, projects, sales and tickets that sessions link
to, and the sessions themselves. A session names the carriers it links to by id (the server
embeds them from the ``persons``, ``contacts``… collections when it answers).

The data set grows the way a real one does: topics, staff and customers grow with the sessions
(``SESSIONS_PER_…``), so what one associate sees (the API has no paging: every session of their
topics) stays about the same at any size, the fixed accounts' four topics included, instead of
growing with the data set. At the checked-in 250 sessions the minimums still decide.

Fixed accounts, identical in README, fixtures and tests: ``demo`` / ``demo-password`` (also
``SOTicket 7T:demo-ticket``, ``Bearer 8A:demo-token`` and XSRF ``demo-xsrf-token``) holds each of
the four rights alone on topics 1-4 and an all-false row on topic 5; ``other`` /
``other-password`` (``7T:other-ticket``, ``8A:other-token``) holds topics 6-8 and an all-false
row on topic 1; ``retired`` / ``retired-password`` (``7T:retired-ticket``) is a deleted
associate. Every other associate who can log in has ``<username>-password``.

Times are stored once, in UTC, without offset (``2024-03-01T09:15:00``), unset ones as
``0001-01-01T00:00:00``; the server converts them per request. Resource strings (``[SR_…]``)
and multi-language values (``NO:"…";US:"…"``) are stored untranslated, with the translation
table beside them, as are the language codes and SuperOffice's time-zone locations.
"""

from __future__ import annotations

import random
from itertools import count as counter
from typing import Any, Final

from .crm import Record, ascii_slug, associate, contact, person
from .data import COUNTRIES, LANGUAGES, RESOURCE_STRINGS, TIME_ZONES, TOPICS
from .deals import project, sale, ticket
from .sessions import NOW, START, World, messages, moment, session

__all__ = ["generate"]

# The fixed logins: (username, first name, last name, retired).
ACCOUNTS: Final = (
    ("demo", "Dina", "Demo", False),
    ("other", "Otto", "Other", False),
    ("retired", "Rita", "Retired", True),
)
# (username, scheme, token) for the SOTicket, Bearer and XSRF (browser-session) credentials.
TOKENS: Final = (
    ("demo", "SOTicket", "7T:demo-ticket"),
    ("demo", "Bearer", "8A:demo-token"),
    ("demo", "XSRF", "demo-xsrf-token"),
    ("other", "SOTicket", "7T:other-ticket"),
    ("other", "Bearer", "8A:other-token"),
    ("retired", "SOTicket", "7T:retired-ticket"),
)
# username -> (topic, CanListen, CanRespond, CanManage, CanNotify)
RIGHTS: Final = {
    "demo": ((1, 0, 1, 0, 0), (2, 1, 0, 0, 0), (3, 0, 0, 0, 1), (4, 0, 0, 1, 0), (5, 0, 0, 0, 0)),
    "other": ((6, 0, 1, 0, 1), (7, 1, 0, 1, 0), (8, 1, 0, 0, 0), (1, 0, 0, 0, 0)),
    "retired": ((1, 0, 1, 0, 1),),
}
LOGIN_TYPES: Final = ("InternalAssociate", "ExternalAssociate")
# How the data set grows with the sessions: per chat topic (each with about five agents, so an
# associate is on about eight topics), per associate on staff, per customer company (about one
# chat a month over the two and a half years).
SESSIONS_PER_TOPIC: Final = 30
SESSIONS_PER_ASSOCIATE: Final = 48
SESSIONS_PER_CUSTOMER: Final = 50


def generate(count: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    """All SuperOffice collections, with ``count`` chat sessions; the same seed, the same data."""
    rng = random.Random(seed)
    crm = _Crm(rng)
    crm.staff(max(12, count // SESSIONS_PER_ASSOCIATE))
    crm.chat_topics(max(len(TOPICS), count // SESSIONS_PER_TOPIC))
    crm.customers(max(30, count // SESSIONS_PER_CUSTOMER))
    world = World(
        responders=crm.responders,
        companies=crm.contacts[1:],
        staff_of=crm.staff_of,
        deals_of=crm.deals_of,
        cases_of=crm.cases_of,
        projects=crm.projects,
    )
    sessions = [session(rng, world, ident) for ident in range(1, count + 1)]
    return {
        "associates": crm.associates,
        "credentials": crm.credentials,
        "tokens": crm.tokens,
        "chat_topics": crm.topics,
        "chat_topic_agents": crm.agents,
        "contacts": crm.contacts,
        "persons": crm.persons,
        "projects": crm.projects,
        "sales": crm.sales,
        "tickets": crm.tickets,
        "sessions": sessions,
        "messages": messages(sessions, crm.associates),
        "resource_strings": [{"name": k, "texts": v} for k, v in RESOURCE_STRINGS.items()],
        "languages": [dict(language) for language in LANGUAGES],
        "time_zones": [
            {
                "TZLocationID": ident,
                "TZLocationCode": code,
                "Name": name,
                "TZLocationCities": cities,
                "IsoNumber": iso,
                "iana": iana,
            }
            for ident, code, name, cities, iso, iana in TIME_ZONES
        ],
    }


class _Crm:
    """The records around the sessions, built in order: staff, topics, customers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people = counter(1)
        self.associates: list[Record] = []
        self.credentials: list[Record] = []
        self.tokens: list[Record] = []
        self.persons: list[Record] = []
        self.contacts: list[Record] = []
        self.agents: list[Record] = []
        self.agent_pairs: set[tuple[int, int]] = set()
        self.sales: list[Record] = []
        self.tickets: list[Record] = []
        self.staff_of: dict[int, list[Record]] = {}
        self.deals_of: dict[int, list[Record]] = {}
        self.cases_of: dict[int, list[Record]] = {}

    def staff(self, extra: int) -> None:
        """The system user, the owner company and its employees as associates: the fixed
        accounts, then ``extra`` more (a few external, resources or retired), with logins."""
        rng = self.rng
        system = associate(1, "SYSTEM", None, "SystemAssociate", ej_user=1)
        owner = contact(rng, 1, "NO", system, "Nordavind Software AS")
        owner["IsOwnerContact"] = True
        self.contacts.append(owner)
        self.associates.append(system)
        for ident in range(2, 2 + len(ACCOUNTS) + extra):
            employee = person(
                rng,
                next(self.people),
                owner,
                system,
                rng.choice(["no", "no", "sv", "da", "de", "en"]),
            )
            self.persons.append(employee)
            if ident - 2 < len(ACCOUNTS):
                login, first, last, retired = ACCOUNTS[ident - 2]
                name = f"{first} {last}"
                employee.update(Firstname=first, Lastname=last, MiddleName="", FullName=name)
                employee.update(FormalName=name, Email=f"{login}@nordavind.no", EmailName=name)
                kind = "InternalAssociate"
            else:
                first, last = employee["Firstname"], employee["Lastname"]
                login = f"{ascii_slug(first)[:1]}{ascii_slug(last)}{ident}"
                retired = ident % 6 == 0
                kind = "ExternalAssociate" if ident % 7 == 0 else LOGIN_TYPES[0]
                kind = "ResourceAssociate" if ident % 11 == 0 else kind
            if kind == "ResourceAssociate":
                room = associate(ident, f"ROOM{ident}", None, kind, tooltip="Meeting room")
                self.associates.append(room)
                continue
            self.associates.append(
                associate(
                    ident,
                    login.upper(),
                    employee,
                    kind,
                    deleted=retired,
                    user_name=login,
                    ej_user=ident if kind == "InternalAssociate" else 0,
                    group=rng.randint(1, 5),
                )
            )
            self.credentials.append(
                {"associate_id": ident, "username": login, "password": f"{login}-password"}
            )
        ids = {c["username"]: c["associate_id"] for c in self.credentials}
        self.tokens = [{"token": t, "scheme": s, "associate_id": ids[u]} for u, s, t in TOKENS]

    def chat_topics(self, total: int) -> None:
        """Chat topics and their agents: the fixed accounts' rights, then two to four agents
        who can respond on every topic and two who only listen or get notified (or neither)."""
        rng = self.rng
        self.topics = []
        for ident in range(1, total + 1):
            name, description = TOPICS[(ident - 1) % len(TOPICS)]
            suffix = "" if ident <= len(TOPICS) else f" {(ident - 1) // len(TOPICS) + 1}"
            self.topics.append(
                {"ChatTopicId": ident, "Name": name + suffix, "Description": description}
            )
        ids = {c["username"]: c["associate_id"] for c in self.credentials}
        for login, rows in RIGHTS.items():
            for topic, *flags in rows:
                self._agent(topic, ids[login], *flags)
        pool = [
            a["AssociateId"]
            for a in self.associates
            if a["Type"] in LOGIN_TYPES and a["AssociateId"] > 1 + len(ACCOUNTS)
        ]
        for topic in range(1, total + 1):
            for ident in rng.sample(pool, min(len(pool), rng.randint(2, 4))):
                self._agent(
                    topic, ident, rng.random() < 0.3, 1, rng.random() < 0.15, rng.random() < 0.5
                )
            for ident in rng.sample(pool, 2):
                self._agent(topic, ident, rng.random() < 0.5, 0, 0, rng.random() < 0.5)
        by_id = {a["AssociateId"]: a for a in self.associates}
        self.responders: dict[int, list[Record]] = {t: [] for t in range(1, total + 1)}
        for row in self.agents:
            if row["CanRespond"] or row["CanManage"]:
                self.responders[row["TopicId"]].append(by_id[row["AssociateId"]])

    def _agent(self, topic: int, ident: int, *flags: int | bool) -> None:
        """One ChatTopicAgent row (``id`` is the mock's own key; the vendor's rows are keyed by
        topic and associate), unless the associate already has one on the topic."""
        if (topic, ident) in self.agent_pairs:
            return
        self.agent_pairs.add((topic, ident))
        listen, respond, manage, notify = (bool(f) for f in flags)
        self.agents.append(
            {
                "id": len(self.agents) + 1,
                "TopicId": topic,
                "AssociateId": ident,
                "CanListen": listen,
                "CanRespond": respond,
                "CanManage": manage,
                "CanNotify": notify,
            }
        )

    def customers(self, total: int) -> None:
        """Customer companies (mostly Nordic) with one to five people each, their sales, and a
        ticket for about half of the people; projects shared across companies."""
        rng = self.rng
        owners = [a for a in self.associates if a["Type"] == LOGIN_TYPES[0] and not a["Deleted"]]
        self.projects = [
            project(rng, i, rng.choice(owners), moment(rng, START, NOW))
            for i in range(1, total // 3 + 2)
        ]
        countries = [*COUNTRIES, "NO", "NO", "SE"]
        languages = [language["iso"] for language in LANGUAGES]
        for ident in range(2, total + 2):
            country = rng.choice(countries)
            owner = rng.choice(owners)
            company = contact(rng, ident, country, owner)
            self.contacts.append(company)
            local = COUNTRIES[country]["lang"]
            staff = [
                person(
                    rng,
                    next(self.people),
                    company,
                    owner,
                    local if rng.random() < 0.85 else rng.choice(languages),
                )
                for _ in range(rng.randint(1, 5))
            ]
            self.persons.extend(staff)
            self.staff_of[ident] = staff
            for _ in range(rng.choice((0, 1, 1, 2))):
                linked = rng.choice(self.projects) if rng.random() < 0.3 else None
                deal = sale(
                    rng,
                    len(self.sales) + 1,
                    company,
                    rng.choice(staff),
                    owner,
                    linked,
                    moment(rng, START, NOW),
                )
                self.sales.append(deal)
                self.deals_of.setdefault(ident, []).append(deal)
            for customer in staff:
                if rng.random() < 0.5:
                    deals = self.deals_of.get(ident)
                    case = ticket(
                        rng,
                        len(self.tickets) + 1,
                        customer,
                        rng.choice(owners),
                        local,
                        moment(rng, START, NOW),
                        rng.choice(deals) if deals else None,
                    )
                    self.tickets.append(case)
                    self.cases_of.setdefault(customer["PersonId"], []).append(case)
