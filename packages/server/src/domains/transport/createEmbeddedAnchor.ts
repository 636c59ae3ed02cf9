import type { Storage, VersionedDocument } from '../../storage/Storage.js';
import { ANCHOR_DOCUMENT, type AnchorReplica } from './AnchorReplica.js';

/**
 * The single node's {@link AnchorReplica}: the anchor is a plain document in its storage, written
 * by one node whose commands already run one at a time, so every commit is `ok` and nobody else
 * listens. A node that stops cleanly stores its transport as it is then, so a restored anchor
 * resumes where the node stopped (after a crash: at the last command's position); its position does
 * not run on while no node ran (the clock is re-anchored at `now`).
 */
export function createEmbeddedAnchor(storage: Storage, now: () => number): AnchorReplica {
  const store = (anchor: VersionedDocument) =>
    storage.putDocument({ ...ANCHOR_DOCUMENT, value: anchor.value });
  return {
    async load() {
      const value = await storage.loadDocument(ANCHOR_DOCUMENT.kind, ANCHOR_DOCUMENT.id);
      const restamped =
        typeof value === 'object' && value !== null ? { ...value, timestamp_ms: now() } : value;
      return { version: 0, value: restamped };
    },
    async commit(anchor) {
      await store(anchor);
      return { kind: 'ok' };
    },
    listen: () => undefined,
    leave: store,
  };
}
