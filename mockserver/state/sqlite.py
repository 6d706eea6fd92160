"""The ``sqlite:PATH`` backend: state in one file, durable, shared by every worker on the host.

Python's own :mod:`sqlite3`, called directly: a hop to a thread costs more than these queries.
The file is in WAL mode, so readers never wait for the writer, with ``synchronous=NORMAL``: a
commit survives the server's ``kill -9`` (it is in the WAL file when the call returns), though
not a power cut between checkpoints, which a mock can afford. Every write is one
``BEGIN IMMEDIATE`` transaction, so read-modify-writes from several processes queue for the
file's one write lock instead of racing; a writer waits up to :data:`BUSY_TIMEOUT` for it.

Whether anything was written since a request's last look is read from the file's
:class:`~mockserver.state.beacon.Beacon`, not asked of SQLite.

Records are stored as JSON (:func:`~mockserver.encoding.json_bytes`, any integer size) keyed by
their key's JSON, so an integer key comes back an integer.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ..encoding import json_bytes
from ..errors import StateError
from . import Base, Change, Changes, Direct, Record, Seeding, SpaceState
from .beacon import Beacon
from .queue import Entry, LogQueue

__all__ = ["BUSY_TIMEOUT", "SQLiteBackend"]

BUSY_TIMEOUT = 5.0  # seconds a write waits for another process's transaction before giving up


_INSERT = "INSERT INTO records (space, key, position, stamp, body) VALUES (?, ?, ?, ?, ?)"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS stamp (one INTEGER PRIMARY KEY CHECK (one = 1), value INTEGER NOT NULL);
INSERT OR IGNORE INTO stamp VALUES (1, 0);
CREATE TABLE IF NOT EXISTS spaces (
    space TEXT PRIMARY KEY, epoch INTEGER NOT NULL, changed INTEGER NOT NULL,
    loaded INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    space TEXT NOT NULL, key TEXT NOT NULL, position INTEGER NOT NULL, stamp INTEGER NOT NULL,
    body BLOB, PRIMARY KEY (space, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_stamp ON records (stamp);
CREATE TABLE IF NOT EXISTS fingerprints (grp TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- A log is a ring: entry n of a log of size L is row (log, n % L), written over in place.
-- Replacing a row costs about half of inserting it and deleting the one that fell off.
CREATE TABLE IF NOT EXISTS entries (
    log TEXT NOT NULL, slot INTEGER NOT NULL, n INTEGER NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (log, slot)
);
CREATE TABLE IF NOT EXISTS log_heads (
    log TEXT PRIMARY KEY, last INTEGER NOT NULL, size INTEGER NOT NULL
) WITHOUT ROWID;
"""

# Before 2026-12-04 a log was a table of (log, n) rows, inserted and trimmed: its entries move
# to the ring, in slots that the first write of each log puts in their places.
_LEGACY_LOGS = (
    "INSERT INTO entries (log, slot, n, body) SELECT log, n, n, body FROM logs",
    "INSERT INTO log_heads (log, last, size) SELECT log, max(n), 0 FROM logs GROUP BY log",
    "DROP TABLE logs",
)


