/**
 * Lua scripts of the per-node slices (presence, coordinator metrics). Keys: KEYS[1] is a node's
 * slice of a topic (a hash, expiring), KEYS[2] the topic's index of nodes with a slice (a set).
 * Both share the topic's hash tag.
 */

/**
 * Replaces a node's slice and announces it. ARGV: node id, expiry ms, channel, then field / value
 * pairs (none: the node has left the topic). HSET goes in chunks: Lua's unpack is bounded.
 */
export const SHARE_SCRIPT = `
redis.call('DEL', KEYS[1])
if #ARGV > 3 then
  for i = 4, #ARGV, 1000 do
    redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
redis.call('PUBLISH', ARGV[3], ARGV[1])
return 'ok'
`;

/** Extends a node's slice by the expiry (ARGV: node id, expiry ms); 0 when it is gone (then share it again). */
export const KEEPALIVE_SCRIPT = `
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

/**
 * The live slices of a topic but one node's. KEYS[1]: the index. ARGV: the node left out, the
 * prefix of slice keys (node id appended). Nodes whose slice expired leave the index.
 */
export const READ_SCRIPT = `
local result = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[1] then
    local slice = redis.call('HGETALL', ARGV[2] .. node)
    if #slice == 0 then
      redis.call('SREM', KEYS[1], node)
    else
      table.insert(result, {node, slice})
    end
  end
end
return result
`;
