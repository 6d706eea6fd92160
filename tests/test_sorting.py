from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.filtering import equals, filter_records
from mockserver.sorting import SortKey, sort_records
from mockserver.store import Store
from tests.conftest import MakeBackend

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


def test_nulls_first_sorts_them_as_the_smallest_values_as_mongodb_does() -> None:
    assert ids(sort_records(RECORDS, [SortKey(("score",), nulls_first=True)])) == [2, 4, 1, 3]
    descending = SortKey(("user", "age"), descending=True, nulls_first=True)
    assert ids(sort_records(RECORDS, [descending])) == [1, 2, 4, 3]


def test_sorting_does_not_touch_the_input() -> None:
    before = list(RECORDS)
    sort_records(RECORDS, [SortKey(("id",), descending=True)])
    assert before == RECORDS


# One type per field (with nulls), as a spec'd field has: mixed types are not comparable.
_VALUES = {
    "x": st.one_of(st.none(), st.integers(0, 3)),
    "y": st.one_of(st.none(), st.sampled_from(["a", "B", "b"])),
}
_STEPS = st.lists(
    st.one_of(
        *(
            st.builds(lambda value, path=path: ("filter", [equals((path,), value)]), values)
            for path, values in _VALUES.items()
        ),
        st.builds(
            lambda path, desc, nulls: ("sort", [SortKey((path,), desc, nulls)]),
            st.sampled_from(["x", "y", "id"]),
            st.booleans(),
            st.booleans(),
        ),
        # a new record (a key past the last) or a changed one, through put or update
        st.builds(
            lambda key, values, via_update: ("write", [key, values, via_update]),
            st.integers(0, 14),
            st.fixed_dictionaries(_VALUES),
            st.booleans(),
        ),
    ),
    max_size=8,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # it makes backends
@given(
    records=st.lists(st.fixed_dictionaries(_VALUES), max_size=12),
    steps=_STEPS,
)
def test_cached_filter_and_sort_chains_answer_exactly_as_plain_lists_do(
    make_backend: MakeBackend,
    records: list[dict],  # type: ignore[type-arg]
    steps: list[tuple[str, list]],  # type: ignore[type-arg]
) -> None:
    """Answers come from the cache, kept up to date across writes, and equal fresh ones, on
    every state backend."""
    rows = [{"id": i, **r} for i, r in enumerate(records)]
    collection = Store({"v": {"c": ("id", rows)}}, make_backend()).collections("v")["c"]
    for _ in range(3):  # later rounds are answered from what earlier ones cached
        cached: object = collection
        plain: list = list(collection.all())  # type: ignore[type-arg]
        for kind, args in steps:
            if kind == "filter":
                cached, plain = filter_records(cached, args), filter_records(plain, args)  # type: ignore[arg-type]
            elif kind == "sort":
                cached, plain = sort_records(cached, args), sort_records(plain, args)  # type: ignore[arg-type]
            else:
                key, values, via_update = args
                if key < len(collection) and via_update:
                    collection.update(key, lambda record, v=values: {**record, **v})
                else:
                    collection.put({"id": min(key, len(collection)), **values})
                cached, plain = collection, list(collection.all())
            assert ids(cached) == ids(plain)  # type: ignore[arg-type]
