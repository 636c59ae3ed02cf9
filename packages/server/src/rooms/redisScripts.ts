/**
 * The Redis broker's Lua scripts. Each runs atomically in Redis, so a room's copy (a Stream whose
 * entry ids are the seqs, and a hash with its epoch, head and byte count) changes in one step:
 * the stream's order is the live order, and each seq is published once.
 *
 * KEYS[1] is the room's hash, KEYS[2] its stream and KEYS[3] its drop marker in every script (a
 * key that says the room was dropped, for nodes whose subscription missed the notice, G5); the
 * trim arguments are the last four: events kept at most, bytes kept at most, the oldest `at`
 * (epoch ms) kept, and the history's age in ms. A copy expires once no script touched it for that age: every event it held
 * is past the age bound by then, and a copy found missing is seeded again from storage (as after a
 * FLUSHALL), so Redis holds the active rooms, not every room ever touched.
 */

const TRIM = `
local function trim(meta, stream, maxEvents, maxBytes, oldestAllowed, idleMs)
  local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
  local count = redis.call('XLEN', stream)
  while count > 0 do
    local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
    local frame, at = oldest[2][2], tonumber(oldest[2][4])
    if count <= maxEvents and bytes <= maxBytes and at >= oldestAllowed then break end
    redis.call('XDEL', stream, oldest[1])
    bytes = bytes - string.len(frame)
    count = count - 1
  end
  redis.call('HSET', meta, 'bytes', bytes)
  redis.call('PEXPIRE', meta, idleMs)
  redis.call('PEXPIRE', stream, idleMs)
end
local function trimArgs(from)
  return tonumber(ARGV[from]), tonumber(ARGV[from + 1]), tonumber(ARGV[from + 2]),
    tonumber(ARGV[from + 3])
end
local function oldestSeq(stream, head)
  local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
  if not first then return head + 1 end
  return tonumber(string.match(first[1], '^(%d+)'))
end
`;

/**
 * ARGV: epoch, seq, frame, at, channel, trim. Answers ok (appended, trimmed and published as
 * "seq epoch frame"), duplicate, gap (also when no copy is held) or epoch. A PUBLISH the ACL
 * refuses fails the script after its append, which stays (scripts do not roll back): the event is
 * stored, so the copy holding it is what the event log's republisher would make of it a second
 * later, and subscribed nodes deliver it at their position check; its retry answers duplicate.
 */
export const PUBLISH_SCRIPT = `${TRIM}
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return 'gap' end
if epoch ~= ARGV[1] then return 'epoch' end
local head = tonumber(redis.call('HGET', KEYS[1], 'head'))
local seq = tonumber(ARGV[2])
if seq <= head then return 'duplicate' end
if seq > head + 1 then return 'gap' end
redis.call('XADD', KEYS[2], seq .. '-1', 'f', ARGV[3], 'a', ARGV[4])
redis.call('HSET', KEYS[1], 'head', seq)
redis.call('HINCRBY', KEYS[1], 'bytes', string.len(ARGV[3]))
trim(KEYS[1], KEYS[2], trimArgs(6))
redis.call('PUBLISH', ARGV[5], seq .. ' ' .. epoch .. ' ' .. ARGV[3])
return 'ok'
`;

/**
 * ARGV: epoch, headSeq, trim, then seq, frame, at of each entry. Keeps a copy of the same epoch at
 * the same or a newer head; otherwise replaces the copy. Answers kept or seeded. The entries end
 * at headSeq at the latest (the broker leaves out those past it): the stream's top must stay the
 * copy's head, or the next publish's XADD (head + 1) is refused.
 */
export const SEED_SCRIPT = `${TRIM}
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local head = tonumber(ARGV[2])
if epoch == ARGV[1] and tonumber(redis.call('HGET', KEYS[1], 'head')) >= head then return 'kept' end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'head', head, 'bytes', 0)
local bytes = 0
for i = 7, #ARGV, 3 do
  redis.call('XADD', KEYS[2], ARGV[i] .. '-1', 'f', ARGV[i + 1], 'a', ARGV[i + 2])
  bytes = bytes + string.len(ARGV[i + 1])
end
redis.call('HSET', KEYS[1], 'bytes', bytes)
trim(KEYS[1], KEYS[2], trimArgs(3))
return 'seeded'
`;

/** What a room's channel carries when its copy is dropped (never an event: those start with a seq). */
export const DROP_NOTICE = 'dropped';

/**
 * ARGV: channel, marker ms. Deletes the room's copy and tells every node subscribed to its
 * channel; the drop marker, kept that long, holds the dropped copy's epoch and tells a node whose
 * subscription missed the notice at its next position check, also once a join seeded the room
 * again under another epoch.
 */
export const DROP_SCRIPT = `
local epoch = redis.call('HGET', KEYS[1], 'epoch') or ''
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], epoch, 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[1], '${DROP_NOTICE}')
return 'ok'
`;

/** ARGV: trim. Answers {epoch, head, oldest seq held}, or nil when no copy is held. */
export const WINDOW_SCRIPT = `${TRIM}
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return nil end
trim(KEYS[1], KEYS[2], trimArgs(1))
local head = tonumber(redis.call('HGET', KEYS[1], 'head'))
return {epoch, head, oldestSeq(KEYS[2], head)}
`;

/**
 * ARGV: afterSeq, trim. Answers {epoch, head, seq, frame, seq, frame, …} with every event after
 * afterSeq, or {epoch, head} alone when some of them are no longer held, or nil without a copy.
 */
export const RANGE_SCRIPT = `${TRIM}
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return nil end
trim(KEYS[1], KEYS[2], trimArgs(2))
local head = tonumber(redis.call('HGET', KEYS[1], 'head'))
local after = tonumber(ARGV[1])
local answer = {epoch, head}
if after >= head then
  answer[3] = 'held'
  return answer
end
if oldestSeq(KEYS[2], head) > after + 1 then return answer end
answer[3] = 'held'
for _, entry in ipairs(redis.call('XRANGE', KEYS[2], (after + 1) .. '-1', '+')) do
  answer[#answer + 1] = string.match(entry[1], '^(%d+)')
  answer[#answer + 1] = entry[2][2]
end
return answer
`;
