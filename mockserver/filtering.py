"""Predicates over records, built from what a vendor's query asked for.

A vendor module parses its own query syntax (Feathers' ``field[$gt]=5``, TWIN's comma lists,
ChatKitty's ``state=``) into these; evaluating them is generic.

Every predicate built here carries a ``criterion``: a hashable statement of what it tests. With
it, :func:`filter_records` over a collection is answered from the collection's cache until its
next write, so a list call costs the page it renders rather than a scan of every record. A
predicate written by hand works too: cached once declared with :func:`cacheable`, otherwise
scanning every time.
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, cast

from .collection import Record, view_of
from .paths import MISSING, FieldPath, get_path

__all__ = [
    "COMPARISONS",
    "Predicate",
    "all_of",
    "any_of",
    "cacheable",
    "compare",
    "contains_text",
    "equals",
    "filter_records",
    "first_per_group",
    "indexed",
    "is_null",
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

    return indexed(cacheable(predicate, "equals", path, value), path, [value])


def one_of(path: FieldPath, values: Collection[Any], *, negate: bool = False) -> Predicate:
    """The value at ``path`` is (or, negated, is not) one of ``values``."""
    wanted = list(values)

    def predicate(record: Mapping[str, Any]) -> bool:
        found = get_path(record, path)
        hit = any(v in wanted for v in found) if isinstance(found, list) else found in wanted
        return hit != negate

    cached = cacheable(predicate, "one_of", path, wanted, negate)
    return cached if negate else indexed(cached, path, wanted)


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

    return cacheable(predicate, "compare", path, op, value)


def is_null(path: FieldPath, *, negate: bool = False) -> Predicate:
    """The value at ``path`` is null or absent (negated: present): MongoDB's ``{field: null}``."""

    def predicate(record: Mapping[str, Any]) -> bool:
        return (get_path(record, path) in (None, MISSING)) != negate

    return cacheable(predicate, "is_null", path, negate)


def any_of(predicates: Sequence[Predicate]) -> Predicate:
    """At least one of ``predicates`` holds (cached when they all carry a criterion)."""
    return _combined(any, "any_of", predicates)


def all_of(predicates: Sequence[Predicate]) -> Predicate:
    """Every one of ``predicates`` holds: an "and" inside an :func:`any_of` (a list of predicates
    given to :func:`filter_records` is one already)."""
    return _combined(all, "all_of", predicates)


def _combined(
    quantifier: Callable[[Iterable[bool]], bool], name: str, predicates: Sequence[Predicate]
) -> Predicate:
    def predicate(record: Mapping[str, Any]) -> bool:
        return quantifier(p(record) for p in predicates)

    criteria = [getattr(p, "criterion", None) for p in predicates]
    if None not in criteria:
        predicate.__dict__["criterion"] = (name, frozenset(criteria))
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

    return cacheable(predicate, "contains_text", tuple(paths), needle)


def filter_records(
    records: Iterable[Mapping[str, Any]], predicates: Sequence[Predicate]
) -> list[Mapping[str, Any]]:
    """The records passing every predicate, in their order.

    Given a collection (or a current view of one, such as a sorted result) and predicates that all
    carry a criterion, the answer comes from the collection's cache and is a view that
    :func:`~mockserver.sorting.sort_records` can in turn answer from the cache.
    """
    view = view_of(records)
    criteria = [getattr(p, "criterion", None) for p in predicates]
    if view is None or None in criteria:
        return [r for r in records if all(p(r) for p in predicates)]
    passed_before = view.passes

    def passes(record: Mapping[str, Any]) -> bool:
        return passed_before(record) and all(p(record) for p in predicates)

    def build() -> list[Record]:
        lookup = next((p.lookup for p in predicates if hasattr(p, "lookup")), None)
        if lookup is None or view.order or view.collection is None:
            return [r for r in view if all(p(r) for p in predicates)]
        # Insertion order, as the view is in: the candidates the index finds will do.
        return [r for r in view.collection.with_values(*lookup) if passes(r)]

    return cast(
        list[Mapping[str, Any]],
        view.derive(
            view.criteria.union(criteria), view.order, build, passes=passes, rank=view.rank
        ),
    )


def indexed(predicate: Predicate, path: FieldPath, values: Sequence[Any]) -> Predicate:
    """``predicate``, declared to pass exactly the records whose value at ``path`` (or an
    element of it) is one of ``values``, so :func:`filter_records` can look them up in the
    collection's index instead of scanning it (values that cannot be hashed: scanned)."""
    if all(isinstance(v, Hashable) for v in values):
        predicate.__dict__["lookup"] = (path, tuple(values))
    return predicate


def first_per_group(
    records: Iterable[Mapping[str, Any]], paths: Sequence[FieldPath]
) -> list[Mapping[str, Any]]:
    """The first record of each group of records with equal values at ``paths``, in order.

    "Group by" as a list answers it: one record stands for its group (with a sort applied first,
    the newest, the cheapest …). Absent and null values are both null, a group of their own;
    values are compared as stored, so ``"a"`` and ``"A"`` are two groups, as are ``1`` and
    ``True``.
    """
    seen: set[Hashable] = set()
    kept = []
    for record in records:
        key = tuple(_frozen(_present(get_path(record, path))) for path in paths)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


def _present(value: Any) -> Any:
    return None if value is MISSING else value


# Values whose equality is their content, so they can name a criterion safely.
_SCALARS = (str, int, float, bool, type(None), datetime.date, datetime.time, decimal.Decimal)


def _frozen(value: Any) -> Hashable:
    """A hashable form of a query value that also tells ``1``, ``1.0`` and ``True`` apart.

    Raises TypeError for values whose equality is not their content (arbitrary objects).
    """
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(map(_frozen, value)))
    if isinstance(value, (set, frozenset)):
        return (frozenset, frozenset(map(_frozen, value)))
    if isinstance(value, dict):
        return (dict, frozenset((k, _frozen(v)) for k, v in value.items()))
    raise TypeError(f"{type(value).__name__} cannot name a criterion")


def cacheable(predicate: Predicate, kind: str, *parts: Any) -> Predicate:
    """``predicate``, declared to test exactly what ``kind`` and ``parts`` say, so what passes it
    can be cached (see :func:`filter_records`); a vendor's own predicates use it too.

    The same kind and parts must always mean the same test. Parts that cannot name a criterion
    (arbitrary objects) leave the predicate uncached, still correct.
    """
    try:
        criterion = (kind, *map(_frozen, parts))
    except TypeError:
        return predicate
    predicate.__dict__["criterion"] = criterion
    return predicate
