"""Property names as SuperOffice matches them in a query (``$select``, ``$filter``, ``$orderBy``):
without regard to case, ``/`` reaching into a carrier (``user/fullname``), each resolved through
the entity's schema to the spelling the wire uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...paths import FieldPath

__all__ = ["resolve"]


def resolve(schema: Mapping[str, Any], name: str) -> tuple[FieldPath, Mapping[str, Any]]:
    """The path ``name`` names in ``schema`` and the schema of what it reaches.

    Raises ``LookupError`` naming the part that matches nothing and where it was looked for.
    """
    node: Mapping[str, Any] = schema
    path: list[str] = []
    for part in name.split("/"):
        properties = {p.casefold(): p for p in node.get("properties", {})}
        found = properties.get(part.strip().casefold())
        if found is None:
            root = schema.get("xml", {}).get("name", "the entity")
            raise LookupError(f"{'/'.join(path) or root} has no property '{part.strip()}'")
        path.append(found)
        node = node["properties"][found]
    return tuple(path), node
