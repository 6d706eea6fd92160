"""The ``redis://`` backend: state in a Redis server, shared by replicas on any number of hosts.

redis-py's clients (the asyncio one for requests) and one Lua script per operation
(:mod:`.redis_scripts`): a script runs whole before any other command, so every write (a
read-modify-write included) is atomic across processes without locks. :meth:`RedisBackend.update`
runs the caller's ``change`` here, between a read and a compare-and-set script that stores its
result only if the record was not written meanwhile (else it reads again and retries).

Everything lives under one key prefix (``?prefix=`` in the URL, default ``mockserver``), so one
Redis can serve several mocks, and ``redis-cli --scan --pattern 'mockserver:*'`` shows it all:

* ``P:stamp``: the stamp of the latest write; ``P:base``: the stamp this Redis state began at.
* ``P:spaces``: space -> ``epoch|changed|loaded``.
* ``P:r:<space>``: record key (its JSON) -> ``position|stamp|body`` (body empty: deleted).
* ``P:writes``: a sorted set of ``<space>\\n<key>`` by the stamp of their last write, what
  :meth:`RedisBackend.changes` reads.
* ``P:fingerprints``, ``P:c:<counter>``, ``P:log:<log>`` (a stream capped at its limit).

Bodies are JSON (:func:`~mockserver.encoding.json_bytes`) that Lua never decodes, so integers of
any size come back as they went in.

**A Redis that lost its data** (restarted without persistence, flushed) starts a new state at
the next call of any process: ``P:base`` is set from Redis' clock in microseconds, above every
stamp the old state handed out, and a process whose replicas are older than that base is told
(:attr:`~mockserver.state.Changes.everything`) to start again from the fixtures. Run Redis with
``appendonly yes`` to keep what clients wrote across its restarts.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import redis
from redis.asyncio import Redis as AsyncRedis

from ..encoding import json_bytes
from ..errors import StateError
from . import Base, Change, Changes, Record, Seeding, SpaceState
from .queue import Entry, LogQueue
from .redis_scripts import CHANGES, CLEAR, LOAD, READ, RESET, SEED, STAMP, WRITE

__all__ = ["COMMAND_TIMEOUT", "CONNECT_TIMEOUT", "MAX_RETRIES", "FreshReads", "RedisBackend"]

CONNECT_TIMEOUT = 2.0  # seconds to reach Redis before a request is answered 503
COMMAND_TIMEOUT = 5.0  # seconds one command may take before a request is answered 503
MAX_RETRIES = 100  # compare-and-set attempts of one update before it is refused (503)


class RedisBackend:
    """A :class:`~mockserver.state.Backend` in a Redis server (``redis://``, ``rediss://``).

    Two redis-py clients on one URL: the synchronous one for start-up, the CLI and the admin
    API, and on each event loop an asyncio one, for the ``a``-methods a request calls, so a
    round trip never holds the loop. Both run the same scripts. The requests on one loop share
    their stamp reads (:class:`FreshReads`).
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.prefix = query.pop("prefix", "mockserver")
        # What error messages and the start-up line show: never the password.
        self.where = f"{parts.scheme}://{parts.hostname or 'localhost'}"
        self._address = urlunsplit(parts._replace(query=urlencode(query)))
        try:
            self.where += f":{parts.port or 6379}{parts.path}"
            self._sync = _Client(redis.Redis.from_url(self._address, **_TIMEOUTS))
        except ValueError as exc:
            raise StateError(self.where, f"not a Redis URL: {exc}") from None
        self.url = f"{self.where}?prefix={self.prefix}"
        # An asyncio client's connections belong to the loop that made them.
        self._loops: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._logs = LogQueue(self._write_entries, self._awrite_entries)
        self.stamp()  # reach it now: an unreachable Redis stops start-up, naming it

    # -- the interface -------------------------------------------------------------------------

    def seed(self, group: str, fingerprint: str, spaces: Sequence[str]) -> Seeding:
        with self._errors():
            answer = self._sync.seed(args=[self.prefix, group, fingerprint, *spaces])
        seeding: Seeding = answer.decode()
        return seeding

    def stamp(self) -> int:
        with self._errors():
            return int(self._sync.stamp(args=[self.prefix]))

    def changes(self, since: int) -> Changes:
        with self._errors():
            answer = self._sync.changes(args=[self.prefix, since])
        return _changes(since, answer)

    def put(self, space: str, key: Any, record: Record, base: Base) -> int:
        return _written(self._call(_write_args("put", space, key, record, base)))

    def insert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        return self._call(_write_args("insert", space, key, record, base))

    def update(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        field = _key(key)
        for _ in range(MAX_RETRIES):
            with self._errors():
                kept, loaded = self._sync.read(args=[self.prefix, space, field])
            version, updated = _changed(kept, loaded, key, change, base)
            stamp = self._call(_write_args("swap", space, key, updated, base, version))
            if stamp is not None:
                return stamp, updated
        raise self._contended(space, key)

    def delete(self, space: str, key: Any, base: Base) -> int | None:
        return self._call(_write_args("delete", space, key, None, base))

    def reset(self, spaces: Iterable[str]) -> int:
        with self._errors():
            return int(self._sync.reset(args=[self.prefix, "0", *spaces]))

    def load(self, spaces: Mapping[str, tuple[str, Sequence[Record]]]) -> int:
        """One script per space: a request may see one space loaded before the next one is.

        The admin API loads one vendor's data set at a time, and each of its collections
        whole; a script holding every collection's records would block Redis for longer.
        """
        stamp = self.stamp()
        for space, (key, records) in spaces.items():
            pairs = [item for r in records for item in (_key(r[key]), json_bytes(r))]
            with self._errors():
                stamp = int(self._sync.load(args=[self.prefix, space, *pairs]))
        return stamp

    def incr(self, counter: str, by: int = 1) -> int:
        with self._errors():
            return int(self._sync.client.incrby(self._counter(counter), by))

    def append(self, log: str, entry: Mapping[str, Any], limit: int) -> None:
        """Queued (:mod:`.queue`): a round trip per request would cost every read one more."""
        self._logs.append((log, json_bytes(entry), limit))

    def entries(self, log: str, limit: int) -> list[dict[str, Any]]:
        self._logs.flush()
        with self._errors():
            found: Any = self._sync.client.xrevrange(self._log(log), count=limit)
        return [orjson.loads(fields[b"e"]) for _, fields in found]

    def clear(self, log: str) -> int:
        self._logs.flush()
        with self._errors():
            return int(self._sync.clear(keys=[self._log(log)], args=[self.prefix]))

    def flush(self) -> None:
        self._logs.write_queued()

    def close(self) -> None:
        self._logs.close()
        self._sync.client.close()

    # -- the same on the event loop, through the asyncio client ---------------------------------

    async def astamp(self) -> int:
        return await self._on_loop().fresh_stamp()

    async def achanges(self, since: int) -> Changes:
        with self._errors():
            answer = await self._on_loop().changes(args=[self.prefix, since])
        return _changes(since, answer)

    async def aput(self, space: str, key: Any, record: Record, base: Base) -> int:
        return _written(await self._acall(_write_args("put", space, key, record, base)))

    async def ainsert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        return await self._acall(_write_args("insert", space, key, record, base))

    async def aupdate(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        field, scripts = _key(key), self._on_loop()
        for _ in range(MAX_RETRIES):
            with self._errors():
                kept, loaded = await scripts.read(args=[self.prefix, space, field])
            version, updated = _changed(kept, loaded, key, change, base)
            stamp = await self._acall(_write_args("swap", space, key, updated, base, version))
            if stamp is not None:
                return stamp, updated
        raise self._contended(space, key)

    async def adelete(self, space: str, key: Any, base: Base) -> int | None:
        return await self._acall(_write_args("delete", space, key, None, base))

    async def aincr(self, counter: str, by: int = 1) -> int:
        with self._errors():
            return int(await self._on_loop().client.incrby(self._counter(counter), by))

    async def aclose(self) -> None:
        """Close the running loop's client and its connections."""
        found = self._loops.pop(asyncio.get_running_loop(), None)
        if found is not None:
            await found.client.aclose()

    # -- helpers -------------------------------------------------------------------------------

    def _on_loop(self) -> _LoopClient:
        """The asyncio client of the running loop (made on its first call)."""
        loop = asyncio.get_running_loop()
        found = self._loops.get(loop)
        if found is None:
            # Loops that ended (a test client's) take their clients with them.
            self._loops = {kept: v for kept, v in self._loops.items() if not kept.is_closed()}
            client = AsyncRedis.from_url(self._address, **_TIMEOUTS)
            found = self._loops[loop] = _LoopClient(client, self._read_stamp)
        return found

    async def _read_stamp(self, on_loop: _Client) -> int:
        with self._errors():
            return int(await on_loop.stamp(args=[self.prefix]))

    def _call(self, args: list[Any]) -> int | None:
        with self._errors():
            stamp = self._sync.write(args=[self.prefix, *args])
        return None if stamp is None else int(stamp)

    async def _acall(self, args: list[Any]) -> int | None:
        with self._errors():
            stamp = await self._on_loop().write(args=[self.prefix, *args])
        return None if stamp is None else int(stamp)

    def _contended(self, space: str, key: Any) -> StateError:
        return StateError(self.where, f"{space} {key!r} kept changing under {MAX_RETRIES} updates")

    def _write_entries(self, queued: Sequence[Entry]) -> None:
        with self._errors():
            self._entries_pipeline(self._sync.client, queued).execute()

    async def _awrite_entries(self, queued: Sequence[Entry]) -> None:
        with self._errors():
            await self._entries_pipeline(self._on_loop().client, queued).execute()

    def _entries_pipeline(self, client: Any, queued: Sequence[Entry]) -> Any:
        """One round trip for the batch; exact trimming, so a log holds its documented size."""
        pipeline = client.pipeline(transaction=False)
        for log, body, limit in queued:
            pipeline.xadd(self._log(log), {"e": body}, maxlen=limit, approximate=False)
        return pipeline

    def _log(self, log: str) -> str:
        return f"{self.prefix}:log:{log}"

    def _counter(self, counter: str) -> str:
        return f"{self.prefix}:c:{counter}"

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except redis.ConnectionError as exc:
            raise StateError(self.where, f"cannot reach Redis: {exc}") from None
        except redis.TimeoutError:
            raise StateError(
                self.where, f"Redis did not answer within {COMMAND_TIMEOUT:g} s"
            ) from None
        except redis.AuthenticationError as exc:
            raise StateError(self.where, f"Redis refused the credentials: {exc}") from None
        except redis.RedisError as exc:
            raise StateError(self.where, f"Redis answered an error: {exc}") from None


_TIMEOUTS: dict[str, Any] = {
    "socket_connect_timeout": CONNECT_TIMEOUT,
    "socket_timeout": COMMAND_TIMEOUT,
}


class _Client:
    """A redis-py client (synchronous or asyncio) and the scripts registered with it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        register = client.register_script
        self.changes, self.stamp, self.read = register(CHANGES), register(STAMP), register(READ)
        self.write, self.reset, self.load = register(WRITE), register(RESET), register(LOAD)
        self.seed, self.clear = register(SEED), register(CLEAR)


class _LoopClient(_Client):
    """An event loop's asyncio client, whose requests share their stamp reads."""

    def __init__(self, client: Any, read_stamp: Callable[[_Client], Awaitable[int]]) -> None:
        super().__init__(client)
        self.fresh_stamp = FreshReads(partial(read_stamp, self))


class FreshReads:
    """One read at a time, answering every caller that asked before it was sent.

    A request must see every write acknowledged before it arrived (guarantee 1), so it may not
    take the answer of a read already on its way: Redis may have answered that one before the
    write. It may take the next one, which it shares with every request that arrived meanwhile.
    So under load the requests on a loop share round trips (at 16 connections one read served
    about 15 requests) instead of each paying its own; a request alone reads as before.
    A read that fails fails for the callers it would have answered: none of them waits to
    fail again on its own read.
    """

    def __init__(self, read: Callable[[], Awaitable[int]]) -> None:
        self._read = read
        self._lock = asyncio.Lock()
        self._sent = 0  # how many reads were sent; the next one is number _sent + 1
        self._last: tuple[int, int | StateError] = (0, 0)  # the last read's number, outcome

    async def __call__(self) -> int:
        asked = self._sent
        async with self._lock:
            number, outcome = self._last
            if number <= asked:  # no read sent since this caller asked has answered: send one
                self._sent = number = self._sent + 1
                try:
                    outcome = await self._read()
                except StateError as error:
                    outcome = error
                self._last = (number, outcome)
        if isinstance(outcome, StateError):
            raise outcome
        return outcome


def _changes(since: int, answer: Any) -> Changes:
    """What the changes script answered, as :class:`~mockserver.state.Changes`."""
    stamp, base, rebuilt, records = answer
    spaces: dict[str, SpaceState] = {}
    for name, meta, flat in rebuilt:
        space = name.decode()
        epoch, _, loaded = meta.split(b"|")
        kept = [_change(space, flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
        kept.sort(key=_by_position)
        spaces[space] = SpaceState(int(epoch), loaded == b"1", kept)
    written = [_change(space.decode(), key, value) for space, key, value in records]
    written.sort(key=_by_position)
    return Changes(int(stamp), spaces, written, everything=since < int(base))


def _changed(
    kept: bytes | None, loaded: int, key: Any, change: Callable[[Record], Record], base: Base
) -> tuple[str, Record]:
    """The version of the record read (for the compare-and-set) and ``change`` of it."""
    if kept is not None:
        written, body = kept.split(b"|", 2)[1:]
        version = written.decode()
        current = orjson.loads(body) if body else None
    else:
        fixture = None if loaded else base(key)
        version = "n" if fixture is None else "f"
        current = None if fixture is None else copy.deepcopy(fixture)
    if current is None:
        raise KeyError(key)
    return version, change(current)


def _write_args(
    operation: str, space: str, key: Any, record: Record | None, base: Base, version: str = ""
) -> list[Any]:
    """The write script's arguments after the prefix."""
    body = b"" if record is None else json_bytes(record)
    in_fixtures = "1" if base(key) is not None else "0"
    return [operation, space, _key(key), body, in_fixtures, version]


def _written(stamp: int | None) -> int:
    assert stamp is not None, "a put always writes"
    return stamp


def _change(space: str, key: bytes, value: bytes) -> Change:
    position, _, body = value.split(b"|", 2)
    return Change(space, orjson.loads(key), int(position), orjson.loads(body) if body else None)


def _by_position(change: Change) -> int:
    return change.position


def _key(key: Any) -> str:
    return json_bytes(key).decode()
