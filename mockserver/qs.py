"""Reading a query string the way Node's ``qs`` library writes it.

Node clients (Feathers' REST client, axios' ``paramsSerializer``, MYCURE's web client) turn a
nested query object into brackets: ``$sort[createdAt]=-1``, ``$select[0]=id``, ``id[$in][]=a``.
OpenAPI's deepObject covers one level of that and no lists, so a vendor whose server parses
with ``qs`` reads its raw query string with :func:`parse`, which follows ``qs.parse``'s defaults:

* ``a[b][c]=x`` nests objects, at most ``depth`` (5) levels; deeper brackets stay in the key;
* ``a[]=x``, ``a[0]=x`` and repeated ``a=x&a=y`` make lists; an index above ``array_limit``
  (20) makes an object key instead, as ``qs`` does to stop ``a[999999]`` allocating;
* every value is a string; a key without ``=`` is ``""``, or ``None`` with ``strict_null``
  (``qs``' ``strictNullHandling``, how MYCURE's client sends null).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

__all__ = ["parse"]

_BRACKET = re.compile(r"\[([^\[\]]*)\]")


def parse(
    query: str, *, strict_null: bool = False, depth: int = 5, array_limit: int = 20
) -> dict[str, Any]:
    """The nested object a raw (still percent-encoded) query string stands for."""
    root: dict[Any, Any] = {}
    for part in query.split("&"):
        if not part:
            continue
        raw_key, eq, raw_value = part.partition("=")
        key = unquote_plus(raw_key)
        if not key:
            continue
        value = unquote_plus(raw_value) if eq else (None if strict_null else "")
        _insert(root, _segments(key, depth), value, array_limit, top=True)
    return {key: _finish(value) for key, value in root.items()}


def _segments(key: str, depth: int) -> list[str]:
    """``a[b][]`` -> ``["a", "b", ""]``; brackets past ``depth`` stay one literal segment."""
    first = _BRACKET.search(key)
    if first is None or first.start() == 0:
        return [key]
    segments = [key[: first.start()]]
    position = first.start()
    for match in _BRACKET.finditer(key, position):
        if match.start() != position or len(segments) > depth:
            break
        segments.append(match.group(1))
        position = match.end()
    if position < len(key):
        segments.append(key[position:])
    return segments


def _insert(
    node: dict[Any, Any], path: list[str], value: Any, array_limit: int, *, top: bool = False
) -> None:
    head: Any = path[0]
    if not top:  # a top-level name is a name, even ``0``
        if head == "":
            head = _next_index(node)
        elif head.isdecimal() and int(head) <= array_limit:
            head = int(head)
    if len(path) == 1:
        if head in node:
            existing = node[head]
            node[head] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            node[head] = value
        return
    child = node.get(head)
    if not isinstance(child, dict):
        # a plain value (or values) already there becomes the first items of a list
        earlier = child if isinstance(child, list) else [] if child is None else [child]
        child = dict(enumerate(earlier))
        node[head] = child
    _insert(child, path[1:], value, array_limit)


def _next_index(node: dict[Any, Any]) -> int:
    return max((k for k in node if isinstance(k, int)), default=-1) + 1


def _finish(node: Any) -> Any:
    """Dicts whose keys are all indexes become lists (in index order, gaps closed)."""
    if isinstance(node, list):
        return [_finish(v) for v in node]
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_finish(node[k]) for k in sorted(node)]
    return {str(k): _finish(v) for k, v in node.items()}
