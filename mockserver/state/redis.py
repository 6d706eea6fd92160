"""The ``redis://`` backend: state in a Redis server, shared by replicas on any number of hosts.

redis-py's client and connection pool, and one Lua script per operation: a script runs whole
before any other command, so every write (a read-modify-write included) is atomic across
processes without locks. :meth:`RedisBackend.update` runs the caller's ``change`` here, between
a read and a compare-and-set script that stores its result only if the record was not written
meanwhile (else it reads again and retries).

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

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
import redis

from ..encoding import json_bytes
from ..errors import StateError
from . import Base, Change, Changes, Record, Seeding, SpaceState
from .queue import Entry, LogQueue

__all__ = ["COMMAND_TIMEOUT", "CONNECT_TIMEOUT", "MAX_RETRIES", "RedisBackend"]

CONNECT_TIMEOUT = 2.0  # seconds to reach Redis before a request is answered 503
COMMAND_TIMEOUT = 5.0  # seconds one command may take before a request is answered 503
MAX_RETRIES = 100  # compare-and-set attempts of one update before it is refused (503)


# Every script starts by making sure the state has begun: a Redis that lost its keys starts a
# new state above every stamp the old one handed out (its clock in microseconds).
_BEGIN = """
local p = ARGV[1]
-- Lua 5.1 prints numbers of over 14 digits as floats: every number put in text goes through s().
local function s(n) return string.format('%d', n) end
local function begin()
  local base = redis.call('GET', p .. ':base')
  if base then return tonumber(base) end
  local now = redis.call('TIME')
  base = tonumber(now[1]) * 1000000 + tonumber(now[2])
  redis.call('SET', p .. ':base', base)
  redis.call('SET', p .. ':stamp', base)
  return base
end
local function split(value)
  local position, stamp, body = string.match(value, '^(%d+)|(%d+)|(.*)$')
  return tonumber(position), tonumber(stamp), body
end
local function meta(space)
  local found = redis.call('HGET', p .. ':spaces', space)
  if not found then return 0, 0, 0 end
  local epoch, changed, loaded = string.match(found, '^(%d+)|(%d+)|(%d)$')
  return tonumber(epoch), tonumber(changed), tonumber(loaded)
