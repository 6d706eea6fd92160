from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from mockserver.collection import Collection
from mockserver.filtering import (
    Predicate,
    all_of,
    any_of,
    cacheable,
    compare,
    contains_text,
    equals,
    filter_records,
    first_per_group,
    is_null,
    one_of,
)
from mockserver.paths import get_path
from mockserver.store import Store

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


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        (is_null(("n",)), ["c"]),
        (is_null(("n",), negate=True), ["a", "b"]),
        (is_null(("missing",)), ["a", "b", "c"]),
        (any_of([equals(("id",), "a"), equals(("tags",), "y")]), ["a", "b"]),
        (any_of([equals(("n",), 1), is_null(("n",))]), ["a", "c"]),
        (all_of([equals(("id",), "a"), equals(("tags",), "y")]), ["a"]),
        (all_of([equals(("id",), "b"), equals(("tags",), "x")]), []),
        (any_of([all_of([equals(("n",), 1), equals(("id",), "a")]), is_null(("n",))]), ["a", "c"]),
    ],
)
def test_null_or_absent_and_either_of(predicate: Predicate, expected: list[str]) -> None:
    assert ids([predicate]) == expected


@pytest.mark.parametrize("combined", [any_of, all_of])
def test_a_combination_is_cached_only_when_every_part_can_be(
    combined: Callable[[list[Predicate]], Predicate],
) -> None:
    assert getattr(combined([equals(("id",), "a"), is_null(("n",))]), "criterion", None)
    assert not hasattr(combined([equals(("id",), "a"), lambda r: True]), "criterion")
    either = combined([equals(("id",), "a"), equals(("n",), 1)])
    criteria = [vars(combine([either]))["criterion"] for combine in (any_of, all_of)]
    assert criteria[0] != criteria[1]


def test_text_search_is_case_insensitive_over_several_fields() -> None:
    assert ids([contains_text([("name",), ("id",)], "ÜNAL")]) == ["a"]
    assert ids([contains_text([("name",)], "b")]) == ["c"]


def test_predicates_combine_with_and() -> None:
    assert ids([one_of(("tags",), ["y"]), compare(("n",), "gt", 2)]) == ["b"]


def _counting_collection(monkeypatch: pytest.MonkeyPatch) -> tuple[Collection, list[int]]:
    """A collection of RECORDS and a list that grows by one per value the predicates look up."""
    lookups: list[int] = []

    def counted(record: object, path: object) -> object:
        lookups.append(1)
        return get_path(record, path)  # type: ignore[arg-type]

    monkeypatch.setattr("mockserver.filtering.get_path", counted)
    store = Store({"v": {"c": ("id", [dict(r) for r in RECORDS])}})  # a store's can be written
    return store.collections("v")["c"], lookups


def test_filtering_a_collection_is_cached_until_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection, lookups = _counting_collection(monkeypatch)
    first = filter_records(collection, [one_of(("tags",), ["y"])])
    scanned = len(lookups)
    again = filter_records(collection, [one_of(("tags",), ["y"])])
    assert [r["id"] for r in again] == [r["id"] for r in first] == ["a", "b"]
    assert len(lookups) == scanned  # answered from the cache
    again.append({"id": "mine"})  # the caller's own copy
    assert len(filter_records(collection, [one_of(("tags",), ["y"])])) == 2
    collection.put({"id": "d", "n": 2, "tags": ["y"], "name": "Dee"})
    assert [r["id"] for r in filter_records(collection, [one_of(("tags",), ["y"])])] == [
        "a",
        "b",
        "d",
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (equals(("n",), 1), equals(("n",), "1")),
        (one_of(("id",), ["a"]), one_of(("id",), ["a"], negate=True)),
        (compare(("n",), "gt", 1), compare(("n",), "gte", 1)),
        (contains_text([("name",)], "a"), contains_text([("id",)], "a")),
    ],
)
def test_different_criteria_never_share_a_cached_answer(one: Predicate, other: Predicate) -> None:
    collection = Collection("c", "id", [dict(r) for r in RECORDS])
    for predicate in (one, other):
        assert filter_records(collection, [predicate]) == filter_records(RECORDS, [predicate])


def test_hand_written_predicates_work_uncached() -> None:
    collection = Collection("c", "id", [dict(r) for r in RECORDS])
    assert [r["id"] for r in filter_records(collection, [lambda r: r["n"] == 5])] == ["b"]


def test_a_hand_written_predicate_declared_cacheable_is_cached() -> None:
    collection = Collection("c", "id", [dict(r) for r in RECORDS])
    calls: list[str] = []

    def at_least(n: int) -> Predicate:
        def predicate(record: Mapping[str, Any]) -> bool:
            calls.append(record["id"])
            return (record["n"] or 0) >= n

        return cacheable(predicate, "at_least", n)

    assert [r["id"] for r in filter_records(collection, [at_least(2)])] == ["b"]
    assert [r["id"] for r in filter_records(collection, [at_least(2)])] == ["b"]
    assert [r["id"] for r in filter_records(collection, [at_least(1)])] == ["a", "b"]
    assert calls == ["a", "b", "c", "a", "b", "c"]  # one scan per distinct criterion


def test_values_that_cannot_name_a_criterion_are_filtered_uncached() -> None:
    marker = object()
    collection = Collection("c", "id", [{"id": 1, "v": marker}, {"id": 2, "v": None}])
    predicate = equals(("v",), marker)
    assert not hasattr(predicate, "criterion")
    assert [r["id"] for r in filter_records(collection, [predicate])] == [1]


def test_first_per_group_keeps_the_first_of_each_combination_in_order() -> None:
    records = [
        {"id": 1, "client": "a", "kind": "x"},
        {"id": 2, "client": "b", "kind": "x"},
        {"id": 3, "client": "a", "kind": "x"},
        {"id": 4, "client": "a", "kind": "y"},
        {"id": 5, "kind": "x"},
        {"id": 6, "client": None, "kind": "x"},  # null and absent are one group
        {"id": 7, "client": "A", "kind": "x"},  # compared as stored
    ]
    assert [r["id"] for r in first_per_group(records, [("client",)])] == [1, 2, 5, 7]
    assert [r["id"] for r in first_per_group(records, [("client",), ("kind",)])] == [1, 2, 4, 5, 7]
    assert first_per_group([], [("client",)]) == []
