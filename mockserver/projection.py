"""Answering with part of a record: the two ways vendors let a client pick fields.

TWIN's ``fields`` and Feathers' ``$select`` *drop* what was not asked for; SuperOffice's
``$select`` keeps every property and *nulls* what was not asked for. Both take paths that the
vendor module has already checked against the spec.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .paths import MISSING, FieldPath, get_path

__all__ = ["null_unselected", "select", "without"]


def select(record: Mapping[str, Any], paths: Iterable[FieldPath]) -> dict[str, Any]:
    """Only the given paths, in the order asked, nested objects rebuilt as needed."""
    result: dict[str, Any] = {}
    for path in paths:
        value = get_path(record, path)
        if value is MISSING:
            continue
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def null_unselected(record: Mapping[str, Any], paths: Collection[FieldPath]) -> dict[str, Any]:
    """Every property kept, those outside ``paths`` (and not on the way to one) set to null."""
    wanted = set(paths)
    prefixes = {path[:i] for path in wanted for i in range(1, len(path))}
    return _null(record, (), wanted, prefixes)


def _null(
    record: Mapping[str, Any], prefix: FieldPath, wanted: set[FieldPath], prefixes: set[FieldPath]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in record.items():
        path = (*prefix, name)
        if path in wanted:
            result[name] = value
        elif path in prefixes and isinstance(value, Mapping):
            result[name] = _null(value, path, wanted, prefixes)
        else:
            result[name] = None
    return result


def without(record: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """The record minus top-level names: how private (never served) fields are dropped."""
    return {k: v for k, v in record.items() if k not in names}