end
local function fresh(space, loaded)
  local stamp = redis.call('INCR', p .. ':stamp')
  local epoch = meta(space)
  local records = p .. ':r:' .. space
  local keys = redis.call('HKEYS', records)
  for i = 1, #keys, 1000 do
    local members = {}
    for j = i, math.min(i + 999, #keys) do members[#members + 1] = space .. '\\n' .. keys[j] end
    redis.call('ZREM', p .. ':writes', unpack(members))
  end
  redis.call('DEL', records)
  redis.call('HSET', p .. ':spaces', space, s(epoch + 1) .. '|' .. s(stamp) .. '|' .. loaded)
  return stamp
end
"""

# ARGV: prefix, since. Answers stamp, base, rebuilt spaces {space, meta, flat records}, and the
# other spaces' records written since {space, key, value}.
_CHANGES = (
    _BEGIN
    + """
local base = begin()
local stamp = tonumber(redis.call('GET', p .. ':stamp'))
local rebuilt, skipped = {}, {}
local spaces = redis.call('HGETALL', p .. ':spaces')
for i = 1, #spaces, 2 do
  local _, changed = string.match(spaces[i + 1], '^(%d+)|(%d+)|')
  if tonumber(changed) > tonumber(ARGV[2]) then
    skipped[spaces[i]] = true
    local records = redis.call('HGETALL', p .. ':r:' .. spaces[i])
    rebuilt[#rebuilt + 1] = {spaces[i], spaces[i + 1], records}
  end
end
local records = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', p .. ':writes', '(' .. ARGV[2], '+inf')) do
  local cut = string.find(member, '\\n', 1, true)
  local space, key = string.sub(member, 1, cut - 1), string.sub(member, cut + 1)
  if not skipped[space] then
    local value = redis.call('HGET', p .. ':r:' .. space, key)
    if value then records[#records + 1] = {space, key, value} end
  end
end
return {s(stamp), s(base), rebuilt, records}
"""
)

# ARGV: prefix. Answers the stamp (as text: Lua numbers would print as floats).
_STAMP = _BEGIN + "begin()\nreturn redis.call('GET', p .. ':stamp')\n"

# ARGV: prefix, space, key. Answers {value or false, loaded}.
_READ = (
    _BEGIN
    + """
begin()
local _, _, loaded = meta(ARGV[2])
return {redis.call('HGET', p .. ':r:' .. ARGV[2], ARGV[3]), loaded}
"""
)

# ARGV: prefix, operation, space, key, body ('' deletes), in fixtures ('1'/'0'), expected version.
# put: always; insert: unless the record exists; delete: if it exists; swap: if the record is
# still at the version read (its stamp, or 'f' for the fixture's, 'n' for none). Answers the
# stamp, or false when the condition failed.
_WRITE = (
    _BEGIN
    + """
begin()
local operation, space, key, body = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local in_fixtures = ARGV[6] == '1'
local records = p .. ':r:' .. space
local kept = redis.call('HGET', records, key)
local _, _, loaded = meta(space)
local position, written, kept_body
if kept then position, written, kept_body = split(kept) end
local exists
if kept then exists = kept_body ~= '' else exists = loaded == 0 and in_fixtures end
if operation == 'insert' and exists then return false end
if operation == 'delete' and not exists then return false end
if operation == 'swap' then
  local version = 'n'
  if kept then version = s(written) elseif exists then version = 'f' end
  if version ~= ARGV[7] then return false end
end
local stamp = redis.call('INCR', p .. ':stamp')
if not kept then
  local overrides = operation == 'put' or operation == 'swap'
  if overrides and loaded == 0 and in_fixtures then position = 0 else position = stamp end
elseif kept_body == '' then
  position = stamp
end
redis.call('HSET', records, key, s(position) .. '|' .. s(stamp) .. '|' .. body)
redis.call('ZADD', p .. ':writes', stamp, space .. '\\n' .. key)
return stamp
"""
)

# ARGV: prefix, loaded ('0'/'1'), spaces... Answers the stamp.
_RESET = (
    _BEGIN
    + """
begin()
for i = 3, #ARGV do fresh(ARGV[i], ARGV[2]) end
return redis.call('GET', p .. ':stamp')
"""
)

# ARGV: prefix, space, then key, body pairs. Answers the stamp.
_LOAD = (
    _BEGIN
    + """
begin()
local space = ARGV[2]
local first = fresh(space, 1) + 1
local count = (#ARGV - 2) / 2
local stamp = redis.call('INCRBY', p .. ':stamp', count)
local records = p .. ':r:' .. space
for i = 0, count - 1, 500 do
  local fields, members = {}, {}
  for j = i, math.min(i + 499, count - 1) do
    local key = ARGV[3 + 2 * j]
    fields[#fields + 1] = key
    fields[#fields + 1] = s(first + j) .. '|' .. s(stamp) .. '|' .. ARGV[4 + 2 * j]
    members[#members + 1] = stamp
    members[#members + 1] = space .. '\\n' .. key
  end
  redis.call('HSET', records, unpack(fields))
  redis.call('ZADD', p .. ':writes', unpack(members))
end
local epoch = meta(space)
redis.call('HSET', p .. ':spaces', space, s(epoch) .. '|' .. s(stamp) .. '|1')
return s(stamp)
"""
)

# ARGV: prefix, group, fingerprint, spaces... Answers seeded, restored or reseeded.
_SEED = (
    _BEGIN
    + """
begin()
local known = redis.call('HGET', p .. ':fingerprints', ARGV[2])
redis.call('HSET', p .. ':fingerprints', ARGV[2], ARGV[3])
if known == ARGV[3] then return 'restored' end
if not known then return 'seeded' end
for i = 4, #ARGV do fresh(ARGV[i], '0') end
return 'reseeded'
"""
)

# KEYS: the log. ARGV: prefix. Answers how many entries it had.
_CLEAR = "local n = redis.call('XLEN', KEYS[1])\nredis.call('DEL', KEYS[1])\nreturn n\n"


class RedisBackend:
    """A :class:`~mockserver.state.Backend` in a Redis server (``redis://``, ``rediss://``)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.prefix = query.pop("prefix", "mockserver")
        # What error messages and the start-up line show: never the password.
        self.where = f"{parts.scheme}://{parts.hostname or 'localhost'}"
        try:
            self.where += f":{parts.port or 6379}{parts.path}"
            self._client = redis.Redis.from_url(
                urlunsplit(parts._replace(query=urlencode(query))),
                socket_connect_timeout=CONNECT_TIMEOUT,
                socket_timeout=COMMAND_TIMEOUT,
            )
        except ValueError as exc:
            raise StateError(self.where, f"not a Redis URL: {exc}") from None
        self.url = f"{self.where}?prefix={self.prefix}"
        script = self._client.register_script
        self._changes, self._stamp, self._read = script(_CHANGES), script(_STAMP), script(_READ)
        self._write, self._reset, self._load = script(_WRITE), script(_RESET), script(_LOAD)
        self._seed, self._clear = script(_SEED), script(_CLEAR)
        self._logs = LogQueue(self._write_entries)
        self.stamp()  # reach it now: an unreachable Redis stops start-up, naming it

    # -- the interface -------------------------------------------------------------------------

    def seed(self, group: str, fingerprint: str, spaces: Sequence[str]) -> Seeding:
        with self._errors():
            answer = self._seed(args=[self.prefix, group, fingerprint, *spaces])
        seeding: Seeding = answer.decode()
        return seeding

    def stamp(self) -> int:
        with self._errors():
            return int(self._stamp(args=[self.prefix]))

    def changes(self, since: int) -> Changes:
        with self._errors():
            stamp, base, rebuilt, records = self._changes(args=[self.prefix, since])
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

    def put(self, space: str, key: Any, record: Record, base: Base) -> int:
        return self._written(self._call("put", space, key, record, base))

    def insert(self, space: str, key: Any, record: Record, base: Base) -> int | None:
        return self._call("insert", space, key, record, base)

    def update(
        self, space: str, key: Any, change: Callable[[Record], Record], base: Base
    ) -> tuple[int, Record]:
        field = _key(key)
        for _ in range(MAX_RETRIES):
            with self._errors():
                kept, loaded = self._read(args=[self.prefix, space, field])
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
            updated = change(current)
            stamp = self._call("swap", space, key, updated, base, version)
            if stamp is not None:
                return stamp, updated
        raise StateError(self.where, f"{space} {key!r} kept changing under {MAX_RETRIES} updates")

    def delete(self, space: str, key: Any, base: Base) -> int | None:
        return self._call("delete", space, key, None, base)

    def reset(self, spaces: Iterable[str]) -> int:
        with self._errors():
            return int(self._reset(args=[self.prefix, "0", *spaces]))

    def load(self, spaces: Mapping[str, tuple[str, Sequence[Record]]]) -> int:
        """One script per space: a request may see one space loaded before the next one is.

        The admin API loads one vendor's data set at a time, and each of its collections
        whole; a script holding every collection's records would block Redis for longer.
        """
        stamp = self.stamp()
        for space, (key, records) in spaces.items():
            pairs = [item for r in records for item in (_key(r[key]), json_bytes(r))]
            with self._errors():
                stamp = int(self._load(args=[self.prefix, space, *pairs]))
        return stamp

    def incr(self, counter: str, by: int = 1) -> int:
        with self._errors():
            return int(self._client.incrby(f"{self.prefix}:c:{counter}", by))

    def append(self, log: str, entry: Mapping[str, Any], limit: int) -> None:
        """Queued (:mod:`.queue`): a round trip per request would cost every read one more."""
        self._logs.append((log, json_bytes(entry), limit))

    def entries(self, log: str, limit: int) -> list[dict[str, Any]]:
        self._logs.flush()
        with self._errors():
            found: Any = self._client.xrevrange(self._log(log), count=limit)
        return [orjson.loads(fields[b"e"]) for _, fields in found]

    def clear(self, log: str) -> int:
        self._logs.flush()
        with self._errors():
            return int(self._clear(keys=[self._log(log)], args=[self.prefix]))

    def close(self) -> None:
        self._logs.close()
        self._client.close()

    # -- helpers -------------------------------------------------------------------------------

    def _call(
        self,
        operation: str,
        space: str,
        key: Any,
        record: Record | None,
        base: Base,
        version: str = "",
    ) -> int | None:
        body = b"" if record is None else json_bytes(record)
        in_fixtures = "1" if base(key) is not None else "0"
        with self._errors():
            stamp = self._write(
                args=[self.prefix, operation, space, _key(key), body, in_fixtures, version]
            )
        return None if stamp is None else int(stamp)

    @staticmethod
    def _written(stamp: int | None) -> int:
        assert stamp is not None, "a put always writes"
        return stamp

    def _write_entries(self, queued: Sequence[Entry]) -> None:
        """One round trip for the batch; exact trimming, so a log holds its documented size."""
        with self._errors():
            pipeline = self._client.pipeline(transaction=False)
            for log, body, limit in queued:
                pipeline.xadd(self._log(log), {"e": body}, maxlen=limit, approximate=False)
            pipeline.execute()

    def _log(self, log: str) -> str:
        return f"{self.prefix}:log:{log}"

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


def _change(space: str, key: bytes, value: bytes) -> Change:
    position, _, body = value.split(b"|", 2)
    return Change(space, orjson.loads(key), int(position), orjson.loads(body) if body else None)


def _by_position(change: Change) -> int:
    return change.position


def _key(key: Any) -> str:
    return json_bytes(key).decode()
