/** One serialized event of an ordered room (stored here because rooms depend on storage, not the reverse). */
export interface HistoryEntry {
  readonly seq: number;
  readonly frame: string;
  /** When it was published, epoch ms; used for age-based trimming. */
  readonly at: number;
}

/** What an ordered room was before a restart: its epoch, head and the events still held. */
export interface RoomSeed {
  readonly epoch: string;
  readonly headSeq: number;
  readonly entries: readonly HistoryEntry[];
}

/** Kinds of documents the server stores. */
export type DocumentKind = 'board' | 'workflow' | 'transport';

/** One atomic write: domain documents, the event that produced them and the op id it applied. */
export interface StorageWrite {
  readonly documents?: readonly { kind: DocumentKind; id: string; value: unknown }[];
  readonly event?: { room: string; epoch: string; seq: number; frame: string; at: number };
  readonly op?: { room: string; opId: string; seq: number };
}

/** The database's health as `/health` reports it. */
export type StorageStatus = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Durable state: documents (boards, workflows, transport), ordered room history and applied op
 * ids. Every write is one transaction made before the event is published.
 */
export interface Storage {
  /** Whether the last open/read/write worked. */
  status(): StorageStatus;
  /** A stored document as parsed JSON (callers validate it), or `null`. */
  loadDocument(kind: DocumentKind, id: string): unknown;
  /** Every stored document of a kind, as parsed JSON. */
  listDocuments(kind: DocumentKind): unknown[];
  /** The epoch, head seq and newest `maxEvents` events of a room, or `null` if never written. */
  loadRoom(room: string, maxEvents: number): RoomSeed | null;
  /** The seq an op id was applied at in a room, or `null`. */
  appliedOp(room: string, opId: string): number | null;
  /** Writes everything in one transaction; throws {@link StorageError} on failure. */
  write(change: StorageWrite): void;
  /** Closes the database (flushing the WAL). */
  close(): void;
}
