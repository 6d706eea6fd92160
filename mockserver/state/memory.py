"""The ``memory`` backend: state in this process's memory, gone when it ends.

Today's behaviour and speed, for one process: the library default, and what the test-suite
serves from. The records it hands out are the very objects it was given (records are never
changed in place, see :mod:`mockserver.store`), so a write costs a dict assignment, not a copy.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from . import Base, Change, Changes, Direct, Record, Seeding, SpaceState

__all__ = ["MemoryBackend"]


class _Space:
    __slots__ = ("changed", "epoch", "loaded", "records")

    def __init__(self) -> None:
        self.epoch = 0
        self.changed = 0  # the stamp of the last reset or load
        self.loaded = False
        # key -> (position, stamp, record); a deleted record is None
        self.records: dict[Any, tuple[int, int, Record | None]] = {}


class MemoryBackend(Direct):
    """A :class:`~mockserver.state.Backend` for one process; every method under one lock."""

    url = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp = 0
        self._spaces: dict[str, _Space] = {}
        self._fingerprints: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._logs: dict[str, deque[dict[str, Any]]] = {}
        # (stamp, space, key) of every write, oldest first: what changed after a stamp, found
        # by a binary search rather than a scan of every record.
        self._writes: list[tuple[int, str, Any]] = []

    def seed(self, group: str, fingerprint: str, spaces: Sequence[str]) -> Seeding:
        with self._lock:
            known = self._fingerprints.get(group)
            self._fingerprints[group] = fingerprint
            if known == fingerprint:
                return "restored"
            if known is None:
                return "seeded"
            self._reset(spaces)
            return "reseeded"

    def stamp(self) -> int:
        return self._stamp

    def changes(self, since: int) -> Changes:
        with self._lock:
            rebuilt = {
                name: SpaceState(space.epoch, space.loaded, _sorted(name, space.records.items()))
                for name, space in self._spaces.items()
                if space.changed > since
            }
            records: dict[tuple[str, Any], Change] = {}
            for _, name, key in self._writes[
                bisect.bisect_right(self._writes, since, key=_stamp_of) :
            ]:
                kept = self._spaces[name].records.get(key)
                if name not in rebuilt and kept is not None and kept[1] > since:
                    records[name, key] = Change(name, key, kept[0], kept[2])
            return Changes(self._stamp, rebuilt, sorted(records.values(), key=_by_position))

    def put(self, space: str, key: Any, record: Record, base: Base) -> int:
        with self._lock:
            found = self._space(space)
            return self._write(found, space, key, record, _in_fixtures(found, key, base))

    def insert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        with self._lock:
            found = self._space(space)
            if _current(found, key, base) is not None:
                return None
            return self._write(found, space, key, record)

    def update(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        with self._lock:
            found = self._space(space)
            current = _current(found, key, base)
            if current is None:
                raise KeyError(key)
            updated = change(copy.deepcopy(current))
            return self._write(found, space, key, updated, _in_fixtures(found, key, base)), updated

    def delete(self, space: str, key: Any, base: Base) -> int | None:
        with self._lock:
            found = self._space(space)
            if _current(found, key, base) is None:
                return None
            return self._write(found, space, key, None)

    def reset(self, spaces: Iterable[str]) -> int:
        with self._lock:
            return self._reset(spaces)

    def load(self, spaces: Mapping[str, tuple[str, Sequence[Record]]]) -> int:
        with self._lock:
            for name, (key, records) in spaces.items():
                space = self._fresh(name)
                space.loaded = True
                for record in records:
                    self._stamp += 1
                    space.records[record[key]] = (self._stamp, self._stamp, record)
                space.changed = self._stamp
            return self._stamp

    def incr(self, counter: str, by: int = 1) -> int:
        with self._lock:
            value = self._counters[counter] = self._counters.get(counter, 0) + by
            return value

    def append(self, log: str, entry: Mapping[str, Any], limit: int) -> None:
        with self._lock:
            entries = self._logs.get(log)
            if entries is None or entries.maxlen != limit:
                entries = self._logs[log] = deque(entries or (), maxlen=limit)
            entries.append(dict(entry))

    def entries(self, log: str, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            entries = list(self._logs.get(log, ()))
        return entries[::-1][:limit]

    def clear(self, log: str) -> int:
        with self._lock:
            return len(self._logs.pop(log, ()))

    def flush(self) -> None:
        """Nothing waits: every entry is in the log when :meth:`append` returns."""

    def close(self) -> None:
        """Nothing to release: the state goes with the object."""

    def _space(self, name: str) -> _Space:
        space = self._spaces.get(name)
        if space is None:
            space = self._spaces[name] = _Space()
        return space

    def _write(
        self, space: _Space, name: str, key: Any, record: Record | None, fixture: bool = False
    ) -> int:
        self._stamp += 1
        self._writes.append((self._stamp, name, key))
        kept = space.records.get(key)
        if kept is None:
            position = 0 if fixture else self._stamp
        else:  # a record made again after its deletion is a new one: last in insertion order
            position = self._stamp if kept[2] is None else kept[0]
        space.records[key] = (position, self._stamp, record)
        return self._stamp

    def _fresh(self, name: str) -> _Space:
        """The space emptied into a new epoch, as of a new stamp."""
        space = self._space(name)
        self._stamp += 1
        space.epoch += 1
        space.changed = self._stamp
        space.loaded = False
        space.records = {}
        return space

    def _reset(self, spaces: Iterable[str]) -> int:
        for name in spaces:
            self._fresh(name)
        return self._stamp


def _current(space: _Space, key: Any, base: Base) -> Record | None:
    kept = space.records.get(key)
    if kept is not None:
        return kept[2]
    return None if space.loaded else base(key)


def _in_fixtures(space: _Space, key: Any, base: Base) -> bool:
    """Whether a first write of ``key`` overrides a record of the fixtures (keeping its place)."""
    return not space.loaded and key not in space.records and base(key) is not None


def _sorted(
    space: str, records: Iterable[tuple[Any, tuple[int, int, Record | None]]]
) -> list[Change]:
    changes = [Change(space, key, position, record) for key, (position, _, record) in records]
    changes.sort(key=_by_position)
    return changes


def _stamp_of(write: tuple[int, str, Any]) -> int:
    return write[0]


def _by_position(change: Change) -> int:
    return change.position
