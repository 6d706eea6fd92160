"""A collection's records and what is derived from them (mockserver/collection.py, views.py):
cached results kept true across writes, on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.collection import MAX_DERIVED, Collection, view_of
from mockserver.views import View
from tests.conftest import MakeBackend
from tests.test_store import collection_of, make_store


def test_a_collection_made_outside_a_store_is_read_only() -> None:
    collection = Collection("c", "id", [{"id": 1}])
    with pytest.raises(TypeError, match="read-only"):
        collection.put({"id": 2})
    assert collection.get(1) == {"id": 1}


def test_snapshot_is_refreshed_after_a_write(make_backend: MakeBackend) -> None:
    store, _ = make_store(make_backend, [{"id": 1}])
    collection = collection_of(store)
    first = collection.all()
    assert collection.all() is first
    collection.put({"id": 2})
    assert [r["id"] for r in collection.all()] == [1, 2]


def test_derived_results_are_cached_until_the_next_write(make_backend: MakeBackend) -> None:
    store, _ = make_store(make_backend, [{"id": 1}, {"id": 2}])
    collection = collection_of(store)
    builds: list[int] = []

    def build() -> list[dict[str, Any]]:
        builds.append(collection.version)
        return [r for r in collection.all() if r["id"] > 1]

    first = collection.derived("big", build)
    assert collection.derived("big", build) is first
    collection.put({"id": 3})
    assert [r["id"] for r in collection.derived("big", build)] == [2, 3]
    assert builds == [0, 1]


def test_a_result_that_says_how_it_was_selected_is_kept_up_to_date_across_writes(
    make_backend: MakeBackend,
) -> None:
    store, other = make_store(make_backend, [{"id": i, "n": n} for i, n in enumerate([5, 1, 3])])
    collection = collection_of(store)
    builds: list[int] = []

    def build() -> list[dict[str, Any]]:
        builds.append(collection.version)
        return sorted((r for r in collection.all() if r["n"] > 1), key=lambda r: -r["n"])

    def derived() -> list[dict[str, Any]]:
        return collection.derived(
            "big", build, passes=lambda r: r["n"] > 1, rank=lambda r: (-r["n"],)
        )

    assert [r["id"] for r in derived()] == [0, 2]
    collection.put({"id": 3, "n": 4})  # new, placed by rank
    collection_of(other).update(0, lambda r: {**r, "n": 3})  # another replica's write
    store.sync()
    collection.put({"id": 2, "n": 0})  # changed: no longer passes
    collection.put({"id": 4, "n": 3})
    assert [r["id"] for r in derived()] == [3, 0, 4]
    assert builds == [0]


def test_records_added_while_nothing_is_cached_are_placed_by_insertion_later(
    make_backend: MakeBackend,
) -> None:
    store, _ = make_store(make_backend, [{"id": 1, "n": 1}])
    collection = collection_of(store)

    def derived() -> list[int]:
        records = collection.derived(
            "n",
            lambda: sorted(collection.all(), key=lambda r: r["n"]),
            passes=lambda r: True,
            rank=lambda r: (r["n"],),
        )
        return [r["id"] for r in records]

    derived()
    collection.put({"id": 2, "n": 2})  # the first write with something cached
    for key in range(MAX_DERIVED):  # push it out with results that writes do not keep
        collection.derived(key, list)
    collection.put({"id": 3, "n": 1})  # nothing cached now
    collection.put({"id": 4, "n": 1})
    derived()
    collection.put({"id": 5, "n": 1})
    collection.update(3, lambda r: {**r, "n": 0})
    assert derived() == [3, 1, 4, 5, 2]


def test_a_kept_result_the_order_cannot_place_a_record_in_is_rebuilt(
    make_backend: MakeBackend,
) -> None:
    store, _ = make_store(make_backend, [{"id": 1, "n": 1}])
    collection = collection_of(store)
    builds: list[int] = []

    def derived() -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            builds.append(collection.version)
            return list(collection.all())

        return collection.derived("all", build, passes=lambda r: True, rank=lambda r: (r["n"],))

    derived()
    collection.put({"id": 2, "n": "text"})  # str against int: no place in that order
    assert [r["id"] for r in derived()] == [1, 2]
    assert builds == [0, 1]


def test_a_result_built_across_a_write_is_not_kept(make_backend: MakeBackend) -> None:
    store, _ = make_store(make_backend, [{"id": 1}])
    collection = collection_of(store)

    def build_while_writing() -> list[dict[str, Any]]:
        stale = list(collection.all())
        collection.put({"id": 2})
        return stale

    assert len(collection.derived("all", build_while_writing)) == 1
    assert len(collection.derived("all", lambda: list(collection.all()))) == 2


def test_derived_results_are_bounded_oldest_unused_first() -> None:
    collection = Collection("c", "id", [{"id": 1}])
    kept = collection.derived(0, list)
    for key in range(1, MAX_DERIVED + 5):
        collection.derived(0, lambda: [{"id": "rebuilt"}])  # used again: stays
        collection.derived(key, list)
    assert collection.derived(0, lambda: [{"id": "rebuilt"}]) is kept
    assert collection.derived(1, lambda: [{"id": "rebuilt"}]) == [{"id": "rebuilt"}]


def test_view_of_accepts_collections_and_current_views_only(make_backend: MakeBackend) -> None:
    store, _ = make_store(make_backend, [{"id": 1}])
    collection = collection_of(store)
    view = collection.all()
    assert view_of(collection) is view
    assert view_of([{"id": 1}]) is None
    collection.put({"id": 2})
    assert view_of(view) is None  # written since: stale


@pytest.mark.parametrize(
    "mutate",
    [
        lambda v: v.append({"id": 9}),
        lambda v: v.extend([{"id": 9}]),
        lambda v: v.insert(0, {"id": 9}),
        lambda v: v.remove(v[0]),
        lambda v: v.pop(),
        lambda v: v.clear(),
        lambda v: v.sort(key=lambda r: -r["id"]),
        lambda v: v.reverse(),
        lambda v: v.__setitem__(0, {"id": 9}),
        lambda v: v.__delitem__(0),
        lambda v: v.__iadd__([{"id": 9}]),
        lambda v: v.__imul__(2),
    ],
)
def test_a_mutated_view_is_no_longer_taken_for_the_collection(mutate: object) -> None:
    collection = Collection("c", "id", [{"id": 1}, {"id": 2}])
    view = View(collection.all(), collection, collection.version)
    mutate(view)  # type: ignore[operator]
    assert view_of(view) is None
    assert view_of(collection) is collection.all()
