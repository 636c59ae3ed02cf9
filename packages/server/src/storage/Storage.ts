import type { WorkflowCursor, WorkflowStatus } from '@liveline/protocol';

/** One serialized event of an ordered room (stored here because rooms depend on storage, not the reverse). */
export interface HistoryEntry {
  readonly seq: number;
  readonly frame: string;
  /** When it was published, epoch ms; used for age-based trimming. */
  readonly at: number;
}

/** Kinds of documents the server stores. */
export type DocumentKind = 'board' | 'workflow' | 'transport';

/** A document with the version its compare-and-set writes gave it ({@link Storage.swapDocument}). */
export interface VersionedDocument {
  /** 0 when none is stored, or it was only written by `putDocument` or `append`. */
  readonly version: number;
  /** The stored value as parsed JSON (callers validate it), or `null`. */
  readonly value: unknown;
}

/**
 * A document with the seq of its room's event it reflects ({@link Storage.loadSequenced}): a board
 * is its document plus its room's events after that seq (PROTOCOL.md B6).
 */
export interface SequencedDocument {
  /**
   * The seq of the event whose append wrote it; 0 when none is stored, or it was last written by
   * `putDocument` (or only by `swapDocument`), which reflect no event.
   */
  readonly seq: number;
  /** The stored value as parsed JSON (callers validate it), or `null`. */
  readonly value: unknown;
}

/** What a compare-and-set document write did. */
export type SwapResult =
  | { readonly kind: 'ok' }
  /** The stored version was not the expected one: nothing was written; `current` is what is stored. */
  | { readonly kind: 'conflict'; readonly current: VersionedDocument };

/** Where an ordered room's stream is: its incarnation (epoch) and the seq of its newest event. */
export interface RoomHead {
  readonly epoch: string;
  readonly headSeq: number;
}

/** A document to store (replacing the one with the same kind and id). */
export interface DocumentWrite {
  readonly kind: DocumentKind;
  readonly id: string;
  readonly value: unknown;
}

/** One compare-and-append: the event, the documents it changed and its op id, in one transaction. */
export interface AppendRequest {
  readonly room: string;
  /** The position the writer claims: the head it read (epoch) and head + 1 (seq). */
  readonly epoch: string;
  readonly seq: number;
  /** The event's wire text, exactly as delivered. */
  readonly frame: string;
  /** When it was published, epoch ms. */
  readonly at: number;
  /** Stored with `seq`, the event they reflect ({@link Storage.loadSequenced}). */
  readonly documents?: readonly DocumentWrite[];
  /** Recorded as applied at `seq` in `room` (rule B2). */
  readonly opId?: string;
  /** The lease the writer holds: the append happens only while its token is the run's (rule WL3). */
  readonly fence?: LeaseFence;
}

/** What a compare-and-append did. */
export type AppendResult =
  | { readonly kind: 'ok' }
  /** `opId` was already applied in the room, at `seq`: nothing was written (rule B2). */
  | { readonly kind: 'duplicate'; readonly seq: number }
  /** The epoch or the head moved (another writer): nothing was written; `head` is the room's now. */
  | { readonly kind: 'conflict'; readonly head: RoomHead }
  /** `fence` is no longer the run's lease (another node took the run): nothing was written (WL3). */
  | { readonly kind: 'fenced' };

/** Who owns a workflow run (PROTOCOL.md WL1–WL4). */
export interface RunLease {
  readonly runId: string;
  /** The owning node's id. */
  readonly owner: string;
  /**
   * The fencing token: 1 at the run's first acquisition, one more at each later one (WL1), so
   * that, less the handovers, it counts the run's resumes (W4).
   */
  readonly token: number;
  /** When the lease lapses unless renewed, epoch ms. */
  readonly expiresAt: number;
  /** Times an owner handed the run over on a clean stop (WL4): the takings after those are no resumes. */
  readonly handovers: number;
}

/** The lease an append is conditioned on (rule WL3). */
export interface LeaseFence {
  readonly runId: string;
  readonly token: number;
}

