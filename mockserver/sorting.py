"""Multi-key, stable sorting of records by paths the spec knows.

Nulls and absent values sort after every value in ascending order and before them in
descending order, as PostgreSQL (and so most of the vendors' backends) does by default; a key
with ``nulls_first`` puts them first ascending instead, as MongoDB (HAPI Hub's backend) does.

Sorting a collection (or a current view of one) is answered from the collection's cache until
its next write: on 100k records a sort takes a few hundred milliseconds, too much per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from .collection import view_of
from .paths import MISSING, FieldPath, get_path

__all__ = ["SortKey", "sort_records"]


@dataclass(frozen=True)
class SortKey:
    path: FieldPath
    descending: bool = False
    nulls_first: bool = False
    """Nulls and absent values are the smallest values (first ascending), as in MongoDB."""

    def __str__(self) -> str:
        return f"{'.'.join(self.path)} {'desc' if self.descending else 'asc'}"


def sort_records(
    records: Iterable[Mapping[str, Any]], keys: Sequence[SortKey]
) -> list[Mapping[str, Any]]:
    """A new list sorted by ``keys`` in order of precedence; ties keep their stored order."""
    view = view_of(records)
    if view is not None:
        ranked_before = view.rank
        values = [_rank_value(key) for key in keys]

        def rank(record: Mapping[str, Any]) -> tuple[Any, ...]:
            return (*(value(record) for value in values), *ranked_before(record))

        # Stable sorting of a list already in ``view.order`` orders by keys, then by that order.
        return cast(
            list[Mapping[str, Any]],
            view.derive(
                view.criteria,
                (*keys, *view.order),
                lambda: _sorted(view, keys),
                passes=view.passes,
                rank=rank,
            ),
        )
    return _sorted(records, keys)


def _sorted(records: Iterable[Mapping[str, Any]], keys: Sequence[SortKey]) -> list[Any]:
    result = list(records)
    # Sorting by the least significant key first relies on list.sort being stable.
    for key in reversed(keys):
        result.sort(key=_sort_value(key), reverse=key.descending)
    return result


def _sort_value(key: SortKey) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    """What ``key`` sorts a record by, ascending."""
    path, null_rank = key.path, -1 if key.nulls_first else 1
    return lambda record: _sortable(get_path(record, path), null_rank)


def _rank_value(key: SortKey) -> Callable[[Mapping[str, Any]], Any]:
    """What ``key`` sorts a record by, as one value that compares in the key's direction."""
    value = _sort_value(key)
    if key.descending:
        return lambda record: _Descending(value(record))
    return value


class _Descending:
    """A value that sorts the other way round; equal ones stay equal, so ties stay stable."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.value == other.value)

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.value < self.value)

    __hash__ = None  # type: ignore[assignment]


def _sortable(value: Any, null_rank: int) -> tuple[int, Any]:
    if value is None or value is MISSING:
        return (null_rank, 0)
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)
