from __future__ import annotations

from mockserver.sorting import SortKey, sort_records

RECORDS = [
    {"id": 1, "name": "beta", "score": 2, "user": {"age": 30}},
    {"id": 2, "name": "Alpha", "score": None, "user": {"age": 25}},
    {"id": 3, "name": "alpha", "score": 2, "user": {}},
    {"id": 4, "name": "gamma", "score": 1, "user": {"age": 25}},
]


def ids(records: list) -> list[int]:  # type: ignore[type-arg]
    return [r["id"] for r in records]


def test_single_key_ascending_and_descending() -> None:
    assert ids(sort_records(RECORDS, [SortKey(("id",), descending=True)])) == [4, 3, 2, 1]


def test_strings_compare_case_insensitively_and_ties_keep_order() -> None:
    assert ids(sort_records(RECORDS, [SortKey(("name",))])) == [2, 3, 1, 4]


def test_multi_key_precedence() -> None:
    keys = [SortKey(("score",), descending=True), SortKey(("name",))]
    assert ids(sort_records(RECORDS, keys)) == [2, 3, 1, 4]


def test_nulls_and_missing_sort_last_ascending_first_descending() -> None:
    assert ids(sort_records(RECORDS, [SortKey(("score",))])) == [4, 1, 3, 2]
    assert ids(sort_records(RECORDS, [SortKey(("user", "age"))])) == [2, 4, 1, 3]
    assert ids(sort_records(RECORDS, [SortKey(("user", "age"), descending=True)])) == [3, 1, 2, 4]


def test_sorting_does_not_touch_the_input() -> None:
    before = list(RECORDS)
    sort_records(RECORDS, [SortKey(("id",), descending=True)])
    assert before == RECORDS