/** What storage keeps (PROTOCOL.md G1–G3); everything else is pruned. */
export interface PrunePolicy {
  /** Events a room keeps at most: the replay window's count (rule G1). */
  readonly roomMaxEvents: number;
  /**
   * Bytes of frames a room keeps at most, counted from its newest event: the replay window's bytes
   * (rule G1; the SQLite storage applies it; the PostgreSQL storage does not, see docs/decisions.md).
   */
  readonly roomMaxBytes: number;
  /** Age after which an event is deleted, in ms: the replay window's age (rule G1). */
  readonly eventMaxAgeMs: number;
  /** Age after which an applied op id is deleted, in ms (rule G2). */
  readonly opIdMaxAgeMs: number;
  /** Time a finished workflow run is kept after its last change, in ms (rule G3). */
  readonly runMaxAgeMs: number;
  /**
   * Finished workflow runs kept at most: those past it, the longest finished first, are deleted as
   * if past their age, however young (rule G3).
   */
  readonly runMaxCount: number;
  /** Time a deleted run's tombstone is kept after its deletion, in ms (rule G5). */
  readonly tombstoneMaxAgeMs: number;
  /**
   * Tombstones kept at most once their watchers were told: the oldest past it are deleted, so that
   * runs deleted by the count leave no unbounded trail (rule G5).
   */
  readonly tombstoneMaxCount: number;
  /** The ordered room of a workflow run, deleted with it. */
  readonly runRoom: (workflowId: string) => string;
  /** Rows one call deletes at most, so that no call holds the database (or the event loop) long. */
  readonly batchRows: number;
}

/** What one {@link Storage.prune} call deleted. */
export interface PruneReport {
  readonly events: number;
  readonly ops: number;
  /** Finished workflow runs deleted, each with its room's events and op ids; each leaves a tombstone. */
  readonly runs: readonly string[];
  /** Tombstones deleted past their age (rule G5). */
  readonly tombstones: number;
  /** Whether the call stopped at `batchRows`: another call now finds more to delete. */
  readonly more: boolean;
}

/** A stored workflow run with its position in the newest-first order. */
export interface StoredWorkflow {
  /** Its `created_at` and id, the cursor of a page that starts after it. */
  readonly position: WorkflowCursor;
  /** The stored value as parsed JSON (callers validate it). */
  readonly value: unknown;
}

/**
 * A workflow run retention deleted (rule G5): kept for a while, so that its id answers "deleted"
 * (HTTP 410) rather than "never started", and so that a node retries telling its watchers.
 */
export interface Tombstone {
  readonly id: string;
  /** When retention deleted the run, epoch ms (the prune's `now`). */
  readonly deletedAt: number;
}

/** How many stored workflow runs have each status (the coordinator metrics' counts, rule CM1). */
export type WorkflowCounts = Readonly<Record<WorkflowStatus, number>>;

/** The database's health as `/health` reports it. */
export type StorageStatus = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Durable state and the sequencer of ordered rooms: documents (boards, workflows, transport),
 * room history with its epoch, and applied op ids. An event is appended, with what it changed, in
 * one transaction before it is published. Every method but `status` is asynchronous so that a
 * networked database can implement it; an engine failure rejects with a `StorageError`.
 */
