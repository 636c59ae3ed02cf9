import type { VersionedDocument } from '../../storage/Storage.js';

/** The transport's stored document: its anchor (a clock state) with the version that orders it. */
export const ANCHOR_DOCUMENT = { kind: 'transport', id: 'main' } as const;

/** What committing an anchor did. */
export type AnchorCommit =
  | { readonly kind: 'ok' }
  /** Another node committed first: nothing was written; `current` is the anchor to build on. */
  | { readonly kind: 'conflict'; readonly current: VersionedDocument };

/**
 * Where the transport anchor (the clock state every tick is extrapolated from) is kept and how
 * every node learns of a new one. The embedded node stores it in SQLite; a cluster node
 * compare-and-sets a versioned row and publishes it to the other nodes (PROTOCOL.md TA1, TA2, TA3).
 * Values are unvalidated JSON: the transport domain parses them.
 */
export interface AnchorReplica {
  /** The stored anchor, as a starting node restores it (`value` null when none is stored). */
  load(): Promise<VersionedDocument>;
  /**
   * Stores `anchor` if the stored version is still `anchor.version − 1`, and hands it to every other
   * node. Rejects (answered `unavailable`) when it cannot be stored or replicated.
   */
  commit(anchor: VersionedDocument): Promise<AnchorCommit>;
  /** Calls `onAnchor` with anchors other nodes commit (possibly late, repeated or out of order). */
  listen(onAnchor: (anchor: VersionedDocument) => void): void;
  /**
   * This node stops cleanly with `anchor` (its transport carried to now, and the next version, as
   * in `commit`; rule TA2). The embedded node stores it, so that a restart plays on from there; a
   * cluster node stores it only if it is the last node (and the version is still the one before),
   * and otherwise leaves the shared anchor to the nodes still ticking from it.
   */
  leave(anchor: VersionedDocument): Promise<void>;
}
