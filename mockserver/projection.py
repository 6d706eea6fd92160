"""Answering with part of a record: the two ways vendors let a client pick fields.

TWIN's ``fields`` and Feathers' ``$select`` *drop* what was not asked for; SuperOffice's
``$select`` keeps every property and *nulls* what was not asked for. Both take paths that the
vendor module has already checked against the spec. :func:`dates_in` presents a record's dates
in the time zone a request asks for (TWIN's ``timezone``): the store keeps them once, in UTC.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from .paths import MISSING, FieldPath, get_path, properties

__all__ = ["dates_in", "null_unselected", "select", "without"]


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


def null_unselected(
    records: Iterable[Mapping[str, Any]], paths: Collection[FieldPath]
) -> list[dict[str, Any]]:
    """Each record with every property kept, those outside ``paths`` (and not on the way to one)
    set to null."""
    tree = _tree(paths)
    return [_null(record, tree) for record in records]


def _tree(paths: Iterable[FieldPath]) -> dict[str, Any]:
    """The paths as nested names: True keeps the whole value, a dict goes on down into it."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if node is True:  # an ancestor is kept whole already
                break
        else:
            node[path[-1]] = True
    return tree


def _null(record: Mapping[str, Any], tree: Mapping[str, Any]) -> dict[str, Any]:
    # All nulls first, in one C-level call, then the few selected names: a SuperOffice list
    # selects a handful of its sessions' fifty properties.
    result: dict[str, Any] = dict.fromkeys(record)
    for name, inner in tree.items():
        if name not in result:
            continue
        value = record[name]
        if inner is True:
            result[name] = value
        elif isinstance(value, Mapping):
            result[name] = _null(value, inner)
    return result


def without(record: Mapping[str, Any], names: Collection[str]) -> dict[str, Any]:
    """The record minus top-level names: how private (never served) fields are dropped."""
    return {k: v for k, v in record.items() if k not in names}


def dates_in(value: Any, schema: Mapping[str, Any], zone: tzinfo) -> Any:
    """``value`` with every string its (resolved) schema declares ``format: date-time`` written
    as the same instant in ``zone``, with that zone's offset; everything else as it is.

    Objects are followed through ``properties`` (``allOf`` merged) and arrays through ``items``,
    so nested dates (a message's ``createdAt`` inside a session, a list of operators'
    ``assigned_at``) move too. The value is copied where it changes, never edited in place.
    """
    if isinstance(value, str):
        if schema.get("format") == "date-time":
            return datetime.fromisoformat(value).astimezone(zone).isoformat()
        return value
    if isinstance(value, Mapping):
        known = properties(schema)
        return {
            name: dates_in(item, known[name], zone) if name in known else item
            for name, item in value.items()
        }
    if isinstance(value, list) and "items" in schema:
        return [dates_in(item, schema["items"], zone) for item in value]
    return value
