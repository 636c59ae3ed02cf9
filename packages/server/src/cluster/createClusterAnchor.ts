import { BrokerError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { ANCHOR_DOCUMENT, type AnchorReplica } from '../domains/transport/AnchorReplica.js';
import type { Storage, VersionedDocument } from '../storage/Storage.js';
import type { RedisLatestBus } from './createRedisLatestBus.js';

/** How long after a failed publish the committing node publishes its newest anchor again, in ms. */
export const ANCHOR_REPUBLISH_INTERVAL_MS = 1_000;
/**
 * How often every node reads the stored anchor, in ms (rule TA3). It bounds how long nodes tick on
 * an old anchor when the committing node died between storing and publishing; the read is one
 * primary-key lookup of a row of a few KB at most (the clock and its newest op ids, C5), so every
 * 2 s is nothing next to the board's traffic.
 */
export const ANCHOR_CHECK_INTERVAL_MS = 2_000;

/** The cluster's {@link AnchorReplica}, with the timers it runs. */
export interface ClusterAnchor extends AnchorReplica {
  /** Stops republishing and checking (before storage and Redis close). */
  close(): void;
}

const isVersioned = (value: unknown): value is VersionedDocument =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as { version?: unknown }).version);

/**
 * The cluster's {@link AnchorReplica} (PROTOCOL.md TA1, TA2, TA3): the anchor is a versioned row in
 * PostgreSQL, written by compare-and-set so that commands of several nodes resolve to one order,
 * and each new anchor is published on Redis to every node. A stored anchor must reach every node
 * even when its publish is lost: the committing node publishes its newest one again every second
 * until Redis takes it, every node reloads the row after its subscription dropped (pub/sub loses
 * what was published meanwhile), and every node reads the row every {@link ANCHOR_CHECK_INTERVAL_MS}
 * in case the committing node died before publishing. Without Redis a command is refused before
 * anything is stored: a change only this node would see is not made. The last node to stop
 * stores where the transport is (`leave`), so a cluster started again plays on from there.
 */
export function createClusterAnchor(
  storage: Storage,
  bus: RedisLatestBus,
  log: Logger,
  /** How many other nodes are live, as this node last read (their metrics slices, CM2). */
  otherNodes: () => number,
): ClusterAnchor {
  const channel = bus.key('transport', 'anchor');
  const load = (): Promise<VersionedDocument> =>
    storage.loadVersioned(ANCHOR_DOCUMENT.kind, ANCHOR_DOCUMENT.id);
  let closed = false;
  // Only the newest stored anchor whose publish failed is owed: a newer one supersedes it.
  let owed: VersionedDocument | null = null;
  let republishing: NodeJS.Timeout | null = null;
  let checking: NodeJS.Timeout | null = null;

  /** Publishes `anchor`; on failure it is owed (unless a newer one is) and sent again later. */
  const publish = (anchor: VersionedDocument): Promise<void> =>
    bus.publish(channel, JSON.stringify(anchor)).then(
      () => {
        if (owed && owed.version <= anchor.version) owed = null;
      },
      (error: unknown) => {
        if (!owed || owed.version < anchor.version) owed = anchor;
        republishLater();
        throw error;
      },
    );
  const republishLater = (): void => {
    if (closed) return;
    republishing ??= setTimeout(() => {
      republishing = null;
      const sending = owed;
      if (sending)
        publish(sending).then(
          () => log.info('transport.republished', { version: sending.version }),
          (error: unknown) =>
            log.debug('transport.republish_failed', { error: errorMessage(error) }),
        );
    }, ANCHOR_REPUBLISH_INTERVAL_MS);
    republishing.unref();
  };

  const checkLater = (onAnchor: (anchor: VersionedDocument) => void): void => {
    if (closed) return;
    // Each check waits for the one before it, so reads never pile up on a slow database. A
    // database that is away is reported by /health and the storage's own log, not every 2 s here.
    checking = setTimeout(() => {
      load()
        .then(onAnchor)
        .catch((error: unknown) =>
          log.debug('transport.check_failed', { error: errorMessage(error) }),
        )
        .finally(() => checkLater(onAnchor));
    }, ANCHOR_CHECK_INTERVAL_MS);
    checking.unref();
  };

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
      // Stored: the command happened. A failed publish is sent again until Redis takes it (TA3).
      publish(anchor).catch((error: unknown) =>
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
      checkLater(onAnchor);
    },
    async leave(anchor) {
      // Other nodes tick from the shared anchor: storing this node's view would only re-anchor
      // them. The last node stores where the transport is, unless a command came first (TA2).
      if (otherNodes() > 0 || !bus.connected()) return;
      await storage.swapDocument({ ...ANCHOR_DOCUMENT, value: anchor.value }, anchor.version - 1);
    },
    close() {
      closed = true;
      owed = null;
      clearTimeout(republishing ?? undefined);
      clearTimeout(checking ?? undefined);
    },
  };
}
