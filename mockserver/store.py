"""The one place state lives: every vendor's collections, in memory, in one process.

Records are plain dicts exactly as loaded from the fixtures (wire fields plus any private ones).
Readers get the stored dicts and must not mutate them; writers go through :meth:`Collection.put`
or :meth:`Collection.update`, which replace a record whole under a lock, so a concurrent reader
sees either the old or the new record, never half of a change. The server runs as one process
(``mockserver serve`` has no worker option for this reason), so what one client writes every
other client reads.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

__all__ = ["Collection", "Record", "Store"]

Record = dict[str, Any]


class Collection:
    """Records of one kind, keyed by one field, in insertion order."""

    def __init__(self, name: str, key: str, records: Sequence[Record] = ()) -> None:
        self.name = name
        self.key = key
        self._lock = threading.Lock()
        self._records: dict[Any, Record] = {r[key]: r for r in records}
        self._snapshot: list[Record] | None = None
        self.version = 0

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.all())

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def all(self) -> list[Record]:
        """Every record, in insertion order; the list is shared until the next write."""
        snapshot = self._snapshot
        if snapshot is None:
            snapshot = self._snapshot = list(self._records.values())
        return snapshot

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
