import { applyBoardEvent, type Board } from '@liveline/protocol';
import { expect, vi } from 'vitest';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { boardContent, createBoardPeer, type BoardPeer } from '../reliability/createBoardPeer.js';
import { serverBoard, type ServerBoard } from '../reliability/expectConverged.js';

/** The board every backup test writes to. */
export const BACKUP_BOARD = 'backup';

/** A board client that keeps the board as it was after every `epoch:seq` it applied. */
function recordBoard(origin: string) {
  const channel = connectWsClient(origin).client.channel('board', {
    query: { board_id: BACKUP_BOARD },
  });
  const moments = new Map<string, ReturnType<typeof boardContent>>();
  const snapshots: { epoch: string; seq: number; reason: string | undefined }[] = [];
  let resumes = 0;
  let board: Board | null = null;
  const keep = (epoch: string, seq: number) => moments.set(`${epoch}:${seq}`, boardContent(board));
  channel.onMessage((message) => {
    if (!('type' in message)) return;
    if (message.type === 'resumed') resumes += 1;
    if (message.type === 'snapshot') {
      board = message.data;
      snapshots.push({ epoch: message.epoch, seq: message.seq, reason: message.reason });
      keep(message.epoch, message.seq);
      return;
    }
    if (!('seq' in message) || message.type === 'resumed' || board === null) return;
    board = applyBoardEvent(board, message);
    keep(message.epoch, message.seq);
  });
  return { channel, moments, snapshots, resumes: () => resumes };
}

/** Each peer creates cards one after another until stopped; records what was acknowledged. */
function startWriters(peers: readonly BoardPeer[], column: string) {
  const acked: string[] = [];
  let running = true;
  const loops = peers.map(async (peer, i) => {
    for (let n = 0; running; n += 1) {
      await peer.createCard(`w${i}-${n}`, column);
      acked.push(`w${i}-${n}`);
    }
  });
  return {
    acked,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Write load on the server at `origin` for a backup to be taken under. */
export interface BackupLoad {
  /** The board before the load began. */
  readonly before: ServerBoard;
  /** Card titles (op ids) acknowledged so far, in order. */
  readonly acked: readonly string[];
  /** Stops the writers once their ops in flight are acknowledged. */
  stop(): Promise<void>;
  /**
   * After a restore, with the server at `origin` started on it: its board is the one the recorder
   * saw at its head seq under the old epoch and holds every op of `ackedBefore`; every client gets
   * an `epoch_changed` snapshot (R5) and converges, a retried op is a duplicate (B2) and a later
   * reconnect is resumed (R4).
   */
  expectRestored(origin: string, ackedBefore: readonly string[]): Promise<void>;
}

/**
 * Three ws-client writers creating cards on {@link BACKUP_BOARD} and a recorder of every moment
 * of the board; resolves once 30 cards are acknowledged.
 */
export async function startBackupLoad(origin: string): Promise<BackupLoad> {
  const recorder = recordBoard(origin);
  const peers = Array.from({ length: 3 }, () => createBoardPeer(origin, BACKUP_BOARD));
  await vi.waitFor(() => expect(peers.every((p) => p.status() === 'open')).toBe(true));
  const before = await serverBoard(origin, BACKUP_BOARD);
  const writers = startWriters(peers, before.board?.columns[0]?.id ?? '');
  await vi.waitFor(() => expect(writers.acked.length).toBeGreaterThan(30));

  const expectRestored = async (restored: string, ackedBefore: readonly string[]) => {
    const { board, seq, epoch } = await serverBoard(restored, BACKUP_BOARD);
    expect(boardContent(board)).toEqual(recorder.moments.get(`${before.epoch}:${seq}`));
    const titles = new Set(board?.cards.map((c) => c.title));
    expect(ackedBefore.filter((id) => !titles.has(id))).toEqual([]);
    expect(epoch).not.toBe(before.epoch);
    await vi.waitFor(() =>
      expect(recorder.snapshots.at(-1)).toEqual({ epoch, seq, reason: 'epoch_changed' }),
    );
    await vi.waitFor(() => expect(peers.map((p) => p.lastSeq())).toEqual(peers.map(() => seq)));
    for (const peer of peers) expect(boardContent(peer.board())).toEqual(boardContent(board));
    expect(peers.flatMap((p) => p.violations)).toEqual([]);

    const column = board?.columns[0]?.id ?? '';
    expect(await peers[0]?.createCard(ackedBefore[0] ?? '', column)).toMatchObject({
      duplicate: true,
    });
    await peers[0]?.createCard('after-restore', column);
    recorder.channel.reconnect();
    // The card's ack can reach its writer before its event reaches the recorder: then the
    // resume replays it, after the `resumed` message.
    await vi.waitFor(() => {
      expect(recorder.resumes()).toBe(1);
      expect(recorder.moments.get(`${epoch}:${seq + 1}`)?.cards.map((c) => c.title)).toContain(
        'after-restore',
      );
    });
  };
  return { before, acked: writers.acked, stop: writers.stop, expectRestored };
}
