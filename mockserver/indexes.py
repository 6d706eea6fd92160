"""Records grouped by the value at one path, kept up to date across writes.

"The messages of this session" is one equality filter over a collection that, at 100k TWIN
sessions, holds 890k messages: a scan costs 2 s, and the cached result of one session's filter
helps no other session. An index groups the records by value once, so each session's messages
cost what that session has, and a write moves its one record between groups instead of
dropping the index. :meth:`~mockserver.collection.Collection.with_values` is the way in;
:func:`~mockserver.filtering.filter_records` uses it for ``equals`` and ``one_of``.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any

from .paths import MISSING, FieldPath, get_path

__all__ = ["ValueIndex"]

Record = dict[str, Any]
Position = Callable[[Record], int]


def _keys(value: Any) -> Iterator[Hashable]:
    """What a stored value is found under: itself, or for an array each element (as the
    filters compare them); values that cannot be hashed are never looked up by equality."""
    for item in value if isinstance(value, list) else (value,):
        if isinstance(item, Hashable):
            yield item


class ValueIndex:
    """The records of a collection grouped by the value at ``path``, each group in insertion
    order (``position``: a record's insertion number)."""

    def __init__(self, path: FieldPath, records: Iterable[Record], position: Position) -> None:
        self.path = path
        self._position = position
        self._groups: dict[Hashable, list[Record]] = {}
        groups = self._groups
        field = path[0] if len(path) == 1 else None
        for record in records:  # insertion order: every group is in order as it grows
            # 890k records at 100k TWIN sessions: the common case costs one dict lookup.
            value = record.get(field, MISSING) if field else get_path(record, path)
            if isinstance(value, list):
                for key in set(_keys(value)):
                    groups.setdefault(key, []).append(record)
            else:
                try:  # noqa: SIM105 (suppress() costs a context manager per record)
                    groups.setdefault(value, []).append(record)
                except TypeError:  # an object: never looked up by equality
                    pass

    def find(self, values: Sequence[Hashable]) -> list[Record]:
        """The records with one of ``values``, in insertion order, each once."""
        groups = [self._groups.get(v, []) for v in dict.fromkeys(values)]
        if len(groups) == 1:
            return list(groups[0])
        found: list[Record] = []
        for record in heapq.merge(*groups, key=self._position):
            if not found or found[-1] is not record:  # a list value in two groups
                found.append(record)
        return found

    def replace(self, old: Record | None, new: Record | None) -> None:
        """After a write: ``old`` leaves its groups and ``new`` joins its own (None: nothing)."""
        if old is not None:
            for key in set(_keys(get_path(old, self.path))):
                group = self._groups[key]
                group[:] = [r for r in group if r is not old]
                if not group:
                    del self._groups[key]
        if new is not None:
            for key in set(_keys(get_path(new, self.path))):
                group = self._groups.setdefault(key, [])
                at = self._position(new)
                # A new record is the newest: one comparison instead of a binary search.
                if not group or self._position(group[-1]) < at:
                    group.append(new)
                else:
                    group.insert(bisect.bisect_left(group, at, key=self._position), new)
