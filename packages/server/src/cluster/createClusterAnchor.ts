import { BrokerError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { ANCHOR_DOCUMENT, type AnchorReplica } from '../domains/transport/AnchorReplica.js';
import type { Storage, VersionedDocument } from '../storage/Storage.js';
import type { RedisLatestBus } from './createRedisLatestBus.js';

const isVersioned = (value: unknown): value is VersionedDocument =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as { version?: unknown }).version);

/**
 * The cluster's {@link AnchorReplica} (PROTOCOL.md TA1, TA2): the anchor is a versioned row in
 * PostgreSQL, written by compare-and-set so that commands of several nodes resolve to one order,
 * and each new anchor is published on Redis to every node. A node reloads the row after its
 * subscription dropped, since pub/sub loses what was published meanwhile. Without Redis a command
 * is refused before anything is stored: a change only this node would see is not made.
 */
export function createClusterAnchor(
  storage: Storage,
  bus: RedisLatestBus,
  log: Logger,
): AnchorReplica {
  const channel = bus.key('transport', 'anchor');
  const load = (): Promise<VersionedDocument> =>
    storage.loadVersioned(ANCHOR_DOCUMENT.kind, ANCHOR_DOCUMENT.id);
  return {
    load,
    async commit(anchor) {
      if (!bus.connected())
        throw new BrokerError('Redis is unreachable, so no other node would see the change');
      const result = await storage.swapDocument(
        { ...ANCHOR_DOCUMENT, value: anchor.value },
        anchor.version - 1,
      );
      if (result.kind === 'conflict') return result;
      // Stored: the command happened. A node that misses this message reloads after its reconnect.
      bus.publish(channel, JSON.stringify(anchor)).catch((error: unknown) =>
        log.warn('transport.publish_failed', {
          version: anchor.version,
          error: errorMessage(error),
        }),
      );
      return { kind: 'ok' };
    },
    listen(onAnchor) {
      bus.subscribe(channel, (message) => {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(message);
        } catch {
          // Not ours: ignored below.
        }
        if (isVersioned(parsed)) onAnchor(parsed);
        else log.warn('transport.anchor_message_invalid', { channel });
      });
      bus.onReconnect(() => {
        load().then(onAnchor, (error: unknown) =>
          log.warn('transport.load_failed', { error: errorMessage(error) }),
        );
      });
    },
  };
}
