"""ChatKitty's promises beyond its schema: Spring Data paging rendered as HAL.

The page metadata, the sessions and the ``_links`` of one answer must agree with each other and
with the request, and the ``state`` filter must hold: what the SDK's paging relies on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...contract.checks import answer_of, query_of, vendor_check
from .api import pageable

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = ["chatkitty_hal_links", "chatkitty_page_totals", "chatkitty_state_filter"]

LIST = "listChatSessions"


def _requested(response: Response) -> tuple[int, int]:
    """The page number and size asked for, with the API's defaults and its size clamp."""
    asked = dict(query_of(str(response.request.url)))
    return pageable(asked.get("page"), asked.get("size"))


def _sessions(page: Mapping[str, Any]) -> list[Any]:
    # Spring HAL leaves ``_embedded`` out of an empty page.
    sessions = page.get("_embedded", {}).get("sessions", [])
    return sessions if isinstance(sessions, list) else []


@vendor_check("chatkitty")
def chatkitty_page_totals(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """ChatKitty: a page's ``page`` metadata agrees with the sessions it holds.

    Guards the Spring Data ``PagedModel`` promise the SDK's paging relies on: ``number`` and
    ``size`` are the ones asked for (``size`` clamped at 2000), ``total_pages`` is
    ``ceil(total_elements / size)``, and the page holds ``size`` sessions, or what is left of
    ``total_elements`` on the last page, or none past the end.
    """
    body = answer_of(case, response, LIST)
    if body is None:
        return
    meta = body["page"]
    number, size = _requested(response)
    assert (meta["number"], meta["size"]) == (number, size), (
        f"page.number/size are {meta['number']}/{meta['size']}, but page {number} of size "
        f"{size} was asked for"
    )
    total = meta["total_elements"]
    pages = math.ceil(total / size)
    assert meta["total_pages"] == pages, (
        f"page.total_pages is {meta['total_pages']}, but {total} sessions in pages of {size} "
        f"make {pages}"
    )
    expected = max(0, min(size, total - number * size))
    held = len(_sessions(body))
    assert held == expected, (
        f"page {number} holds {held} sessions, but with total_elements={total} and size={size} "
        f"it should hold {expected}"
    )


@vendor_check("chatkitty")
def chatkitty_hal_links(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """ChatKitty: the HAL ``_links`` lead to the right pages (Spring HATEOAS' rules).

    Guards what a client walking the pages relies on: ``self`` always; ``prev`` when the page is
    not the first; ``next`` while pages remain; ``first`` and ``last`` whenever there is a page to
    go to. Every href is absolute, points at the listed resource, names its page and size, and
    keeps the request's other parameters (filters, sort) unchanged.
    """
    body = answer_of(case, response, LIST)
    if body is None:
        return
    meta, links = body["page"], body["_links"]
    number, size, pages = meta["number"], meta["size"], meta["total_pages"]
    has_prev, has_next = number > 0, number + 1 < pages
    expected = {"self": number}
    if has_prev:
        expected["prev"] = number - 1
    if has_next:
        expected["next"] = number + 1
    if has_prev or has_next:
        expected |= {"first": 0, "last": max(pages - 1, 0)}
    relations = {rel for rel in links if rel in ("self", "first", "prev", "next", "last")}
    assert relations == set(expected), (
        f"page {number} of {pages} has links {sorted(relations)}, expected {sorted(expected)}"
    )
    request_url = str(response.request.url)
    kept = sorted((k, v) for k, v in query_of(request_url) if k not in ("page", "size"))
    for rel, target in expected.items():
        href = links[rel]["href"]
        parts = urlsplit(href)
        assert parts.scheme in ("http", "https"), f"{rel} href {href} is not absolute"
        assert parts.netloc, f"{rel} href {href} names no host"
        assert parts.path.endswith(case.operation.path), (
            f"{rel} href {href} does not point at {case.operation.path}"
        )
        query = query_of(href)
        paging = {k: v for k, v in query if k in ("page", "size")}
        assert paging == {"page": str(target), "size": str(size)}, (
            f"{rel} href {href} should name page={target}&size={size}"
        )
        others = sorted((k, v) for k, v in query if k not in ("page", "size"))
        assert others == kept, (
            f"{rel} href {href} does not keep the request's other parameters {kept}"
        )


@vendor_check("chatkitty")
def chatkitty_state_filter(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """ChatKitty: ``state=ACTIVE|ENDED`` lists only sessions in that state.

    Guards the one filter the endpoint documents; an ignored filter still answers a valid page,
    which no schema check can tell apart.
    """
    body = answer_of(case, response, LIST)
    if body is None:
        return
    wanted = [v for k, v in query_of(str(response.request.url)) if k == "state"]
    if not wanted:
        return
    other = [s["id"] for s in _sessions(body) if s.get("state") not in wanted]
    assert not other, f"state={','.join(wanted)} was asked for, but sessions {other} are not"
