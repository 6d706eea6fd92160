from __future__ import annotations

import pytest

from mockserver.errors import NotAcceptable
from mockserver.negotiation import is_json, negotiate

OFFERED = ["application/json", "application/vnd.x+json", "text/xml"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("text/xml", "text/xml"),
        ("text/*", "text/xml"),
        ("text/xml;q=0.5, application/vnd.x+json", "application/vnd.x+json"),
        ("application/json;q=0.1, text/xml;q=0.2", "text/xml"),
        ("application/json; charset=utf-8", "application/json"),
    ],
)
def test_negotiate(accept: str | None, chosen: str) -> None:
    assert negotiate(accept, OFFERED) == chosen


def test_nothing_acceptable_lists_what_is_offered() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate("image/png, text/csv;q=0.5", OFFERED)
    assert caught.value.available == tuple(OFFERED)
    assert "text/xml" in str(caught.value)


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("application/json", True),
        ("application/hal+json; charset=utf-8", True),
        ("text/json", True),
        ("text/xml", False),
    ],
)
def test_is_json(media_type: str, expected: bool) -> None:
    assert is_json(media_type) is expected
