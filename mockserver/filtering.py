"""Predicates over records, built from what a vendor's query asked for.

A vendor module parses its own query syntax (Feathers' ``field[$gt]=5``, TWIN's comma lists,
ChatKitty's ``state=``) into these; evaluating them is generic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from .paths import MISSING, FieldPath, get_path

__all__ = [
    "COMPARISONS",
    "Predicate",
    "compare",
    "contains_text",
    "equals",
    "filter_records",
    "one_of",
]

Predicate = Callable[[Mapping[str, Any]], bool]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def equals(path: FieldPath, value: Any) -> Predicate:
    """The value at ``path`` equals ``value``; for an array field, one element does."""

    def predicate(record: Mapping[str, Any]) -> bool:
        found = get_path(record, path)
        if isinstance(found, list):
            return value in found
        return bool(found == value)

    return predicate


def one_of(path: FieldPath, values: Collection[Any], *, negate: bool = False) -> Predicate:
    """The value at ``path`` is (or, negated, is not) one of ``values``."""
    wanted = list(values)

    def predicate(record: Mapping[str, Any]) -> bool:
        found = get_path(record, path)
        hit = any(v in wanted for v in found) if isinstance(found, list) else found in wanted
        return hit != negate

    return predicate


def compare(path: FieldPath, op: str, value: Any) -> Predicate:
    """Order comparison; a record without a comparable value never matches (except ``ne``)."""
    fn = COMPARISONS[op]

    def predicate(record: Mapping[str, Any]) -> bool:
        found = get_path(record, path)
        if found is None or found is MISSING:
            return op == "ne" and value is not None
        try:
            return fn(found, value)
        except TypeError:
            return op == "ne"

    return predicate


def contains_text(paths: Sequence[FieldPath], text: str) -> Predicate:
    """Case-insensitive substring of any of the string values at ``paths``."""
    needle = text.casefold()

    def predicate(record: Mapping[str, Any]) -> bool:
        for path in paths:
            found = get_path(record, path)
            if isinstance(found, str) and needle in found.casefold():
                return True
        return False

    return predicate


def filter_records(
    records: Iterable[Mapping[str, Any]], predicates: Sequence[Predicate]
) -> list[Mapping[str, Any]]:
    return [r for r in records if all(p(r) for p in predicates)]
