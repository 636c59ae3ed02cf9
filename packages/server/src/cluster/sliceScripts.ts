/**
 * Lua scripts of the per-node slices (presence, coordinator metrics). Keys: KEYS[1] is a node's
 * slice of a topic (a hash, expiring), KEYS[2] the topic's index of nodes with a slice (a set),
 * KEYS[3] the topic's last write: a token no other write uses, so that a reader that saw it knows
 * no slice was written since. All share the topic's hash tag; the index and the last write expire
 * with the slices that keep them.
 */

/**
 * Replaces a node's slice and announces it. ARGV: node id, expiry ms, channel, the write's token,
 * then field / value pairs (none: the node has left the topic). HSET goes in chunks: Lua's unpack
 * is bounded.
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
 * The live slices of a topic but one node's, with the topic's last write: {token, {node, slice},
 * …}. KEYS[1]: the index, KEYS[2]: the last write. ARGV: the node left out, the prefix of slice
 * keys (node id appended), the last write the reader saw and how many other nodes' slices it
 * holds. Nodes whose slice expired leave the index. Answers 'same' instead, sending no slice, when
 * no slice was written since the reader's read and none expired.
 */
export const READ_SCRIPT = `
local nodes = {}
local gone = false
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[1] then
    if redis.call('EXISTS', ARGV[2] .. node) == 1 then
      table.insert(nodes, node)
    else
      redis.call('SREM', KEYS[1], node)
      gone = true
    end
  end
end
local written = redis.call('GET', KEYS[2]) or ''
if not gone and written ~= '' and written == ARGV[3] and #nodes == tonumber(ARGV[4]) then
  return 'same'
end
local result = {written}
for _, node in ipairs(nodes) do
  table.insert(result, {node, redis.call('HGETALL', ARGV[2] .. node)})
end
return result
`;
