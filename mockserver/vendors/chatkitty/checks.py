"""ChatKitty's promises beyond its schema: Spring Data paging rendered as HAL.

The page metadata, the sessions and the ``_links`` of one answer must agree with each other and
with the request, the ``state`` filter must hold (what the SDK's paging relies on), and every
link an answer gives must lead somewhere the API serves.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...contract.checks import answer_of, follow, query_of, vendor_check
from .api import pageable

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = [
    "chatkitty_hal_links",
    "chatkitty_links_resolve",
    "chatkitty_page_totals",
    "chatkitty_state_filter",
]

LIST = "listChatSessions"

_FOLLOWED: dict[int, set[tuple[str, str]]] = {}
"""Per run, by its schema's id: the (credentials, href) pairs already followed to a 200.

ChatKitty's resources are read-only, so a link that resolved once in a run resolves again; each
is followed once, not once for every page that shows it.
"""


def _followed_in(schema: Any) -> set[tuple[str, str]]:
    """The pairs followed in the run of ``schema``.

    Schemathesis' schemas cannot be hashed, so they are keyed by id, and the entry goes with
    the schema: a later run whose schema gets the same id starts afresh.
    """
    key = id(schema)
    if key not in _FOLLOWED:
        _FOLLOWED[key] = set()
        weakref.finalize(schema, _FOLLOWED.pop, key, None)
    return _FOLLOWED[key]


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


def _hrefs(value: Any) -> dict[str, str]:
    """Every ``_links`` href in an answer, however deep (the page's and each session's), each
    once, with the relation that gave it first."""
    found: dict[str, str] = {}
    if isinstance(value, dict):
        links = value.get("_links")
        if isinstance(links, dict):
            for rel, link in links.items():
                found.setdefault(link["href"], rel)
        children = [v for k, v in value.items() if k != "_links"]
    else:
        children = value if isinstance(value, list) else []
    for child in children:
        for href, rel in _hrefs(child).items():
            found.setdefault(href, rel)
    return found


@vendor_check("chatkitty")
def chatkitty_links_resolve(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """ChatKitty: every ``_links`` href of an answer is a resource the API serves, with the
    credentials that were given it.

    Guards what a HAL client does with an answer: it follows the links rather than building
    URLs. A chat session's ``session``, ``channel`` and ``application``, a page's ``self`` …
    ``last``, a resource's own links: each points under the API's root, at an operation of its
    spec, and a GET of it with the same token answers 200.
    """
    if response.status_code != 200 or "json" not in response.headers.get("content-type", [""])[0]:
        return
    hrefs = _hrefs(response.json())
    if not hrefs:
        return
    asked = urlsplit(str(response.request.url))
    root = asked.path.removesuffix(case.formatted_path)
    credentials = next((v for k, v in case.headers.items() if k.lower() == "authorization"), "")
    followed_before = _followed_in(case.operation.schema)
    for href, rel in hrefs.items():
        if (credentials, href) in followed_before:
            continue
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc) == (asked.scheme, asked.netloc), (
            f"{rel} href {href} does not point at the API answering ({asked.netloc})"
        )
        assert parts.path.startswith(f"{root}/"), f"{rel} href {href} is not under {root}/"
        path = parts.path.removeprefix(root)
        target = case.operation.schema.find_operation_by_path("GET", path)
        assert target is not None, f"{rel} href {href}: no GET operation serves {path}"
        parameters = {
            name[1:-1]: value
            for name, value in zip(target.path.split("/"), path.split("/"), strict=True)
            if name.startswith("{")
        }
        query: dict[str, list[str]] = {}
        for key, value in query_of(href):
            query.setdefault(key, []).append(value)
        operation_id = target.definition.raw["operationId"]
        followed = follow(case, operation_id, query=query or None, **parameters)
        assert followed.status_code == 200, (
            f"{rel} href {href} answers {followed.status_code}, not the resource it links to"
        )
        followed_before.add((credentials, href))
