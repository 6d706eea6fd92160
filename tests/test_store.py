from __future__ import annotations

import threading

import pytest

from mockserver.store import Collection, Store


def test_update_is_atomic_under_concurrency() -> None:
    collection = Collection("c", "id", [{"id": 1, "n": 0}])

    def bump() -> None:
        for _ in range(200):
            collection.update(1, lambda r: {**r, "n": r["n"] + 1})

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert collection.get(1) == {"id": 1, "n": 1600}


def test_refused_update_changes_nothing() -> None:
    collection = Collection("c", "id", [{"id": 1, "n": 0}])

    def refuse(record: dict) -> dict:  # type: ignore[type-arg]
        record["n"] = 99
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        collection.update(1, refuse)
    assert collection.get(1) == {"id": 1, "n": 0}


def test_reset_restores_the_fixtures_for_one_vendor_or_all() -> None:
    store = Store({"a": {"c": ("id", [{"id": 1}])}, "b": {"c": ("id", [{"id": 1}])}})
    for vendor in ("a", "b"):
        store.collections(vendor)["c"].put({"id": 2})
    store.reset("a")
    assert len(store.collections("a")["c"]) == 1
    assert len(store.collections("b")["c"]) == 2
    store.reset()
    assert len(store.collections("b")["c"]) == 1


def test_snapshot_is_refreshed_after_a_write() -> None:
    collection = Collection("c", "id", [{"id": 1}])
    first = collection.all()
    assert collection.all() is first
    collection.put({"id": 2})
    assert [r["id"] for r in collection.all()] == [1, 2]
