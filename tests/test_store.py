"""The store and its backends: one conformance suite, run against every backend.

Every test gets ``make_backend`` (tests/conftest.py), parametrized over memory, SQLite and
Redis; two stores on one backend stand for two workers (or replicas) sharing it. (Being in one
process, they also take the changes either reads, as a process's stores do: a replica is never
behind, so what these tests prove holds for separate processes too.)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from mockserver.collection import Collection
from mockserver.state import Changes
from mockserver.state.memory import MemoryBackend
from mockserver.store import Store, one_stamp
from tests.conftest import MakeBackend

Fixtures = dict[str, dict[str, tuple[str, list[dict[str, Any]]]]]


def make_store(make_backend: MakeBackend, records: list[dict[str, Any]]) -> tuple[Store, Store]:
    """Two replicas of one vendor ``v`` with one collection ``c``, sharing one backend."""
    backend = make_backend()
    fixtures: Fixtures = {"v": {"c": ("id", records)}}
    return Store(fixtures, backend), Store(fixtures, backend)


def collection_of(store: Store) -> Collection:
    return store.collections("v")["c"]


def race_updates(stores: Sequence[Store], threads: int, each: int) -> None:
    """``threads`` threads over ``stores`` each add 1 to record 1's ``n`` ``each`` times; every
    store then reads the sum: no update lost."""

    def bump(store: Store) -> None:
        for _ in range(each):
            collection_of(store).update(1, lambda r: {**r, "n": r["n"] + 1})

    started = [
        threading.Thread(target=bump, args=(stores[i % len(stores)],)) for i in range(threads)
    ]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    for store in stores:
        store.sync()
        assert collection_of(store).get(1) == {"id": 1, "n": threads * each}


def test_update_is_atomic_under_concurrency_across_replicas(make_backend: MakeBackend) -> None:
    race_updates(make_store(make_backend, [{"id": 1, "n": 0}]), threads=6, each=100)


def test_refused_update_changes_nothing(make_backend: MakeBackend) -> None:
    store, other = make_store(make_backend, [{"id": 1, "n": 0}])

    def refuse(record: dict[str, Any]) -> dict[str, Any]:
        record["n"] = 99
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        collection_of(store).update(1, refuse)
    other.sync()
    assert collection_of(store).get(1) == collection_of(other).get(1) == {"id": 1, "n": 0}


def test_update_of_a_missing_key_is_a_key_error(make_backend: MakeBackend) -> None:
    store, _ = make_store(make_backend, [{"id": 1}])
    with pytest.raises(KeyError):
        collection_of(store).update(2, dict)


def test_a_write_is_read_by_the_other_replica_after_its_sync(make_backend: MakeBackend) -> None:
    store, other = make_store(make_backend, [{"id": 1, "n": 0}])
    collection_of(store).put({"id": 2, "n": 5})
    collection_of(store).update(1, lambda r: {**r, "n": 1})
    other.sync()
    assert list(collection_of(other)) == [{"id": 1, "n": 1}, {"id": 2, "n": 5}]


def test_insertion_order_is_the_same_on_every_replica(make_backend: MakeBackend) -> None:
    store, other = make_store(make_backend, [{"id": 0}])
    for key in range(1, 7):  # each replica writes without having seen the other's last write
        collection_of(store if key % 2 else other).put({"id": key})
        collection_of(other if key % 2 else store).update(0, lambda r, k=key: {**r, "last": k})
    store.sync()
    other.sync()
    assert [r["id"] for r in collection_of(store)] == [0, 1, 2, 3, 4, 5, 6]
    assert list(collection_of(store)) == list(collection_of(other))


def test_insert_claims_a_key_once_across_replicas(make_backend: MakeBackend) -> None:
    store, other = make_store(make_backend, [{"id": "fixture"}])
    assert not collection_of(store).insert({"id": "fixture", "taken": True})
    assert collection_of(store).insert({"id": "new", "by": "store"})
    assert not collection_of(other).insert({"id": "new", "by": "other"})
    assert collection_of(other).get("new") == {"id": "new", "by": "store"}


def test_a_deletion_is_seen_by_every_replica_and_a_key_made_again_is_last(
    make_backend: MakeBackend,
) -> None:
    store, other = make_store(make_backend, [{"id": 1, "n": 1}, {"id": 2, "n": 2}])
    collection = collection_of(store)
    ranked = collection.derived(
        "n",
        lambda: sorted(collection.all(), key=lambda r: r["n"]),
        passes=lambda r: True,
        rank=lambda r: (r["n"],),
    )
    collection.put({"id": 3, "n": 3})
    assert collection.delete(1) == {"id": 1, "n": 1}  # a fixture record
    assert collection.delete(3) == {"id": 3, "n": 3}  # a written one
    assert collection.delete(3) is None
    assert [r["id"] for r in ranked] == [2]  # the kept result lost them too
    with pytest.raises(KeyError):
        collection.update(1, dict)
    assert collection.insert({"id": 1, "n": 0})
    other.sync()
    for replica in (store, other):
        assert [r["id"] for r in collection_of(replica)] == [2, 1]
    store.reset()
    other.sync()
    assert [r["id"] for r in collection_of(other)] == [1, 2]


def test_an_update_changes_its_own_copy_not_the_records_sharing_its_strings(
    make_backend: MakeBackend,
) -> None:
    status = "".join(["AC", "TIVE"])  # one object in both records, as the fixture loader shares it
    fixtures = [{"id": 1, "status": status, "tags": ["a"]}, {"id": 2, "status": status, "tags": []}]
    store, _ = make_store(make_backend, fixtures)

    def change(record: dict[str, Any]) -> dict[str, Any]:
        record["tags"].append("b")
        record["status"] = "ENDED"
        return record

    collection_of(store).update(1, change)
    assert collection_of(store).get(1) == {"id": 1, "status": "ENDED", "tags": ["a", "b"]}
    assert collection_of(store).get(2) == {"id": 2, "status": "ACTIVE", "tags": []}
    assert fixtures[0] == {"id": 1, "status": "ACTIVE", "tags": ["a"]}
    store.reset()
    assert collection_of(store).get(1) == {"id": 1, "status": "ACTIVE", "tags": ["a"]}


def test_reset_restores_the_fixtures_for_one_vendor_or_all_on_every_replica(
    make_backend: MakeBackend,
) -> None:
    backend = make_backend()
    fixtures: Fixtures = {"a": {"c": ("id", [{"id": 1}])}, "b": {"c": ("id", [{"id": 1}])}}
    store, other = Store(fixtures, backend), Store(fixtures, backend)
    for vendor in ("a", "b"):
        store.collections(vendor)["c"].put({"id": 2})
    other.sync()
    before = other.collections("a")["c"]
    store.reset("a")
    other.sync()
    for replica in (store, other):
        assert len(replica.collections("a")["c"]) == 1
        assert len(replica.collections("b")["c"]) == 2
    assert other.collections("a")["c"] is not before  # a new epoch: caches of the old one go
    store.reset()
    other.sync()
    assert len(other.collections("b")["c"]) == 1


def test_load_replaces_the_records_everywhere_until_a_reset(make_backend: MakeBackend) -> None:
    store, other = make_store(make_backend, [{"id": 1}, {"id": 2}])
    store.load("v", {"c": ("id", [{"id": 9, "loaded": True}, {"id": 3}])})
    collection_of(store).put({"id": 4})
    other.sync()
    assert [r["id"] for r in collection_of(other)] == [9, 3, 4]
    with pytest.raises(KeyError):  # the fixtures are not under a loaded collection
        collection_of(other).update(1, dict)
    assert collection_of(other).insert({"id": 1})
    store.reset()
    other.sync()
    assert [r["id"] for r in collection_of(other)] == [1, 2]


def test_seeding_restores_the_state_of_the_same_fixtures_and_reseeds_after_a_change(
    make_backend: MakeBackend,
) -> None:
    backend = make_backend()
    fixtures: Fixtures = {"v": {"c": ("id", [{"id": 1}])}}
    first = Store(fixtures, backend)
    assert first.seed({"v": "one"}) == {"v": "seeded"}
    collection_of(first).put({"id": 2})
    again = Store(fixtures, backend)
    assert again.seed({"v": "one"}) == {"v": "restored"}
    assert [r["id"] for r in collection_of(again)] == [1, 2]
    changed = Store(fixtures, backend)
    assert changed.seed({"v": "two"}) == {"v": "reseeded"}
    assert [r["id"] for r in collection_of(changed)] == [1]


def test_counters_are_shared(make_backend: MakeBackend) -> None:
    backend = make_backend()
    assert [backend.incr("a") for _ in range(3)] == [1, 2, 3]
    assert backend.incr("b", 5) == 5
    assert backend.incr("a", 0) == 3


def test_the_event_loop_s_writes_are_the_same_writes(make_backend: MakeBackend) -> None:
    """``aput`` … on the event loop store what ``put`` … store, atomically: concurrent
    read-modify-writes of one loop and two replicas lose no update, an id is claimed once."""
    store, other = make_store(make_backend, [{"id": 1, "n": 0}])

    async def bump(replica: Store) -> None:
        for _ in range(25):
            await collection_of(replica).aupdate(1, lambda r: {**r, "n": r["n"] + 1})

    async def scenario() -> list[bool]:
        await asyncio.gather(*(bump(replica) for replica in (store, other, store, other)))
        await collection_of(store).aput({"id": 2, "n": 0})
        claimed = await asyncio.gather(
            collection_of(store).ainsert({"id": 3, "by": "store"}),
            collection_of(other).ainsert({"id": 3, "by": "other"}),
        )
        assert await collection_of(other).adelete(2) == {"id": 2, "n": 0}
        assert await collection_of(other).adelete(2) is None
        assert [await store.backend.aincr("calls") for _ in range(2)] == [1, 2]
        await store.sync_async()
        return claimed

    assert sorted(asyncio.run(scenario())) == [False, True]
    other.sync()
    for replica in (store, other):
        assert collection_of(replica).get(1) == {"id": 1, "n": 100}
        assert 2 not in collection_of(replica)
        assert collection_of(replica).get(3) is not None
    assert collection_of(store).get(3) == collection_of(other).get(3)
    assert store.backend.incr("calls", 0) == 2


def test_logs_are_bounded_newest_first_and_clearable(make_backend: MakeBackend) -> None:
    backend = make_backend()
    for n in range(5):
        backend.append("journal", {"n": n}, limit=3)
    backend.append("other", {"n": 99}, limit=3)
    assert backend.entries("journal", 10) == [{"n": 4}, {"n": 3}, {"n": 2}]
    assert backend.entries("journal", 2) == [{"n": 4}, {"n": 3}]
    assert backend.clear("journal") == 3
    assert backend.entries("journal", 10) == []
    assert backend.entries("other", 10) == [{"n": 99}]


def test_a_log_whose_size_changed_keeps_its_newest_entries(make_backend: MakeBackend) -> None:
    """A server restarted with another journal size on the same state."""
    backend = make_backend()
    for n in range(5):
        backend.append("journal", {"n": n}, limit=3)
    for n in range(5, 7):
        backend.append("journal", {"n": n}, limit=4)
    assert backend.entries("journal", 10) == [{"n": n} for n in (6, 5, 4, 3)]
    backend.append("journal", {"n": 7}, limit=2)
    assert backend.entries("journal", 10) == [{"n": 7}, {"n": 6}]


def test_a_request_reads_its_own_writes_whatever_others_wrote_since_it_began(
    make_backend: MakeBackend,
) -> None:
    """Within a request the stamp is read once (``one_stamp``); what the request writes after
    another process's write, and a reset it makes, are still what it reads next."""
    store, other = make_store(make_backend, [{"id": 1, "n": 0}])
    store.sync()
    with one_stamp(store.backend, store.backend.stamp()):
        # Another process's write, made after the request began (a thread: not in its context).
        elsewhere = threading.Thread(target=lambda: collection_of(other).put({"id": 2, "n": 0}))
        elsewhere.start()
        elsewhere.join()
        collection_of(store).put({"id": 3, "n": 0})
        assert collection_of(store).get(3) == {"id": 3, "n": 0}
        assert collection_of(store).get(2) == {"id": 2, "n": 0}
        store.reset()
        assert collection_of(store).get(3) is None
        assert collection_of(store).get(1) == {"id": 1, "n": 0}


