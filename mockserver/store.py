"""The one place state lives: every vendor's collections, in memory, in one process.

Records are plain dicts exactly as loaded from the fixtures (wire fields plus any private ones).
Readers get the stored dicts and must not mutate them; writers go through :meth:`Collection.put`
or :meth:`Collection.update`, which replace a record whole under a lock, so a concurrent reader
sees either the old or the new record, never half of a change. The server runs as one process
(``mockserver serve`` has no worker option for this reason), so what one client writes every
other client reads.

Because records never change in place, anything computed from a collection (an order, the
records matching some criteria) stays true until the next write. :class:`View` carries that
provenance and :meth:`Collection.derived` caches such results per version, which is what keeps a
filtered, sorted, paged list call cheap on 100k records: the sort and the scan run once per
change, not once per request.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self, SupportsIndex

__all__ = ["Collection", "Record", "Store", "View", "view_of"]

Record = dict[str, Any]

# Derived lists kept per collection: enough for the orders and filters a UI cycles through,
# bounded because criteria carry client-chosen values (search text, dates).
MAX_DERIVED = 32


class View(list[Record]):
    """A list of a collection's records that remembers how it was derived from them.

    ``criteria`` are the cache keys of the predicates every record passed and ``order`` the sort
    keys (most significant first) the list is in; both empty for the collection itself, in
    insertion order. Filtering and sorting a view that is still :meth:`current` can then be
    answered from the collection's cache instead of recomputed. Any mutation detaches the view
    (it becomes a plain list to those functions), so a caller editing its copy gets correct
    results, just not cached ones.
    """

    __slots__ = ("collection", "criteria", "order", "version")

    def __init__(
        self,
        records: Iterable[Record],
        collection: Collection,
        version: int,
        criteria: frozenset[Hashable] = frozenset(),
        order: tuple[Hashable, ...] = (),
    ) -> None:
        super().__init__(records)
        self.collection: Collection | None = collection
        self.version = version
        self.criteria = criteria
        self.order = order

    def current(self) -> bool:
        """Still exactly what its criteria and order select from the collection as it is now."""
        return self.collection is not None and self.collection.version == self.version

    def derive(
        self,
        criteria: frozenset[Hashable],
        order: tuple[Hashable, ...],
        build: Callable[[], list[Record]],
    ) -> View:
        """A new view of the same collection, ``build`` run only when no cached answer exists.

        ``criteria`` and ``order`` must determine the result completely: the records passing
        every criterion, stably sorted by ``order`` from insertion order. The caller gets its
        own copy of the cached list.
        """
        collection = self.collection
        if collection is None:
            raise ValueError("a detached view has no collection to derive from")
        return View(
            collection.derived((criteria, order), build), collection, self.version, criteria, order
        )

    def _detach(self) -> None:
        self.collection = None

    def append(self, item: Record) -> None:
        self._detach()
        super().append(item)

    def extend(self, items: Iterable[Record]) -> None:
        self._detach()
        super().extend(items)

    def insert(self, index: SupportsIndex, item: Record) -> None:
        self._detach()
        super().insert(index, item)

    def remove(self, item: Record) -> None:
        self._detach()
        super().remove(item)

    def pop(self, index: SupportsIndex = -1) -> Record:
        self._detach()
        return super().pop(index)

    def clear(self) -> None:
        self._detach()
        super().clear()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._detach()
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._detach()
        super().reverse()

    def __setitem__(self, index: Any, value: Any) -> None:
        self._detach()
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        self._detach()
        super().__delitem__(index)

    def __iadd__(self, items: Iterable[Record]) -> Self:  # type: ignore[override,misc]
        self._detach()
        return super().__iadd__(items)

    def __imul__(self, times: SupportsIndex) -> Self:
        self._detach()
        return super().__imul__(times)


def view_of(records: object) -> View | None:
    """The current :class:`View` that ``records`` is (a collection counts as its own view)."""
    view = records.all() if isinstance(records, Collection) else records
    return view if isinstance(view, View) and view.current() else None


class Collection:
    """Records of one kind, keyed by one field, in insertion order."""

    def __init__(self, name: str, key: str, records: Sequence[Record] = ()) -> None:
        self.name = name
        self.key = key
        self._lock = threading.Lock()
        self._records: dict[Any, Record] = {r[key]: r for r in records}
        self._snapshot: View | None = None
        self._derived: dict[Hashable, list[Record]] = {}
        self.version = 0

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

    def derived(self, key: Hashable, build: Callable[[], list[Record]]) -> list[Record]:
        """What ``build`` computes from the current records, cached under ``key`` until a write.

        The result is shared: callers must not mutate it. A write while ``build`` runs leaves its
        result uncached, so a stale answer is never kept.
        """
        cache = self._derived
        found = cache.pop(key, None)
        if found is not None:
            cache[key] = found  # most recently used last: eviction takes the oldest first
            return found
        version = self.version
        result = build()
        with self._lock:
            if self.version == version:
                self._derived[key] = result
                while len(self._derived) > MAX_DERIVED:
                    del self._derived[next(iter(self._derived))]
        return result

    def get(self, key: Any) -> Record | None:
        return self._records.get(key)

    def put(self, record: Record) -> Record:
        """Insert or replace the record with this record's key."""
        with self._lock:
            self._records[record[self.key]] = record
            self._changed()
        return record

    def update(self, key: Any, change: Callable[[Record], Record]) -> Record:
        """Apply ``change`` to a copy of the record atomically and store what it returns.

        ``change`` may raise to refuse the update; nothing is stored then. Running it under the
        lock is what makes read-check-write sequences (lifecycle transitions) safe against
        concurrent requests.
        """
        with self._lock:
            current = self._records[key]
            updated = change(copy.deepcopy(current))
            self._records[key] = updated
            self._changed()
        return updated

    def _changed(self) -> None:
        self._snapshot = None
        self._derived = {}
        self.version += 1


class Store:
    """Every vendor's collections, restorable to the fixtures they were loaded from."""

    def __init__(self, fixtures: Mapping[str, Mapping[str, tuple[str, Sequence[Record]]]]) -> None:
        """``fixtures``: vendor -> collection name -> (key field, records)."""
        self._fixtures = fixtures
        self._vendors: dict[str, dict[str, Collection]] = {}
        self.reset()

    def vendors(self) -> list[str]:
        return list(self._fixtures)

    def collections(self, vendor: str) -> Mapping[str, Collection]:
        return self._vendors[vendor]

    def reset(self, vendor: str | None = None) -> None:
        """Throw away every change and start again from the fixtures (one vendor, or all).

        No copy is needed: stored records are never changed in place (``update`` works on a copy
        and ``put`` replaces), so the fixture records can be shared by every generation.
        """
        for name, collections in self._fixtures.items():
            if vendor is None or vendor == name:
                self._vendors[name] = {
                    cname: Collection(cname, key, records)
                    for cname, (key, records) in collections.items()
                }

    def load(self, vendor: str, collections: Mapping[str, tuple[str, Sequence[Record]]]) -> None:
        """Replace some of a vendor's collections with new records, all at once.

        The caller has validated every record; the swap is one assignment, so a concurrent
        request sees the old data set or the new one, never a mix. ``reset`` still goes back
        to the fixtures the store was made with.
        """
        fresh = {name: Collection(name, key, rows) for name, (key, rows) in collections.items()}
        self._vendors[vendor] = {**self._vendors[vendor], **fresh}
