"""Addressing values inside a record by path, and listing the paths a schema allows.

Sorting, filtering and projection all need "the value at ``session.user.display_name``" and "is
that a property this resource has". Both answers come from here, and the second comes from the
vendor's own spec, so a field added to a schema becomes sortable and selectable with no code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["MISSING", "FieldPath", "get_path", "properties", "scalar_paths", "schema_paths"]

FieldPath = tuple[str, ...]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Returned by :func:`get_path` for a path that leads nowhere (distinct from a stored null)."""


def get_path(record: Mapping[str, Any], path: FieldPath) -> Any:
    node: Any = record
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def schema_paths(schema: Mapping[str, Any], *, leaves_only: bool = False) -> set[FieldPath]:
    """Every property path of a resolved schema (``allOf`` merged, arrays not entered)."""
    return set(_walk(schema, (), leaves_only))


def scalar_paths(schema: Mapping[str, Any]) -> set[FieldPath]:
    """Paths whose values are scalars: what a collection can be sorted or compared by."""
    return schema_paths(schema, leaves_only=True)


def properties(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A resolved object schema's properties, ``allOf`` parts merged."""
    props: dict[str, Any] = dict(schema.get("properties", {}))
    for part in schema.get("allOf", ()):
        props.update(properties(part))
    return props


def _walk(schema: Mapping[str, Any], prefix: FieldPath, leaves_only: bool) -> Iterator[FieldPath]:
    for name, sub in properties(schema).items():
        path = (*prefix, name)
        nested = properties(sub)
        if nested:
            if not leaves_only:
                yield path
            yield from _walk(sub, path, leaves_only)
        elif sub.get("type") not in ("array", "object") or not leaves_only:
            yield path
