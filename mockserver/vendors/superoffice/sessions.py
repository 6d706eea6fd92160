"""SuperOffice chat sessions as the wire shows them: carriers embedded, presented, and kept.

A stored session names the carriers it links to by id, in mock-only fields that are never served
(``user_id``, ``person_id``…: :data:`LINKS`), with those wire properties null; the answer embeds
the very records of the ``associates``, ``persons``… collections. Embedded in the fixture file
they made each session 5 KB larger, and 100k sessions 1.7 GB in memory. A session that carries a
carrier itself (a data set loaded through the admin API the way the wire shows it) is served as
it is.

Presenting a session (dates into the request's time zone, texts into its language:
:mod:`.superoffice_locale`) walks every value of it and its carriers; done on every call it was
95 % of a list call's time. Stored records are never changed in place and every write bumps its
collection's version, so a presented session stays true until one of the collections it is made
of changes: :class:`PresentedSessions` keeps sessions per presentation, each carrier presented
once and shared by the sessions that link to it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Final

from ...collection import Collection
from ...errors import FixtureError
from ...projection import without
from ...xml import Fragments
from .locale import Presentation

__all__ = ["LINKS", "LINK_FIELDS", "MAX_KEPT", "PresentedSessions", "check_links"]

# Carrier property -> (the field naming the record, the collection it is in). Flat fields
# rather than one map of links per session: 100k such maps took 17 MB more.
LINKS: Final = {
    "User": ("user_id", "associates"),
    "Person": ("person_id", "persons"),
    "Contact": ("contact_id", "contacts"),
    "Project": ("project_id", "projects"),
    "Sale": ("sale_id", "sales"),
    "Ticket": ("ticket_id", "tickets"),
    "TransferTo": ("transfer_to_id", "associates"),
}
LINK_FIELDS: Final = tuple(field for field, _ in LINKS.values())
# Presented sessions kept in all, with their carriers about 30 MB: a list call is a few hundred,
# so this is dozens of associates' lists. Beyond it the least recently used presentation (time
# zone, offset, language) goes first, so that a client logging in as every associate in every
# zone cannot make the cache a second copy of the data set.
MAX_KEPT: Final = 10_000
# XML texts of presented sessions and of their carriers and nested objects (a dozen or so a
# session), kept as long as the presented sessions are: about 25 MB at most.
MAX_XML_KEPT: Final = 20_000
# What a presented session is made of: a change to any of these drops every presented session.
_SOURCES: Final = ("sessions", *dict.fromkeys(target for _, target in LINKS.values()))


def check_links(collections: Mapping[str, Collection], file: str) -> None:
    """Every link names an existing record of its carrier's collection, instead of a carrier."""
    sessions = collections["sessions"].all()
    for name, (field, target) in LINKS.items():
        records = collections[target]
        known = {r[records.key] for r in records}
        for index, session in enumerate(sessions):
            ident = session.get(field)
            if ident is None:
                continue
            if not isinstance(ident, int) or ident not in known:
                raise FixtureError(
                    file, f"/{index}/{field}", f"no record of {target} has id {ident!r}"
                )
            if session[name] is not None:
                raise FixtureError(
                    file, f"/{index}/{name}", f"{name} is given and {field} too; give one of them"
                )


class PresentedSessions:
    """Sessions as each presentation shows them, kept until what they are made of changes."""

    def __init__(self, entity: Mapping[str, Any]) -> None:
        """``entity``: the spec's resolved ``ChatSessionEntity``."""
        self._entity = entity
        self._sources: list[tuple[Collection, int]] = []
        self._shown: dict[Hashable, _Shown] = {}
        self.xml = Fragments(MAX_XML_KEPT)
        """The XML of presented sessions: valid for as long as they are, dropped with them."""

    def present(
        self,
        sessions: Iterable[Mapping[str, Any]],
        show: Presentation,
        collections: Mapping[str, Collection],
    ) -> list[dict[str, Any]]:
        """``sessions`` with their carriers, as ``show`` presents them.

        The dicts are shared with later calls: callers must not change them.
        """
        sources = [(collections[name], collections[name].version) for name in _SOURCES]
        if not _same(sources, self._sources):
            self._sources, self._shown = sources, {}
            self.xml.clear()
        key = show.key
        shown = self._shown.pop(key, None)
        if shown is None:
            shown = _Shown(show, self._entity, collections)
        self._shown[key] = shown  # most recently used last: eviction takes the oldest first
        presented = [shown.session(s) for s in sessions]
        while sum(map(len, self._shown.values())) > MAX_KEPT:
            del self._shown[next(iter(self._shown))]
        return presented


def _same(sources: list[tuple[Collection, int]], known: list[tuple[Collection, int]]) -> bool:
    """The same collections (not replaced by a reset or a load) at the same versions."""
    return len(sources) == len(known) and all(
        a is b and v == w for (a, v), (b, w) in zip(sources, known, strict=True)
    )


class _Shown:
    """One presentation's sessions and carriers, each presented the first time it is asked for."""

    def __init__(
        self, show: Presentation, entity: Mapping[str, Any], collections: Mapping[str, Collection]
    ) -> None:
        self._show = show
        self._entity = entity
        self._collections = collections
        self._sessions: dict[Any, dict[str, Any]] = {}
        self._carriers: dict[tuple[str, Any], Any] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def session(self, record: Mapping[str, Any]) -> dict[str, Any]:
        ident = record["ChatSessionId"]
        found = self._sessions.get(ident)
        if found is None:
            found = self._show.present(without(record, LINK_FIELDS), self._entity)
            for name, (field, _) in LINKS.items():
                link = record.get(field)
                if link is not None:
                    found[name] = self._carrier(name, link)
            self._sessions[ident] = found
        return found

    def _carrier(self, name: str, ident: Any) -> Any:
        key = (name, ident)
        if key not in self._carriers:
            record = self._collections[LINKS[name][1]].get(ident)
            schema = self._entity["properties"][name]
            self._carriers[key] = self._show.present(record, schema, (name,))
        return self._carriers[key]
