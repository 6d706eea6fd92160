"""The Lua scripts of the Redis backend (:mod:`.redis`), one per operation.

A script runs whole before any other command, which is what makes each write atomic across
replicas without locks. Keys are laid out as :mod:`.redis` describes; every number a script
writes as text goes through ``s()``, since Lua 5.1 prints numbers of over 14 digits as floats.
"""

from __future__ import annotations

__all__ = ["CHANGES", "CLEAR", "LOAD", "READ", "RESET", "SEED", "STAMP", "WRITE"]

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
CHANGES = (
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
STAMP = _BEGIN + "begin()\nreturn redis.call('GET', p .. ':stamp')\n"

# ARGV: prefix, space, key. Answers {value or false, loaded}.
READ = (
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
WRITE = (
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
RESET = (
    _BEGIN
    + """
begin()
for i = 3, #ARGV do fresh(ARGV[i], ARGV[2]) end
return redis.call('GET', p .. ':stamp')
"""
)

# ARGV: prefix, space, then key, body pairs. Answers the stamp.
LOAD = (
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
SEED = (
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
CLEAR = "local n = redis.call('XLEN', KEYS[1])\nredis.call('DEL', KEYS[1])\nreturn n\n"
