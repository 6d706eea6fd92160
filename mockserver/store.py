"""Every vendor's collections, as this process sees them: replicas of the shared state.

The state itself lives in a backend (:mod:`mockserver.state`: memory, a SQLite file, Redis),
which every worker and replica of the server shares. A :class:`Store` keeps each collection
(:class:`~mockserver.collection.Collection`) whole in this process, because the vendors' queries
(filter, sort, page, their caches) need it there, and :meth:`Store.sync_async` brings it up to
date with the backend at the start of every request, so what any worker wrote is what the next
request reads.

Records are plain dicts exactly as loaded from the fixtures (wire fields plus any private ones).
Readers get the stored dicts and must not mutate them; writers go through the collection's
``aput``, ``ainsert``, ``aupdate`` or ``adelete`` (on the event loop; ``put`` … elsewhere), which
the backend applies atomically (``update`` as a read-modify-write no other write can interleave
with, on any process), and whose result replaces the record whole in the replica, so a
concurrent reader sees either the old or the new record, never half of a change.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .collection import Collection, Record
from .state import Backend, Base, Changes, Seeding, SpaceState, space
from .state.memory import MemoryBackend

__all__ = ["Registry", "Store", "one_stamp"]


@dataclass
class _Pin:
    """The stamp a request reads the state at: the one read on its start, raised by what the
    request itself writes (so its own writes are read back)."""

    backend: Backend
    stamp: int


_pinned: ContextVar[_Pin | None] = ContextVar("pinned_stamp", default=None)


@contextmanager
def one_stamp(backend: Backend, stamp: int) -> Iterator[None]:
    """Every store on ``backend`` that syncs within takes ``stamp``, the backend's stamp read
    once by the caller (``await backend.astamp()``).

    For a request: it reads the state as of its start (and its own writes), which is what the
    guarantees promise, and pays one read of the stamp (a round trip to Redis) however many
    stores it consults (its namespace's, the fault rules', the spent tokens').
    """
    token = _pinned.set(_Pin(backend, stamp))
    try:
        yield
    finally:
        _pinned.reset(token)


# Every store of this process, by backend: what one of them reads of the backend, the others
# need not read again (see Store._share).
_stores: weakref.WeakKeyDictionary[Backend, weakref.WeakSet[Store]] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def _neighbours(backend: Backend) -> list[Store]:
    with _stores_lock:
        return list(_stores.get(backend, ()))


class Store:
    """Every vendor's collections: replicas of the state a :class:`~mockserver.state.Backend`
    keeps, on top of the fixtures they were loaded from.

    A new store holds the fixtures; :meth:`seed` (or :meth:`sync`) takes what the backend kept.
    :meth:`sync_async` brings them up to date (the server awaits it at the start of every
    request; :meth:`sync` is the same off the event loop), so what any process wrote is what
    the next request reads. A space reset or loaded gets a
    new :class:`Collection` object; caches valid for one collection object at one version
    therefore stay valid exactly as long as what they were computed from.
    """

    def __init__(
        self,
        fixtures: Mapping[str, Mapping[str, tuple[str, Sequence[Record]]]],
        backend: Backend | None = None,
        namespace: str = "",
    ) -> None:
        """``fixtures``: vendor -> collection name -> (key field, records)."""
        self._fixtures = fixtures
        self.namespace = namespace
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        self._vendors: dict[str, dict[str, Collection]] = {}
        self._spaces: dict[str, tuple[str, str]] = {}  # space -> (vendor, collection)
        self._bases: dict[str, dict[Any, Record]] = {}
        self._lock = threading.RLock()
        self._seen = 0
        with _stores_lock:
            _stores.setdefault(self.backend, weakref.WeakSet()).add(self)
        for vendor, collections in fixtures.items():
            self._vendors[vendor] = {}
            for name, (key, records) in collections.items():
                self._spaces[space(vendor, name, namespace)] = (vendor, name)
                self._vendors[vendor][name] = self._replica(vendor, name, key, records)

    def vendors(self) -> list[str]:
        return list(self._fixtures)

    def spaces(self, vendor: str | None = None) -> list[str]:
        """The backend's names for a vendor's collections (all vendors': None)."""
        return [s for s, (v, _) in self._spaces.items() if vendor is None or v == vendor]

    def collections(self, vendor: str) -> Mapping[str, Collection]:
        return self._vendors[vendor]

    def seed(self, fingerprints: Mapping[str, str]) -> dict[str, Seeding]:
        """Tie the backend's state to the fixtures of these fingerprints (vendor -> hash).

        A vendor whose fixtures changed since its state was made starts again from them.
        """
        seeding = {
            vendor: self.backend.seed(vendor, fingerprint, self.spaces(vendor))
            for vendor, fingerprint in fingerprints.items()
        }
        self.sync()
        return seeding

    def sync(self) -> None:
        """Catch up with what was written since the last sync, by any process."""
        pin = self._pin()
        stamp = pin.stamp if pin is not None else self.backend.stamp()
        if stamp <= self._seen:  # this replica has it all (another request caught up)
            return
        with self._lock:
            since = self._seen
            changes = self.backend.changes(since)
            self._take(since, changes)
        self._share(since, changes)

    async def sync_async(self) -> None:
        """:meth:`sync`, on the event loop (what the server calls at the start of a request)."""
        pin = self._pin()
        stamp = pin.stamp if pin is not None else await self.backend.astamp()
        if stamp <= self._seen:  # this replica has it all (another request caught up)
            return
        since = self._seen
        changes = await self.backend.achanges(since)
        with self._lock:
            self._take(since, changes)
        self._share(since, changes)

    def _take(self, since: int, changes: Changes) -> None:
        """Apply what was written after ``since`` (under the lock)."""
        if changes.stamp < self._seen and not changes.everything:
            return  # a request that read later applied its changes while this one waited
        if changes.everything and since:
            # The backend lost what it kept: what this replica holds is gone too.
            for space in self._spaces:
                self._rebuild(space, SpaceState(0, False, []))
        for space, state in changes.rebuilt.items():
            if space in self._spaces:  # a backend may hold spaces other stores keep
                self._rebuild(space, state)
        for change in changes.records:
            found = self._spaces.get(change.space)
            if found is None:
                continue
            collection = self._vendors[found[0]][found[1]]
            if change.position > since:  # made since: an older one here was deleted
                collection._apply(change.key, None)
            collection._apply(change.key, change.record)
        self._seen = changes.stamp if changes.everything else max(self._seen, changes.stamp)

    def _share(self, since: int, changes: Changes, written: str | None = None) -> None:
        """The same changes for this process's other stores on the backend that stood at
        ``since`` (the fault rules', the spent tokens'): a request pays one catch-up, not one
        per store it consults. ``written``: the changes are one write to that space, whose
        record they do not carry; a store that keeps the space reads it itself."""
        for other in _neighbours(self.backend):
            if other is self or other._seen != since or written in other._spaces:
                continue
            with other._lock:
                if other._seen == since:
                    other._take(since, changes)

    def wrote(self, collection: Collection, stamp: int, key: Any, record: Record | None) -> None:
        """After a write through the backend: take it, and whatever came before it."""
        if not self._took(collection, stamp, key, record):
            self.refresh(stamp)

    async def awrote(
        self, collection: Collection, stamp: int, key: Any, record: Record | None
    ) -> None:
        """:meth:`wrote`, on the event loop."""
        if not self._took(collection, stamp, key, record):
            await self.arefresh(stamp)

    def _took(self, collection: Collection, stamp: int, key: Any, record: Record | None) -> bool:
        """Take a write when it is the next one: nothing came between it and the last sync."""
        with self._lock:
            if stamp != self._seen + 1 or not self._current(collection):
                return False
            collection._apply(key, record)
            self._seen = stamp
        # The write changed one space: nothing new for the stores that were as far along and
        # do not keep it.
        self._share(stamp - 1, Changes(stamp), written=collection.space)
        return True

    def refresh(self, stamp: int | None = None) -> None:
        """Catch up beyond the stamp the request started at: with what this process just wrote
        (``stamp``) and everything before it, or with the state as it is now (None)."""
        pin = self._pin()
        if pin is not None:
            pin.stamp = max(pin.stamp, self.backend.stamp() if stamp is None else stamp)
        self.sync()

    async def arefresh(self, stamp: int | None = None) -> None:
        """:meth:`refresh`, on the event loop."""
        pin = self._pin()
        if pin is not None:
            pin.stamp = max(pin.stamp, await self.backend.astamp() if stamp is None else stamp)
        await self.sync_async()

    def _pin(self) -> _Pin | None:
        """The stamp the current request read from this store's backend, if it read one."""
        pin = _pinned.get()
        return pin if pin is not None and pin.backend is self.backend else None

    def base(self, collection: Collection) -> Base:
        """The fixture records of a collection by key, for the backend's read-modify-writes."""
        space = collection.space
        index = self._bases.get(space)
        if index is None:
            vendor, name = self._spaces[space]
            key, records = self._fixtures[vendor][name]
            index = self._bases[space] = {r[key]: r for r in records}
        return index.get

    def reset(self, vendor: str | None = None) -> None:
        """Throw away every change and start again from the fixtures (one vendor, or all).

        No copy is needed: stored records are never changed in place (``update`` works on a copy
        and ``put`` replaces), so the fixture records can be shared by every generation.
        """
        self.refresh(self.backend.reset(self.spaces(vendor)))

    def load(self, vendor: str, collections: Mapping[str, tuple[str, Sequence[Record]]]) -> None:
        """Replace some of a vendor's collections with new records, all at once.

        The caller has validated every record; the backend swaps them in one transaction, so a
        request sees the old data set or the new one, never a mix. ``reset`` still goes back to
        the fixtures the store was made with.
        """
        self.refresh(
            self.backend.load(
                {space(vendor, name, self.namespace): rows for name, rows in collections.items()}
            )
        )

    def _current(self, collection: Collection) -> bool:
        vendor, name = self._spaces[collection.space]
        return self._vendors[vendor].get(name) is collection

    def _replica(self, vendor: str, name: str, key: str, records: Sequence[Record]) -> Collection:
        collection = Collection(name, key, records)
        collection._store = self
        collection.space = space(vendor, name, self.namespace)
        return collection

    def _rebuild(self, space: str, state: SpaceState) -> None:
        """A space's new epoch: its fixtures (unless loaded over) and what was written since."""
        vendor, name = self._spaces[space]
        key, fixtures = self._fixtures[vendor][name]
        collection = self._replica(vendor, name, key, () if state.loaded else fixtures)
        for change in state.records:  # by position: the fixtures' own first, then the new
            if change.record is None or change.position:
                collection._records.pop(change.key, None)
            if change.record is not None:
                collection._records[change.key] = change.record
        # One assignment: a concurrent reader has the old mapping or the new one.
        self._vendors[vendor] = {**self._vendors[vendor], name: collection}


class Registry:
    """One collection of the mock's own (spent tokens, namespaces in use, start-up verdicts),
    kept in the state beside the vendors' data, so every worker and replica shares it."""

    def __init__(self, name: str, key: str, backend: Backend | None = None) -> None:
        self._name = name
        self._store = Store({"": {name: (key, [])}}, backend)

    def __call__(self) -> Collection:
        """The collection as every process last wrote it."""
        self._store.sync()
        return self._store.collections("")[self._name]

    async def current(self) -> Collection:
        """The same, on the event loop."""
        await self._store.sync_async()
        return self._store.collections("")[self._name]
