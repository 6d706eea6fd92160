"""The value index: what it finds is what a scan finds, in the same order, across any writes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.filtering import equals, filter_records, one_of
from mockserver.paths import get_path
from mockserver.store import Store
from tests.conftest import MakeBackend

# Scalars, arrays (found by each element), a nested path, and a value no index can hold (a dict).
_VALUE = st.one_of(
    st.none(),
    st.integers(0, 3),
    st.sampled_from(["a", "b"]),
    st.lists(st.integers(0, 3), max_size=3),
    st.just({"k": 1}),
)
_RECORD = st.fixed_dictionaries({"v": _VALUE, "n": st.fixed_dictionaries({"w": _VALUE})})
_WRITES = st.lists(
    st.tuples(st.sampled_from(["put", "update", "delete"]), st.integers(0, 9), _RECORD),
    max_size=12,
)
_WANTED = st.lists(st.one_of(st.integers(0, 3), st.sampled_from(["a", "b"]), st.none()), min_size=1)


def scan(records: list[dict[str, Any]], path: tuple[str, ...], wanted: list[Any]) -> list[Any]:
    def hit(value: Any) -> bool:
        items = value if isinstance(value, list) else [value]
        return any(item in wanted for item in items if not isinstance(item, dict))

    return [r["id"] for r in records if hit(get_path(r, path))]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(records=st.lists(_RECORD, max_size=8), writes=_WRITES, wanted=_WANTED)
def test_the_index_finds_what_a_scan_finds_in_insertion_order_across_writes(
    make_backend: MakeBackend,
    records: list[dict[str, Any]],
    writes: list[tuple[str, int, dict[str, Any]]],
    wanted: list[Any],
) -> None:
    rows = [{"id": i, **r} for i, r in enumerate(records)]
    collection = Store({"s": {"c": ("id", rows)}}, make_backend()).collections("s")["c"]
    paths = [("v",), ("n", "w")]
    for path in paths:  # indexes made before the writes, so the writes must keep them
        collection.with_values(path, wanted)
    for kind, key, record in writes:
        if kind == "delete":
            collection.delete(key)
        elif kind == "update" and key in collection:
            collection.update(key, lambda old, new=record: {**old, **new})
        else:
            collection.put({"id": key, **record})
        for path in paths:
            found = [r["id"] for r in collection.with_values(path, wanted)]
            assert found == scan(list(collection.all()), path, wanted)


@pytest.mark.parametrize("make", [lambda: equals(("v",), 1), lambda: one_of(("v",), [1, "a"])])
def test_filtering_a_collection_by_equality_reads_the_index_not_every_record(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": i, "v": i % 50 or "a"} for i in range(1000)]
    collection = Store({"s": {"c": ("id", rows)}}).collections("s")["c"]
    collection.with_values(("v",), [None])  # the index, made once
    tested: list[object] = []
    predicate = make()

    def counting(record: Any) -> bool:
        tested.append(record)
        return bool(predicate(record))

    counting.__dict__.update(predicate.__dict__)  # the same criterion and lookup
    found = filter_records(collection, [counting])
    assert [r["id"] for r in found] == scan(rows, ("v",), predicate.lookup[1])
    assert len(tested) < 100  # the matches (20 or 40), not the 1,000 records