export interface Storage {
  /** The last failure, until a probe of the engine works again (synchronous, for `/health`). */
  status(): StorageStatus;
  /**
   * The room's head. A room nothing was appended to is stored nowhere and is at seq 0 of the
   * database's unborn epoch, the same for every such room (SEQ5): reading it writes nothing. The
   * epoch lives only here.
   */
  readHead(room: string): Promise<RoomHead>;
  /**
   * Appends an event at the claimed position if it is still the room's head + 1
   * (compare-and-append); a room's first event stores the room.
   */
  append(request: AppendRequest): Promise<AppendResult>;
  /** Events with seq > `afterSeq`, oldest first, at most `limit`. */
  readEvents(room: string, afterSeq: number, limit: number): Promise<readonly HistoryEntry[]>;
  /** A stored document as parsed JSON (callers validate it), or `null`. */
  loadDocument(kind: DocumentKind, id: string): Promise<unknown>;
  /** A stored document with the seq of the event it reflects. */
  loadSequenced(kind: DocumentKind, id: string): Promise<SequencedDocument>;
  /**
   * The stored workflow runs whose status is one of `statuses`, as parsed JSON (callers validate
   * them). The status index serves it, so a start reads the runs it may resume, not every run.
   */
  listWorkflows(statuses: readonly WorkflowStatus[]): Promise<unknown[]>;
  /**
   * Stored workflow runs newest first (by `created_at`, then by id, both descending), those after
   * `before` in that order (from the newest when `null`), at most `limit`. An index makes it a
   * read of one page, not of every run; a run without a numeric `created_at` is not listed.
   */
  readWorkflowPage(before: WorkflowCursor | null, limit: number): Promise<StoredWorkflow[]>;
  /**
   * The stored workflow runs counted by status, every status present (0 when none); a status no
   * release knows is not counted. An index makes it a count, not a read of every run.
   */
  countWorkflows(): Promise<WorkflowCounts>;
  /**
   * The stored workflow runs whose status is one of `statuses`, for the cap on unfinished runs
   * (rule W8). The status index serves it, so it reads the entries of those runs only, not of
   * every run retention keeps.
   */
  countWorkflowsIn(statuses: readonly WorkflowStatus[]): Promise<number>;
  /**
   * The stored boards (documents of kind `board`; a board is stored with its first event), for
   * the cap on boards (rule B5). The primary key's range of the kind serves it, not a read of
   * each board.
   */
  countBoards(): Promise<number>;
  /** An unsequenced document write (its seq becomes 0); it leaves the document's version as it is. */
  putDocument(document: DocumentWrite): Promise<void>;
  /** A document with its version. */
  loadVersioned(kind: DocumentKind, id: string): Promise<VersionedDocument>;
  /**
   * Compare-and-set (the transport's anchor in cluster mode): stores `document` as version
   * `expected + 1` if the stored version is still `expected`, so that of two writers that read the
   * same version exactly one wins.
   */
  swapDocument(document: DocumentWrite, expected: number): Promise<SwapResult>;
  /** The seq an op id was applied at in a room, or `null`. */
  appliedOp(room: string, opId: string): Promise<number | null>;
  /**
   * Deletes one batch of what `policy` no longer keeps (PROTOCOL.md G1–G5), as of `now` (epoch
   * ms); callers repeat while `more`, yielding in between.
   */
  prune(policy: PrunePolicy, now: number): Promise<PruneReport>;
  /** The tombstone of a run retention deleted under `id` (rule G5), or `null`. */
  loadTombstone(id: string): Promise<Tombstone | null>;
  /**
   * Tombstones whose deletion the watchers were not yet told of (rule G5), oldest first, at most
   * `limit`; one whose id a run is stored under again is not listed (that run is the id's now).
   */
  untoldTombstones(limit: number): Promise<Tombstone[]>;
  /** Records that the watchers were told of these deletions (a later one of the same id stays untold). */
  markTold(tombstones: readonly Tombstone[]): Promise<void>;
  /**
   * Makes `owner` the run's owner until `now + ttlMs` with the next token, if the run has no
   * lease, its lease lapsed, or `owner` holds it (WL1); `null` while another node holds it.
   */
  acquireLease(runId: string, owner: string, ttlMs: number, now: number): Promise<RunLease | null>;
  /**
   * Extends a lease whose token is still the run's and that was not handed over since (WL2, WL4);
   * `null` once another owner took the run or its owner handed it over.
   */
  renewLease(lease: RunLease, ttlMs: number, now: number): Promise<RunLease | null>;
  /** Ends a finished run's lease if `token` is still the run's (WL4). */
  releaseLease(runId: string, token: number): Promise<void>;
  /**
   * Lapses a run's lease now, if `token` is still the run's, and counts the handover: its owner
   * stops cleanly, and the next taking is no resume (WL4, W4).
   */
  handOverLease(runId: string, token: number): Promise<void>;
  /** Runs whose lease lapsed at `now`, at most `limit`, the longest lapsed first (WL4). */
  lapsedLeases(now: number, limit: number): Promise<string[]>;
  /** Closes the database (flushing what it buffers). */
  close(): Promise<void>;
}
