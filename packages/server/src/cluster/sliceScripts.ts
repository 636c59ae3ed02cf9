/**
 * Lua scripts of the per-node slices (presence, coordinator metrics). Keys: KEYS[1] is a node's
 * slice of a topic (a hash, expiring), KEYS[2] the topic's index of nodes with a slice (a set),
 * KEYS[3] the node's last write of the slice: a token no other write uses, so that a reader that
 * saw it knows the slice was not written since. All share the topic's hash tag and expire with the
 * slice.
 */

/**
 * Replaces a node's slice and announces it. ARGV: node id, expiry ms, channel, the write's token,
 * then field / value pairs (none: the node has left the topic). HSET goes in chunks: Lua's unpack
 * is bounded. DEL comes first: Redis out of memory refuses a script only at a first write that may
 * grow memory, never after one (it would break the script's atomicity), so slices keep crossing
 * nodes then.
 */
export const SHARE_SCRIPT = `
redis.call('DEL', KEYS[1])
if #ARGV > 4 then
  for i = 5, #ARGV, 1000 do
    redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 'ok'
`;

/** Extends a node's slice by the expiry (ARGV: node id, expiry ms); 0 when it is gone (then share it again). */
export const KEEPALIVE_SCRIPT = `
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1
`;

/**
 * The live slices of a topic but one node's: {{node, its last write, slice}, …}. KEYS[1]: the
 * index. ARGV: the node left out, the prefix of slice keys and of last writes (node id appended),
 * then node / last write pairs, the slices the reader holds. Nodes whose slice expired leave the
 * index. Answers 'same' instead, sending no slice, when the live slices are the ones the reader
 * holds, none written since. A slice with no last write (a node of an earlier release) is always
 * sent.
 */
export const READ_SCRIPT = `
local held = {}
local heldCount = 0
for i = 4, #ARGV, 2 do
  held[ARGV[i]] = ARGV[i + 1]
  heldCount = heldCount + 1
end
local nodes = {}
local same = true
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[1] then
    if redis.call('EXISTS', ARGV[2] .. node) == 1 then
      local written = redis.call('GET', ARGV[3] .. node) or ''
      if written == '' or held[node] ~= written then same = false end
      table.insert(nodes, {node, written})
    else
      redis.call('SREM', KEYS[1], node)
    end
  end
end
if same and #nodes == heldCount then return 'same' end
local result = {}
for _, entry in ipairs(nodes) do
  table.insert(result, {entry[1], entry[2], redis.call('HGETALL', ARGV[2] .. entry[1])})
end
return result
`;
