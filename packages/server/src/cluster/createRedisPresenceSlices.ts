import type { Presence } from '@liveline/protocol';
import type { PresenceSlices } from '../domains/board/PresenceSlices.js';
import { createNodeSlices } from './createNodeSlices.js';
import type { RedisLatestBus } from './createRedisLatestBus.js';

/**
 * How long a node's slice of a board lives in Redis without a heartbeat (PROTOCOL.md PS2): the
 * people of a node that died are gone from the others' summaries at most
 * {@link PRESENCE_EXPIRY_MS} + {@link PRESENCE_HEARTBEAT_MS} after it died.
 */
export const PRESENCE_EXPIRY_MS = 10_000;
/** How often a node extends its slices and reads the other nodes' (which finds expired ones). */
export const PRESENCE_HEARTBEAT_MS = 2_500;

/** {@link PresenceSlices} of a cluster node, and a way to take its slices away when it stops. */
export interface RedisPresenceSlices extends PresenceSlices {
  /** Removes this node's slices (its people leave every board) and stops the heartbeat. */
  close(): Promise<void>;
}

/**
 * The cluster's {@link PresenceSlices}: a node's slice of a board is a hash client id → name
 * (see {@link createNodeSlices}); the other nodes' people are listed by node id.
 */
export function createRedisPresenceSlices(deps: {
  readonly bus: RedisLatestBus;
  readonly nodeId: string;
}): RedisPresenceSlices {
  const slices = createNodeSlices({
    ...deps,
    name: 'presence',
    expiryMs: PRESENCE_EXPIRY_MS,
    heartbeatMs: PRESENCE_HEARTBEAT_MS,
  });
  return {
    share: (boardId, people) => slices.share(boardId, people),
    others(boardId) {
      const people: Presence[] = [];
      for (const { fields } of slices.others(boardId))
        for (let i = 0; i + 1 < fields.length; i += 2)
          people.push({ client_id: String(fields[i]), name: String(fields[i + 1]) });
      return people;
    },
    listen: (listener) => slices.listen(listener),
    close: () => slices.close(),
  };
}
