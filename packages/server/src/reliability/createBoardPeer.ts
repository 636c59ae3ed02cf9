// ws-client is written for browsers too (it reads `window` and `document` when they exist).
/// <reference lib="dom" />
import { applyBoardEvent, type Board } from '@liveline/protocol';
import type { Ack, ClientOptions } from '@liveline/ws-client';
import { connectWsClient } from './connectWsClient.js';

/** A ws-client board participant that records the ordered stream it applied. */
export interface BoardPeer {
  /** The board as this peer sees it (snapshot plus applied events). */
  board(): Board | null;
  /** The last applied seq. */
  lastSeq(): number;
  /** Seq of the first snapshot; every later event up to {@link lastSeq} must be in {@link events}. */
  firstSnapshotSeq(): number;
  /** `seq → "type:op_id"` of every event applied, to compare peers. */
  readonly events: Map<number, string>;
  /** Events that broke `seq = last + 1` after the client's own checks: must stay 0. */
  readonly violations: string[];
  /** Snapshots (first one included), resumes and sockets opened. */
  readonly counts: {
    readonly snapshots: number;
    readonly resumes: number;
    readonly opened: number;
  };
  /** Sends a `card.create` with `op_id` and resolves on its ack. */
  createCard(opId: string, columnId: string): Promise<Ack>;
  /** The connection status. */
  status(): string;
  /** Every status change with its `performance.now()` time and the close code that caused it. */
  readonly statusLog: { status: string; at: number; closeCode: number | null }[];
}

/** Connects a {@link BoardPeer} to `board_id` through `origin` (a server or a proxy). */
export function createBoardPeer(
  origin: string,
  boardId: string,
  options: Partial<Omit<ClientOptions, 'origin' | 'environment'>> = {},
): BoardPeer {
  const { client, opened } = connectWsClient(origin, {
    backoff: { baseMs: 50, capMs: 400, floorMs: 10 },
    outbox: { maxCount: 1000 },
    ...options,
  });
  const counts = {
    snapshots: 0,
    resumes: 0,
    get opened() {
      return opened.length;
    },
  };
  const channel = client.channel('board', { query: { board_id: boardId } });
  const statusLog: BoardPeer['statusLog'] = [];
  channel.subscribe(() => {
    const { status, lastClose } = channel.getState();
    if (statusLog.at(-1)?.status !== status)
      statusLog.push({ status, at: performance.now(), closeCode: lastClose?.code ?? null });
  });
  const events = new Map<number, string>();
  const violations: string[] = [];
  let board: Board | null = null;
  let last = -1;
  let first = -1;
  channel.onMessage((message) => {
    if (!('type' in message)) return;
    if (message.type === 'snapshot') {
      counts.snapshots += 1;
      if (first === -1) first = message.seq;
      board = message.data;
      last = message.seq;
      return;
    }
    if (message.type === 'resumed') {
      counts.resumes += 1;
      if (message.seq < last) violations.push(`resumed at ${message.seq} behind ${last}`);
      return;
    }
    if (!('seq' in message) || board === null) return;
    if (message.seq !== last + 1) violations.push(`seq ${message.seq} after ${last}`);
    board = applyBoardEvent(board, message);
    last = message.seq;
    const opId = 'op_id' in message.data ? message.data.op_id : null;
    events.set(message.seq, `${message.type}:${opId ?? ''}`);
  });
  return {
    board: () => board,
    lastSeq: () => last,
    firstSnapshotSeq: () => first,
    events,
    violations,
    counts,
    createCard: (opId, columnId) =>
      channel.request(
        { type: 'card.create', op_id: opId, column_id: columnId, title: opId },
        { timeoutMs: 60_000 },
      ),
    status: () => channel.getState().status,
    statusLog,
  };
}

/** The parts of a board that every peer must agree on (presence depends on who is connected). */
export const boardContent = (board: Board | null) =>
  board && {
    columns: board.columns,
    cards: [...board.cards].sort((a, b) => a.id.localeCompare(b.id)),
  };

/** Checks that peers applied identical events wherever their logs overlap; returns mismatches. */
export function compareLogs(peers: readonly BoardPeer[]): string[] {
  const reference = new Map<number, string>();
  const mismatches: string[] = [];
  for (const peer of peers)
    for (const [seq, key] of peer.events) {
      const seen = reference.get(seq);
      if (seen === undefined) reference.set(seq, key);
      else if (seen !== key) mismatches.push(`seq ${seq}: ${seen} vs ${key}`);
    }
  return mismatches;
}

/** Events a peer misses between its first snapshot and its last seq: must be 0. */
export const gapsOf = (peer: BoardPeer): number =>
  peer.lastSeq() - peer.firstSnapshotSeq() - peer.events.size;
