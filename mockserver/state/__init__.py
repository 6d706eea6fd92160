"""Where the mock's state lives: one small interface, one module per backend.

In the style of httpx's transports: :class:`Backend` is what the rest of the server sees, and
``memory`` (one process, today's speed), ``sqlite`` (a file: durable, shared by workers) and
``redis`` (a server: shared by replicas on any host) are its variants, chosen by a URL
(:func:`open_backend`). Nothing above this package asks which one it got.

The model behind the interface:

* State is kept in *spaces*, one per collection (``hapihub/sessions``). A space starts from its
  fixtures, which every process has loaded from the same files, and a backend keeps only what
  clients wrote on top of them (copy-on-write), unless an admin load replaced the fixtures
  (``loaded``): then it keeps every record.
* Every write takes the next number of one global sequence, the *stamp*. A record remembers
  the stamp of its last write and its *position*: the stamp of the write that made it (0 for
  a record of the fixtures, which keeps its place among them), its place in insertion order on
  every process. A record deleted and made again is a new one, with a new position.
* A reset or a load bumps the space's *epoch*: what a process keeps of the space is rebuilt.
* A process keeps replicas (:class:`~mockserver.store.Store`) and catches up by asking for the
  :meth:`Backend.changes` since the stamp it has seen; when the stamp has not moved (most
  requests) that costs one read.
* Shared counters (``every``-th call rules, ids) and bounded logs (the journal) sit beside.

Every operation a request makes has an ``a``-prefixed twin for the event loop (``achanges``,
``aput`` …), the way Django's ORM pairs ``get`` and ``aget``: the Redis backend answers those
with redis-py's asyncio client, so a round trip never holds the worker's loop. Memory and SQLite
answer them directly (:class:`Direct`), since a hop to a thread costs more than their work. The
synchronous methods serve start-up, the CLI, the admin API (in a worker thread) and tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from ..errors import StateError

__all__ = [
    "DEFAULT_URL",
    "Backend",
    "Base",
    "Change",
    "Changes",
    "Direct",
    "Seeding",
    "SpaceState",
    "describe",
    "fingerprint",
    "open_backend",
    "space",
]

Record = dict[str, Any]
Base = Callable[[Any], Record | None]
"""The fixture record with a key (None: none), for spaces the fixtures still underlie."""
Seeding = Literal["seeded", "restored", "reseeded"]

DEFAULT_URL = "sqlite:.mockserver/state.db"
"""What ``mockserver serve`` uses unless told otherwise; the library default is ``memory``."""


@dataclass(frozen=True, slots=True)
class Change:
    """A record as its last write left it (None: deleted)."""

    space: str
    key: Any
    position: int
    record: Record | None


@dataclass(frozen=True, slots=True)
class SpaceState:
    """All a backend keeps of one space: its epoch and what was written since it began."""

    epoch: int
    loaded: bool
    records: list[Change]  # by position


@dataclass(frozen=True, slots=True)
class Changes:
    """What happened after some stamp, up to and including ``stamp``.

    ``rebuilt``: spaces reset or loaded meanwhile, whole; ``records``: the other spaces'
    written records, by position. ``everything``: the backend's state began after that stamp
    (a Redis that lost its data): every space starts again from its fixtures, then these.
    """

    stamp: int
    rebuilt: dict[str, SpaceState] = field(default_factory=dict)
    records: list[Change] = field(default_factory=list)
    everything: bool = False


class Backend(Protocol):
    """The state of one server (all its workers and replicas), behind one small interface.

    Every method is atomic: a concurrent caller in this or another process sees it whole or
    not at all. Writes answer the stamp they took.
    """

    url: str

    def seed(self, group: str, fingerprint: str, spaces: Sequence[str]) -> Seeding:
        """Start ``group``'s spaces (one vendor's collections) from fixtures of ``fingerprint``.

        ``restored``: the state was made from these very fixtures, and is kept. ``reseeded``:
        it was made from other ones, and what clients wrote is dropped (see README, "State and
        guarantees"). ``seeded``: there was no state.
        """
        ...

    def stamp(self) -> int:
        """The stamp of the latest write: unchanged means nothing changed."""
        ...

    def changes(self, since: int) -> Changes:
        """Everything written after stamp ``since`` (0: everything), in one consistent read."""
        ...

    def put(self, space: str, key: Any, record: Record, base: Base) -> int:
        """Insert or replace a record."""
        ...

    def insert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        """Insert a record unless its key is taken (by a write or by the fixtures): None then."""
        ...

    def update(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        """Apply ``change`` to a copy of the current record and store what it answers.

        ``change`` runs while no other write can happen, so a check it makes holds when its
        result is stored; if it raises, nothing is stored. It must not call the backend. It may
        run more than once (Redis' compare-and-set runs it again on a record written meanwhile):
        what it notes outside its result, the last run's note counts.
        KeyError: there is no such record.
        """
        ...

    def delete(self, space: str, key: Any, base: Base) -> int | None:
        """Remove a record (one of the fixtures too); None when there is none."""
        ...

    def reset(self, spaces: Iterable[str]) -> int:
        """Back to the fixtures: drop what was written, start a new epoch of each space."""
        ...

    def load(self, spaces: Mapping[str, tuple[str, Sequence[Record]]]) -> int:
        """Replace the records of spaces (name -> key field, records), all at once."""
        ...

    def incr(self, counter: str, by: int = 1) -> int:
        """Add ``by`` to a shared counter (from 0) and answer its new value."""
        ...

    def append(self, log: str, entry: Mapping[str, Any], limit: int) -> None:
        """Add an entry to a bounded log, dropping the oldest beyond ``limit``.

        The one write that may be queued: entries of other processes may show a fraction of a
        second late (a journal, not an acknowledged write). It never raises: the request it
        records has been answered, so an entry the state cannot take is logged as lost.
        """
        ...

    def entries(self, log: str, limit: int) -> list[dict[str, Any]]:
        """The newest ``limit`` entries of a log, newest first."""
        ...

    def clear(self, log: str) -> int:
        """Empty a log; answer how many entries it had."""
        ...

    def flush(self) -> None:
        """Write the log entries still queued, now: the server calls it as it stops, before
        it closes the loop's connections. Never raises (as :meth:`append`)."""
        ...

    def close(self) -> None: ...

    # -- the same, for a request on the event loop ---------------------------------------------

    async def astamp(self) -> int: ...

    async def achanges(self, since: int) -> Changes: ...

    async def aput(self, space: str, key: Any, record: Record, base: Base) -> int: ...

    async def ainsert(self, space: str, key: Any, record: Record, base: Base) -> int | None: ...

    async def aupdate(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]: ...

    async def adelete(self, space: str, key: Any, base: Base) -> int | None: ...

    async def aincr(self, counter: str, by: int = 1) -> int: ...

    async def aclose(self) -> None:
        """Release what the running event loop holds (the server calls it as it stops)."""
        ...


class Direct:
    """The event loop's methods of a backend whose work costs less than a hop to a thread
    (memory, SQLite): each calls its synchronous twin."""

    async def astamp(self: Backend) -> int:
        return self.stamp()

    async def achanges(self: Backend, since: int) -> Changes:
        return self.changes(since)

    async def aput(self: Backend, space: str, key: Any, record: Record, base: Base) -> int:
        return self.put(space, key, record, base)

    async def ainsert(
        self: Backend, space: str, key: Any, record: Record, base: Base
    ) -> int | None:
        return self.insert(space, key, record, base)

    async def aupdate(
        self: Backend, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        return self.update(space, key, change, base)

    async def adelete(self: Backend, space: str, key: Any, base: Base) -> int | None:
        return self.delete(space, key, base)

    async def aincr(self: Backend, counter: str, by: int = 1) -> int:
        return self.incr(counter, by)

    async def aclose(self: Backend) -> None:
        """Nothing belongs to a loop: the synchronous methods serve it."""


def space(vendor: str, collection: str, namespace: str = "") -> str:
    """The backend's name for a vendor's collection (in a namespace: see ``namespaces.py``)."""
    return f"{namespace}:{vendor}/{collection}" if namespace else f"{vendor}/{collection}"


def open_backend(url: str) -> Backend:
    """The backend a ``--state`` URL names: ``memory``, ``sqlite:PATH`` or ``redis://…``.

    Raises :class:`~mockserver.errors.StateError` naming the URL or file when it cannot be used.
    """
    if url == "memory":
        from .memory import MemoryBackend

        return MemoryBackend()
    if url.startswith("sqlite:"):
        from .sqlite import SQLiteBackend

        return SQLiteBackend(Path(url.removeprefix("sqlite:").removeprefix("//")))
    if url.startswith(("redis://", "rediss://")):
        from .redis import RedisBackend

        return RedisBackend(url)
    raise StateError(
        url, f"unknown state URL {url!r}; use memory, sqlite:PATH or redis://HOST:PORT[/DB]"
    )


def fingerprint(files: Iterable[Path]) -> str:
    """What the contents of these fixture files hash to (a missing file hashes as absent)."""
    digest = hashlib.blake2b(digest_size=16)
    for file in files:
        digest.update(file.name.encode() + b"\0")
        try:
            digest.update(file.read_bytes())
        except FileNotFoundError:
            digest.update(b"\0missing\0")
    return digest.hexdigest()


def describe(url: str, seeding: Mapping[str, Seeding]) -> str:
    """The start-up line: where state lives and whether it was restored or seeded."""
    by_status: dict[str, list[str]] = {}
    for group, status in seeding.items():
        by_status.setdefault(status, []).append(group)
    parts = []
    if "restored" in by_status:
        parts.append("restored " + ", ".join(by_status["restored"]))
    if "seeded" in by_status:
        parts.append("seeded from the fixtures: " + ", ".join(by_status["seeded"]))
    if "reseeded" in by_status:
        parts.append(
            "fixtures changed since the state was made, reseeded: "
            + ", ".join(by_status["reseeded"])
        )
    return f"state: {url} ({'; '.join(parts) or 'empty'})"
