from __future__ import annotations

import pytest

from mockserver.filtering import compare, contains_text, equals, filter_records, one_of

RECORDS = [
    {"id": "a", "n": 1, "tags": ["x", "y"], "name": "Zoë Ünal"},
    {"id": "b", "n": 5, "tags": ["y"], "name": "Ana"},
    {"id": "c", "n": None, "tags": [], "name": "bob"},
]


def ids(predicates: list) -> list[str]:  # type: ignore[type-arg]
    return [r["id"] for r in filter_records(RECORDS, predicates)]


def test_equality_on_scalars_and_array_membership() -> None:
    assert ids([equals(("n",), 5)]) == ["b"]
    assert ids([equals(("tags",), "x")]) == ["a"]


def test_in_and_not_in() -> None:
    assert ids([one_of(("id",), ["a", "c"])]) == ["a", "c"]
    assert ids([one_of(("id",), ["a", "c"], negate=True)]) == ["b"]
    assert ids([one_of(("tags",), ["y"])]) == ["a", "b"]


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("lt", 5, ["a"]),
        ("lte", 5, ["a", "b"]),
        ("gt", 1, ["b"]),
        ("gte", 1, ["a", "b"]),
        ("ne", 1, ["b", "c"]),
    ],
)
def test_comparisons_never_match_null_except_ne(op: str, value: int, expected: list[str]) -> None:
    assert ids([compare(("n",), op, value)]) == expected


def test_text_search_is_case_insensitive_over_several_fields() -> None:
    assert ids([contains_text([("name",), ("id",)], "ÜNAL")]) == ["a"]
    assert ids([contains_text([("name",)], "b")]) == ["c"]


def test_predicates_combine_with_and() -> None:
    assert ids([one_of(("tags",), ["y"]), compare(("n",), "gt", 2)]) == ["b"]
