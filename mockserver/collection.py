"""A collection: the records of one kind, keyed by one field, as one process holds them.

A collection a :class:`~mockserver.store.Store` made is a replica of one space of its backend:
writes go to the backend (atomically, on every process) and come back as changes, replacing a
record whole, so a reader sees the old record or the new one, never half of a change. What is
computed from the records (orders, filtered lists, value indexes) is cached here and kept true
across writes (:mod:`.views`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .indexes import ValueIndex
from .paths import FieldPath
from .views import Derived, Rank, Test, View

if TYPE_CHECKING:
    from .store import Store

__all__ = ["MAX_DERIVED", "Collection", "Record", "view_of"]

Record = dict[str, Any]

# Derived lists kept per collection: enough for the orders and filters a UI cycles through,
# bounded because criteria carry client-chosen values (search text, dates).
MAX_DERIVED = 32


def view_of(records: object) -> View | None:
    """The current :class:`View` that ``records`` is (a collection counts as its own view)."""
    view = records.all() if isinstance(records, Collection) else records
    return view if isinstance(view, View) and view.current() else None


class Collection:
    """Records of one kind, keyed by one field, in insertion order.

    A collection a :class:`Store` made is a replica of one space of the store's backend: its
    writes go to the backend and come back as changes. One made on its own holds what it was
    given and is read-only (a data set being checked before it is loaded, say).
    """

    def __init__(self, name: str, key: str, records: Sequence[Record] = ()) -> None:
        self.name = name
        self.key = key
        self._lock = threading.Lock()
        self._records: dict[Any, Record] = {r[key]: r for r in records}
        self._snapshot: View | None = None
        self._derived: dict[Hashable, Derived] = {}
        self._indexes: dict[FieldPath, ValueIndex] = {}
        # Each key's insertion number, the tie-break of every cached order; made on the first
        # write that has cached results to keep, so loading 100k records does not pay for it.
        self._positions: dict[Any, int] | None = None
        self._numbered = 0  # insertion numbers handed out: deleted keys keep theirs
        self.version = 0
        self._store: Store | None = None
        self.space = name

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.all())

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def all(self) -> View:
        """Every record, in insertion order; the list is shared until the next write."""
        snapshot = self._snapshot
        if snapshot is None:
            snapshot = self._snapshot = View(self._records.values(), self, self.version)
        return snapshot

    def derived(
        self,
        key: Hashable,
        build: Callable[[], list[Record]],
        *,
        passes: Test | None = None,
        rank: Rank | None = None,
    ) -> list[Record]:
        """What ``build`` computes from the current records, cached under ``key``.

        Without ``passes`` and ``rank`` the result is dropped at the next write. With them it
        is kept up to date instead: the result must then be the records for which ``passes``
        holds, sorted by ``rank`` and, among equal ranks, by insertion order.

        The result is shared, and a write may change it in place: callers must not mutate it,
        and copy what they keep. A write while ``build`` runs leaves its result uncached, so a
        stale answer is never kept.
        """
        cache = self._derived
        found = cache.pop(key, None)
        if found is not None:
            cache[key] = found  # most recently used last: eviction takes the oldest first
            return found.records
        version = self.version
        result = build()
        with self._lock:
            if self.version == version:
                self._derived[key] = Derived(result, passes, rank)
                while len(self._derived) > MAX_DERIVED:
                    del self._derived[next(iter(self._derived))]
        return result

    def with_values(self, path: FieldPath, values: Sequence[Hashable]) -> list[Record]:
        """The records whose value at ``path`` (or one element of it) is one of ``values``, in
        insertion order: from an index made on first use and kept up to date by every write."""
        with self._lock:
            index = self._indexes.get(path)
            if index is None:
                if self._positions is None:
                    self._number_positions()
                index = ValueIndex(path, self._records.values(), self._position)
                self._indexes[path] = index
            return index.find(values)

    def _position(self, record: Record) -> int:
        assert self._positions is not None  # numbered before the first index was made
        return self._positions[record[self.key]]

    def get(self, key: Any) -> Record | None:
        return self._records.get(key)

    def put(self, record: Record) -> Record:
        """Insert or replace the record with this record's key."""
        store = self._owner()
        key = record[self.key]
        stamp = store.backend.put(self.space, key, record, store.base(self))
        store.wrote(self, stamp, key, record)
        return record

    def insert(self, record: Record) -> bool:
        """Insert the record unless its key is taken, here or on any other process: False then.

        What claims a name (an id, a used token) goes through this rather than a check and a
        :meth:`put`, between which another process could claim it too.
        """
        store = self._owner()
        key = record[self.key]
        stamp = store.backend.insert(self.space, key, record, store.base(self))
        if stamp is None:
            store.refresh()  # whoever took the key: its record is read next
            return False
        store.wrote(self, stamp, key, record)
        return True

    def update(self, key: Any, change: Callable[[Record], Record]) -> Record:
        """Apply ``change`` to a copy of the record atomically and store what it returns.

        ``change`` may raise to refuse the update; nothing is stored then. It runs while no
        other write to the state can happen, on this process or another, which is what makes
        read-check-write sequences (lifecycle transitions) safe against concurrent requests.
        KeyError: no record has this key.
        """
        store = self._owner()
        stamp, updated = store.backend.update(self.space, key, change, store.base(self))
        store.wrote(self, stamp, key, updated)
        return updated

    def delete(self, key: Any) -> Record | None:
        """Remove the record with this key; the record removed, or None when there was none."""
        store = self._owner()
        old = self.get(key)
        stamp = store.backend.delete(self.space, key, store.base(self))
        if stamp is None:
            store.refresh()
            return None
        store.wrote(self, stamp, key, None)
        return old

    async def aput(self, record: Record) -> Record:
        """:meth:`put`, on the event loop."""
        store = self._owner()
        key = record[self.key]
        stamp = await store.backend.aput(self.space, key, record, store.base(self))
        await store.awrote(self, stamp, key, record)
        return record

    async def ainsert(self, record: Record) -> bool:
        """:meth:`insert`, on the event loop."""
        store = self._owner()
        key = record[self.key]
        stamp = await store.backend.ainsert(self.space, key, record, store.base(self))
        if stamp is None:
            await store.arefresh()
            return False
        await store.awrote(self, stamp, key, record)
        return True

    async def aupdate(self, key: Any, change: Callable[[Record], Record]) -> Record:
        """:meth:`update`, on the event loop."""
        store = self._owner()
        stamp, updated = await store.backend.aupdate(self.space, key, change, store.base(self))
        await store.awrote(self, stamp, key, updated)
        return updated

    async def adelete(self, key: Any) -> Record | None:
        """:meth:`delete`, on the event loop."""
        store = self._owner()
        old = self.get(key)
        stamp = await store.backend.adelete(self.space, key, store.base(self))
        if stamp is None:
            await store.arefresh()
            return None
        await store.awrote(self, stamp, key, None)
        return old

    def _owner(self) -> Store:
        if self._store is None:
            raise TypeError(f"collection {self.name!r} was made outside a store: read-only")
        return self._store

    def _apply(self, key: Any, record: Record | None) -> None:
        """Take a write the backend has stored (this process's or another's; None: deleted)."""
        with self._lock:
            old: Record | None
            if record is None:
                if key not in self._records:
                    return
                if (self._derived or self._indexes) and self._positions is None:
                    # Numbered while it is still there: the removed record is found by its number.
                    self._number_positions()
                old = self._records.pop(key)
            else:
                old = self._records.get(key)
                self._records[key] = record
            self._changed(old, record)

    def _changed(self, old: Record | None, new: Record | None) -> None:
        """After a write (under the lock): keep what can be kept of the cached results.

        ``new`` is None for a deletion. Insertion numbers of deleted keys stay: only their order
        matters, and a key written again gets a new, last one, as its place in ``_records``.
        """
        self._snapshot = None
        self.version += 1
        positions = self._positions
        if positions is not None and old is None and new is not None:
            positions[new[self.key]] = self._numbered
            self._numbered += 1
        for index in self._indexes.values():
            index.replace(old, new)
        if not self._derived:
            return
        if positions is None:
            self._number_positions()
        # A copy of the items: readers reorder the cache without the lock (see derived).
        cached = list(self._derived.items())
        self._derived = {
            key: found for key, found in cached if found.move(old, new, self._position)
        }

    def _number_positions(self) -> dict[Any, int]:
        positions = self._positions = {k: i for i, k in enumerate(self._records)}
        self._numbered = len(positions)
        return positions
