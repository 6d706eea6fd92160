from __future__ import annotations

import pytest

from mockserver.paging import PageInfo, Window, after_cursor, page_links, paginate


@pytest.mark.parametrize(
    ("total", "size", "pages"), [(0, 25, 0), (1, 25, 1), (25, 25, 1), (26, 25, 2), (179, 7, 26)]
)
def test_total_pages(total: int, size: int, pages: int) -> None:
    assert PageInfo(0, size, total).total_pages == pages


def test_windows_cover_everything_once() -> None:
    items = list(range(23))
    seen = [x for n in range(5) for x in paginate(items, Window.for_page(n, 5))]
    assert seen == items
    assert paginate(items, Window(offset=100, limit=5)) == []


@pytest.mark.parametrize(
    ("number", "total", "expected"),
    [
        (0, 10, {"self": 0}),
        (0, 0, {"self": 0}),
        (0, 30, {"first": 0, "self": 0, "next": 1, "last": 2}),
        (1, 30, {"first": 0, "prev": 0, "self": 1, "next": 2, "last": 2}),
        (2, 30, {"first": 0, "prev": 1, "self": 2, "last": 2}),
        (9, 30, {"first": 0, "prev": 8, "self": 9, "last": 2}),
    ],
)
def test_page_links_follow_spring_hateoas(
    number: int, total: int, expected: dict[str, int]
) -> None:
    assert page_links(PageInfo(number, 10, total)) == expected


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        ("a", ["b1", "b2", "c"]),
        ("b", ["c"]),  # a shared value: after its last item, none repeated
        ("c", []),
        ("gone", []),  # a cursor no item has ends the walk, never restarts it
    ],
)
def test_after_cursor_starts_after_the_last_match(cursor: str, expected: list[str]) -> None:
    items = ["a", "b1", "b2", "c"]
    assert list(after_cursor(items, lambda item: item.rstrip("12") == cursor)) == expected


def test_walking_by_cursor_meets_every_item_once() -> None:
    items = [{"id": n} for n in range(23)]
    seen: list[int] = []
    page = paginate(items, Window(0, 5))
    while page:
        seen += [item["id"] for item in page]
        last = page[-1]["id"]
        page = paginate(
            after_cursor(items, lambda item, last=last: item["id"] == last), Window(0, 5)
        )
    assert seen == list(range(23))
