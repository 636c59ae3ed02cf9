import type { ResumeLostReason } from './common.js';

/** What a room still remembers of its ordered stream. */
export interface HistoryWindow {
  /** The room's history incarnation. */
  readonly epoch: string;
  /** The seq of the newest event, 0 before the first. */
  readonly headSeq: number;
  /** The seq of the oldest event still held; `headSeq + 1` when none is held. */
  readonly oldestSeq: number;
}

/** Where a reconnecting client says it is: the last seq it applied in `epoch`. */
export interface ResumePosition {
  readonly epoch: string;
  readonly seq: number;
}

/** The server's answer to a (re)connect on an ordered route. */
export type ResumeDecision =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'replay'; readonly afterSeq: number }
  | { readonly kind: 'lost'; readonly reason: ResumeLostReason };

/**
 * Decides how a client joins an ordered room (rules R3–R8): without a position it gets a
 * snapshot; with one it gets every event after it, or an explicit `lost` and a snapshot, never a
 * partial replay. A client that missed nothing (even one that saw no event, or sat idle while
 * history aged out) replays zero events.
 */
export function decideResume(
  window: HistoryWindow,
  position: ResumePosition | null,
): ResumeDecision {
  if (!position) return { kind: 'fresh' };
  if (position.epoch !== window.epoch) return { kind: 'lost', reason: 'epoch_changed' };
  if (position.seq > window.headSeq) return { kind: 'lost', reason: 'seq_ahead' };
  if (position.seq < window.oldestSeq - 1) return { kind: 'lost', reason: 'history_truncated' };
  return { kind: 'replay', afterSeq: position.seq };
}

/** What a client does with an ordered event, given the last seq it applied (rule R9). */
export type SeqCheck = 'apply' | 'duplicate' | 'gap';

/** Classifies an incoming ordered event: apply the next one, drop a duplicate, or resync on a gap. */
export function checkSeq(lastApplied: number, incoming: number): SeqCheck {
  if (incoming <= lastApplied) return 'duplicate';
  return incoming === lastApplied + 1 ? 'apply' : 'gap';
}

/** The ordered messages of a route that are events: every one with a seq but the two controls. */
export type OrderedEvent<M> = Exclude<
  Extract<M, { seq: number }>,
  { type: 'snapshot' | 'resumed' }
>;

/**
 * Whether a message is an event of the ordered stream: it carries a seq and is neither `snapshot`
 * nor `resumed` (rule R2). Types this version does not know count too, so reducers built on
 * `apply…Event` skip them there rather than dropping the seq they carry.
 */
export const isOrderedEvent = <M extends { readonly type: string }>(
  message: M,
): message is M & OrderedEvent<M> =>
  'seq' in message && message.type !== 'snapshot' && message.type !== 'resumed';