class _SlowChanges(MemoryBackend):
    """A backend whose next ``achanges`` reads, then waits for ``gate``: a slow round trip."""

    gate: asyncio.Event | None = None

    async def achanges(self, since: int) -> Changes:
        changes = self.changes(since)
        gate, self.gate = self.gate, None
        if gate is not None:
            await gate.wait()
        return changes


def test_a_slow_catch_up_never_undoes_a_newer_one_on_the_same_loop() -> None:
    """Two requests of one worker catch up at once; the one whose read was older finishes
    last, and must not put back what the newer read replaced."""
    backend = _SlowChanges()
    fixtures = {"v": {"c": ("id", [{"id": 1, "n": 0}])}}
    store, other = Store(fixtures, backend), Store(fixtures, backend)
    writes = other.collections("v")["c"]

    async def scenario() -> None:
        writes.put({"id": 1, "n": 1})
        gate = backend.gate = asyncio.Event()
        slow = asyncio.create_task(store.sync_async())
        await asyncio.sleep(0)  # it has read n=1 and waits
        writes.put({"id": 1, "n": 2})
        await store.sync_async()
        gate.set()
        await slow

    asyncio.run(scenario())
    assert store.collections("v")["c"].get(1) == {"id": 1, "n": 2}


class _CountedChanges(MemoryBackend):
    reads = 0

    def changes(self, since: int) -> Changes:
        self.reads += 1
        return super().changes(since)


def test_the_stores_of_a_process_catch_up_with_one_read_of_the_changes() -> None:
    """A request consults several stores on one backend (its namespace's, the fault rules',
    the spent tokens'): what one reads of the backend brings the others along, and a write to
    one space is no news to a store that does not keep it."""
    backend = _CountedChanges()
    data = Store({"v": {"c": ("id", [{"id": 1}])}}, backend)
    rules = Store({"control": {"rules": ("key", [])}}, backend)
    collection_of(data).put({"id": 2})
    rules.sync()
    data.sync()
    assert backend.reads == 0  # the write was the next stamp: taken, and no news to rules
    backend.put("v/c", 3, {"id": 3}, lambda key: None)  # written by another process
    data.sync()
    rules.sync()
    assert backend.reads == 1
    assert [r["id"] for r in collection_of(data)] == [1, 2, 3]
