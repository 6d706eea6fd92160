"""Lists derived from a collection's records, and how they stay true across writes.

:class:`View` is a list that remembers how it was derived (the predicates its records passed,
the order they are in), so that filtering and sorting it again can be answered from the
collection's cache; :class:`Derived` is such a cached result, which a write updates in place
(a binary search and an insertion) instead of dropping it. :mod:`.store` keeps them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, SupportsIndex

if TYPE_CHECKING:
    from .collection import Collection

__all__ = ["Derived", "Rank", "Test", "View"]

Record = dict[str, Any]

Test = Callable[[Mapping[str, Any]], bool]
Rank = Callable[[Mapping[str, Any]], tuple[Any, ...]]


def _every(record: Mapping[str, Any]) -> bool:
    return True


def _unranked(record: Mapping[str, Any]) -> tuple[Any, ...]:
    return ()


class View(list[Record]):
    """A list of a collection's records that remembers how it was derived from them.

    ``criteria`` are the cache keys of the predicates every record passed and ``order`` the sort
    keys (most significant first) the list is in; both empty for the collection itself, in
    insertion order. ``passes`` and ``rank`` say the same as functions of one record, so that a
    write can place its record in the cached list. Filtering and sorting a view that is still
    :meth:`current` can then be answered from the collection's cache instead of recomputed. Any
    mutation detaches the view (it becomes a plain list to those functions), so a caller editing
    its copy gets correct results, just not cached ones.
    """

    __slots__ = ("collection", "criteria", "order", "passes", "rank", "version")

    def __init__(
        self,
        records: Iterable[Record],
        collection: Collection,
        version: int,
        criteria: frozenset[Hashable] = frozenset(),
        order: tuple[Hashable, ...] = (),
        passes: Test = _every,
        rank: Rank = _unranked,
    ) -> None:
        super().__init__(records)
        self.collection: Collection | None = collection
        self.version = version
        self.criteria = criteria
        self.order = order
        self.passes = passes
        self.rank = rank

    def current(self) -> bool:
        """Still exactly what its criteria and order select from the collection as it is now."""
        return self.collection is not None and self.collection.version == self.version

    def derive(
        self,
        criteria: frozenset[Hashable],
        order: tuple[Hashable, ...],
        build: Callable[[], list[Record]],
        *,
        passes: Test,
        rank: Rank,
    ) -> View:
        """A new view of the same collection, ``build`` run only when no cached answer exists.

        ``criteria`` and ``order`` must determine the result completely: the records passing
        every criterion, stably sorted by ``order`` from insertion order. ``passes`` must hold
        for exactly those records, and ``rank`` order them as ``order`` does (ties left to
        insertion order). The caller gets its own copy of the cached list.
        """
        collection = self.collection
        if collection is None:
            raise ValueError("a detached view has no collection to derive from")
        records = collection.derived((criteria, order), build, passes=passes, rank=rank)
        return View(records, collection, self.version, criteria, order, passes, rank)

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


@dataclass(frozen=True, slots=True)
class Derived:
    """A cached result, and what keeps it up to date across writes (None: dropped instead)."""

    records: list[Record]
    passes: Test | None
    rank: Rank | None

    def move(
        self, old: Record | None, new: Record | None, position: Callable[[Record], int]
    ) -> bool:
        """Replace ``old`` (None: nothing) by ``new`` (None: nothing) in this result, in place;
        False when it cannot be kept and must be dropped, to be rebuilt by its next reader."""
        passes, rank = self.passes, self.rank
        if passes is None or rank is None:
            return False

        def place(record: Record) -> tuple[Any, ...]:
            return (*rank(record), position(record))

        records = self.records
        try:
            if old is not None and passes(old):
                at = bisect.bisect_left(records, place(old), key=place)
                if records[at] is not old:
                    return False
                del records[at]
            if new is not None and passes(new):
                _insert(records, new, place)
        except (TypeError, IndexError):  # values the order cannot compare: rebuilt on use
            return False
        return True


def _insert(records: list[Record], record: Record, place: Callable[[Record], Any]) -> None:
    """``record`` into ``records``, sorted by ``place``."""
    at = place(record)
    # A created record usually belongs at one end (newest first, or last in insertion order):
    # one comparison instead of a binary search's dozen on a large result.
    if not records or place(records[-1]) < at:
        records.append(record)
    elif at < place(records[0]):
        records.insert(0, record)
    else:
        records.insert(bisect.bisect_left(records, at, key=place), record)
