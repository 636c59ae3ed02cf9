import type { Board } from '@liveline/protocol';
import { expect, vi } from 'vitest';
import { rawRequest } from '../test-utils/index.js';
import { boardContent, compareLogs, gapsOf, type BoardPeer } from './createBoardPeer.js';

/** A board, its head seq and its room's epoch as the server answers them over HTTP. */
export interface ServerBoard {
  readonly board: Board | null;
  readonly seq: number;
  readonly epoch: string;
}

/** The server's board and head seq, read over HTTP. */
export async function serverBoard(origin: string, boardId: string): Promise<ServerBoard> {
  const res = await rawRequest({ origin }, `/api/boards/${boardId}`);
  const body = res.json as { board: Board | null; seq: number; epoch: string };
  return { board: body.board, seq: body.seq, epoch: body.epoch };
}

/**
 * Waits until every peer is open at the server's head seq, then checks that they converged: each
 * peer's board equals the server's, their logs agree wherever they overlap, none saw an event out
 * of order and none misses one between its first snapshot and the head. Returns the server's board.
 */
export async function expectConverged(
  origin: string,
  boardId: string,
  peers: readonly BoardPeer[],
): Promise<ServerBoard> {
  let final: ServerBoard = { board: null, seq: 0, epoch: '' };
  await vi.waitFor(
    async () => {
      final = await serverBoard(origin, boardId);
      expect(peers.map((p) => `${p.status()}@${p.lastSeq()}`)).toEqual(
        peers.map(() => `open@${final.seq}`),
      );
    },
    { timeout: 30_000, interval: 50 },
  );
  const expected = boardContent(final.board);
  for (const peer of peers) expect(boardContent(peer.board())).toEqual(expected);
  expect(compareLogs(peers)).toEqual([]);
  expect(peers.flatMap((p) => p.violations)).toEqual([]);
  expect(peers.map(gapsOf)).toEqual(peers.map(() => 0));
  return final;
}
