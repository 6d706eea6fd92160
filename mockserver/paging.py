"""Cutting a result into pages, in the two styles the vendors use.

Offset style (``offset``/``limit``, ``$skip``/``$limit``) and page-number style (``page``/``size``)
both reduce to a :class:`Window`; :func:`page_links` says which neighbour pages exist, the way
Spring Data's ``PagedResourcesAssembler`` decides it, and the vendor builds the hrefs. Cursor
style (TWIN's ``offsetField``/``offsetValue``: "the page after the record whose field has this
value") is :func:`after_cursor`, applied before the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["PageInfo", "Window", "after_cursor", "page_links", "paginate"]

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int

    @classmethod
    def for_page(cls, number: int, size: int) -> Window:
        return cls(offset=number * size, limit=size)


@dataclass(frozen=True)
class PageInfo:
    """Page-number metadata for ``total`` matching items."""

    number: int
    size: int
    total_elements: int

    @property
    def total_pages(self) -> int:
        return -(-self.total_elements // self.size) if self.size else 0


def paginate(items: Sequence[T], window: Window) -> Sequence[T]:
    """The items inside the window; past the end that is simply nothing."""
    return items[window.offset : window.offset + window.limit]


def after_cursor(items: Sequence[T], is_cursor: Callable[[T], bool]) -> Sequence[T]:
    """The items after the last one that ``is_cursor`` holds for; none when it holds for none.

    Keyset paging by a field value: the client sends the value of the last item it got and the
    next page starts after it, so records written meanwhile before the cursor shift nothing. The
    *last* match is the cursor, so a value shared by several items skips them all rather than
    repeating some; a cursor no item matches (its record is gone, or never was) ends the walk
    instead of starting it again from the top.
    """
    for index in range(len(items) - 1, -1, -1):
        if is_cursor(items[index]):
            return items[index + 1 :]
    return items[:0]


def page_links(info: PageInfo) -> dict[str, int]:
    """Relation name -> page number for ``first``, ``prev``, ``self``, ``next`` and ``last``.

    ``first`` and ``last`` appear only when there is somewhere to navigate, ``prev`` whenever the
    page is not the first (even past the end, so a client can walk back), ``next`` while pages
    remain: Spring HATEOAS' rules, which ChatKitty's API follows.
    """
    has_prev = info.number > 0
    has_next = info.number + 1 < info.total_pages
    links: dict[str, int] = {}
    if has_prev or has_next:
        links["first"] = 0
    if has_prev:
        links["prev"] = info.number - 1
    links["self"] = info.number
    if has_next:
        links["next"] = info.number + 1
    if has_prev or has_next:
        links["last"] = max(info.total_pages - 1, 0)
    return links