class SQLiteBackend(Direct):
    """A :class:`~mockserver.state.Backend` in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:{path}"
        self._lock = threading.RLock()
        self._logs = LogQueue(self._write_entries)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            self._beacon = Beacon(path.with_name(f"{path.name}-stamp"))
            with self._errors():
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                with self._write():
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    if self._one("SELECT 1 FROM sqlite_master WHERE name = 'logs'"):
                        for statement in _LEGACY_LOGS:
                            self._db.execute(statement)
                    # Whatever a process killed mid-write left in it.
                    self._beacon.write(int(self._one("SELECT value FROM stamp")[0]))
        except OSError as exc:
            raise StateError(str(path), f"cannot create the state file: {exc}") from None
        except sqlite3.Error as exc:
            raise StateError(str(path), _explain(exc)) from None

    # -- the interface -------------------------------------------------------------------------

    def seed(self, group: str, fingerprint: str, spaces: Sequence[str]) -> Seeding:
        with self._write():
            row = self._one("SELECT value FROM fingerprints WHERE grp = ?", group)
            if row is not None and row[0] == fingerprint:
                return "restored"
            self._db.execute(
                "INSERT OR REPLACE INTO fingerprints (grp, value) VALUES (?, ?)",
                (group, fingerprint),
            )
            if row is None:
                return "seeded"
            self._reset(spaces)
            return "reseeded"

    def stamp(self) -> int:
        try:
            return self._beacon.read()
        except ValueError:  # closed
            raise StateError(str(self.path), "the state file is closed") from None

    def changes(self, since: int) -> Changes:
        with self._read():
            stamp = int(self._one("SELECT value FROM stamp")[0])
            rebuilt = {
                space: SpaceState(epoch, bool(loaded), self._space_records(space))
                for space, epoch, loaded in self._db.execute(
                    "SELECT space, epoch, loaded FROM spaces WHERE changed > ?", (since,)
                ).fetchall()
            }
            records = [
                Change(space, orjson.loads(key), position, _record(body))
                for space, key, position, body in self._db.execute(
                    "SELECT space, key, position, body FROM records WHERE stamp > ? "
                    "ORDER BY position",
                    (since,),
                )
                if space not in rebuilt
            ]
        return Changes(stamp, rebuilt, records)

    def put(self, space: str, key: Any, record: Record, base: Base) -> int:
        with self._write():
            return self._store(space, key, record, self._in_fixtures(space, key, base))

    def insert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        with self._write():
            if self._current(space, key, base) is not None:
                return None
            return self._store(space, key, record)

    def update(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        with self._write():
            current = self._current(space, key, base)
            if current is None:
                raise KeyError(key)
            updated = change(current)
            return self._store(space, key, updated, self._in_fixtures(space, key, base)), updated

    def delete(self, space: str, key: Any, base: Base) -> int | None:
        with self._write():
            if self._current(space, key, base) is None:
                return None
            return self._store(space, key, None)

    def reset(self, spaces: Iterable[str]) -> int:
        with self._write():
            return self._reset(spaces)

    def load(self, spaces: Mapping[str, tuple[str, Sequence[Record]]]) -> int:
        with self._write():
            stamp = 0
            for space, (key, records) in spaces.items():
                first = self._fresh(space, loaded=True) + 1
                stamp = self._advance(len(records))
                self._db.executemany(
                    _INSERT,
                    (
                        (space, _key(record[key]), first + i, stamp, json_bytes(record))
                        for i, record in enumerate(records)
                    ),
                )
                self._db.execute("UPDATE spaces SET changed = ? WHERE space = ?", (stamp, space))
            return stamp

    def incr(self, counter: str, by: int = 1) -> int:
        with self._write():
            row = self._one(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value",
                counter,
                by,
            )
        assert row is not None
        return int(row[0])

    def append(self, log: str, entry: Mapping[str, Any], limit: int) -> None:
        """Queued (:mod:`.queue`): a write transaction per request would cost every read one."""
        self._logs.append((log, json_bytes(entry), limit))

    def entries(self, log: str, limit: int) -> list[dict[str, Any]]:
        self._logs.flush()
        with self._errors():
            rows = self._db.execute(
                "SELECT body FROM entries WHERE log = ?1 AND n > "
                "(SELECT last FROM log_heads WHERE log = ?1) - ?2 ORDER BY n DESC",
                (log, limit),
            ).fetchall()
        return [orjson.loads(body) for (body,) in rows]

    def clear(self, log: str) -> int:
        self._logs.flush()
        with self._write():
            # The head too: an expired namespace's log leaves nothing behind.
            self._db.execute("DELETE FROM log_heads WHERE log = ?", (log,))
            return self._db.execute("DELETE FROM entries WHERE log = ?", (log,)).rowcount

    def flush(self) -> None:
        self._logs.write_queued()

    def close(self) -> None:
        self._logs.close()
        with self._lock:
            self._db.close()
            self._beacon.close()

    # -- the queued log entries ----------------------------------------------------------------

    def _write_entries(self, queued: Sequence[Entry]) -> None:
        with self._write():
            rings: dict[str, tuple[int, int]] = {}  # log -> its last entry's number, its size
            rows: list[tuple[str, int, int, bytes]] = []
            for log, body, size in queued:
                last, was = rings[log] if log in rings else self._head(log)
                if was != size:  # a new log, or a server with another journal size
                    self._put_entries(rows)
                    rows = []
                    self._resize(log, last, size)
                rows.append((log, (last + 1) % size, last + 1, body))
                rings[log] = (last + 1, size)
            self._put_entries(rows)
            self._db.executemany(
                "INSERT OR REPLACE INTO log_heads (log, last, size) VALUES (?, ?, ?)",
                [(log, last, size) for log, (last, size) in rings.items()],
            )

    def _head(self, log: str) -> tuple[int, int]:
        """The number of the log's last entry and the size of its ring (0, 0 for a new log)."""
        row = self._one("SELECT last, size FROM log_heads WHERE log = ?", log)
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def _put_entries(self, rows: Sequence[tuple[str, int, int, bytes]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO entries (log, slot, n, body) VALUES (?, ?, ?, ?)", rows
        )

    def _resize(self, log: str, last: int, size: int) -> None:
        """Keep the log's newest ``size`` entries, each in its slot of a ring that long."""
        self._db.execute("DELETE FROM entries WHERE log = ? AND n <= ?", (log, last - size))
        # Through negative slots (no slot is otherwise), so no two rows share one on the way.
        self._db.execute("UPDATE entries SET slot = -1 - n WHERE log = ?", (log,))
        self._db.execute("UPDATE entries SET slot = n % ? WHERE log = ?", (size, log))

    # -- inside a transaction ------------------------------------------------------------------

    def _one(self, sql: str, *args: Any) -> Any:
        return self._db.execute(sql, args).fetchone()

    def _advance(self, by: int = 1) -> int:
        stamp = int(self._one("UPDATE stamp SET value = value + ? RETURNING value", by)[0])
        self._beacon.write(stamp)
        return stamp

    def _current(self, space: str, key: Any, base: Base) -> Record | None:
        row = self._one("SELECT body FROM records WHERE space = ? AND key = ?", space, _key(key))
        if row is not None:
            return _record(row[0])
        loaded = self._one("SELECT loaded FROM spaces WHERE space = ?", space)
        if loaded is not None and loaded[0]:
            return None
        found = base(key)
        return None if found is None else copy.deepcopy(found)

    def _in_fixtures(self, space: str, key: Any, base: Base) -> bool:
        """Whether a first write of ``key`` overrides a record of the fixtures (its place kept)."""
        if self._one("SELECT 1 FROM records WHERE space = ? AND key = ?", space, _key(key)):
            return False
        loaded = self._one("SELECT loaded FROM spaces WHERE space = ?", space)
        return not (loaded and loaded[0]) and base(key) is not None

    def _store(self, space: str, key: Any, record: Record | None, fixture: bool = False) -> int:
        stamp = self._advance()
        # A record made again after its deletion is a new one: last in insertion order.
        self._db.execute(
            f"{_INSERT} ON CONFLICT (space, key) DO UPDATE SET stamp = excluded.stamp, "
            "body = excluded.body, "
            "position = CASE WHEN body IS NULL THEN excluded.position ELSE position END",
            (
                space,
                _key(key),
                0 if fixture else stamp,
                stamp,
                None if record is None else json_bytes(record),
            ),
        )
        return stamp

    def _fresh(self, space: str, *, loaded: bool = False) -> int:
        stamp = self._advance()
        self._db.execute("DELETE FROM records WHERE space = ?", (space,))
        self._db.execute(
            "INSERT INTO spaces (space, epoch, changed, loaded) VALUES (?, 1, ?, ?) "
            "ON CONFLICT (space) DO UPDATE SET epoch = epoch + 1, changed = excluded.changed, "
            "loaded = excluded.loaded",
            (space, stamp, int(loaded)),
        )
        return stamp

    def _reset(self, spaces: Iterable[str]) -> int:
        stamp = 0
        for space in spaces:
            stamp = self._fresh(space)
        return stamp or int(self._one("SELECT value FROM stamp")[0])

    def _space_records(self, space: str) -> list[Change]:
        return [
            Change(space, orjson.loads(key), position, _record(body))
            for key, position, body in self._db.execute(
                "SELECT key, position, body FROM records WHERE space = ? ORDER BY position",
                (space,),
            )
        ]

    # -- transactions and errors ---------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise StateError(str(self.path), _explain(exc)) from None

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, holding the file's write lock from its first statement."""
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            before = self._beacon.read()  # the last commit's: writers set it under this lock
            try:
                yield
            except BaseException:
                self._beacon.write(before)
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[None]:
        """One read transaction: every query in it sees the same state."""
        with self._errors():
            self._db.execute("BEGIN")
            try:
                yield
            finally:
                self._db.execute("COMMIT")


def _record(body: bytes | None) -> Record | None:
    return None if body is None else orjson.loads(body)


def _key(key: Any) -> str:
    return json_bytes(key).decode()


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{text} (another process held it longer than {BUSY_TIMEOUT:g} s)"
    if "not a database" in text or "malformed" in text:
        return f"{text}: the file is corrupt; delete it to start again from the fixtures"
    if "readonly" in text or "unable to open" in text:
        return f"{text}: the file or its folder is not writable"
    return text
