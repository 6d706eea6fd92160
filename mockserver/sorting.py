"""Multi-key, stable sorting of records by paths the spec knows.

Nulls and absent values sort after every value in ascending order and before them in
descending order, as PostgreSQL (and so most of the vendors' backends) does by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .paths import MISSING, FieldPath, get_path

__all__ = ["SortKey", "sort_records"]


@dataclass(frozen=True)
class SortKey:
    path: FieldPath
    descending: bool = False

    def __str__(self) -> str:
        return f"{'.'.join(self.path)} {'desc' if self.descending else 'asc'}"


def sort_records(
    records: Iterable[Mapping[str, Any]], keys: Sequence[SortKey]
) -> list[Mapping[str, Any]]:
    """A new list sorted by ``keys`` in order of precedence; ties keep their stored order."""
    result = list(records)
    # Sorting by the least significant key first relies on list.sort being stable.
    for key in reversed(keys):
        result.sort(key=_sort_value(key.path), reverse=key.descending)
    return result


def _sort_value(path: FieldPath) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    return lambda record: _sortable(get_path(record, path))


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None or value is MISSING:
        return (1, 0)
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)
