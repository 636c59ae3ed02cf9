import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyBoardEvent, type Board } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { boardContent, createBoardPeer, type BoardPeer } from '../reliability/createBoardPeer.js';
import { serverBoard } from '../reliability/expectConverged.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';
import { tempDataDir } from '../test-utils/index.js';
import { runCli } from '../test-utils/runCli.js';
import { spawnServer } from '../test-utils/spawnServer.js';

const BOARD = 'backup';

/** A board client that keeps the board as it was after every `epoch:seq` it applied. */
function recordBoard(origin: string) {
  const channel = connectWsClient(origin).client.channel('board', { query: { board_id: BOARD } });
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

/** The restore of docs/operations.md, with the server stopped: the backup replaces the database and its WAL. */
function restore(backup: string, dataDir: string) {
  for (const suffix of ['', '-wal', '-shm'])
    rmSync(join(dataDir, `${DATABASE_FILE}${suffix}`), { force: true });
  copyFileSync(backup, join(dataDir, DATABASE_FILE));
}

describe('liveline backup (the real bins)', () => {
  it('R1 R4 R5 B2 a backup under write load restores to a moment of the original with every op acked before it; clients get a snapshot, then resume, and a retried op is a duplicate', async () => {
    const dataDir = tempDataDir();
    const original = await spawnServer(dataDir);
    const recorder = recordBoard(original.origin);
    const peers = Array.from({ length: 3 }, () => createBoardPeer(original.origin, BOARD));
    await vi.waitFor(() => expect(peers.every((p) => p.status() === 'open')).toBe(true));
    const before = await serverBoard(original.origin, BOARD);
    const load = startWriters(peers, before.board?.columns[0]?.id ?? '');
    await vi.waitFor(() => expect(load.acked.length).toBeGreaterThan(30));

    const ackedBefore = [...load.acked];
    const file = join(tempDataDir(), 'liveline-backup.db');
    const run = await runCli(['backup', file], { DATA_DIR: dataDir });
    const ackedDuring = load.acked.length - ackedBefore.length;
    await load.stop();
    original.process.kill('SIGTERM');
    expect(await original.exited).toBe(0);
    restore(file, dataDir);
    const restored = await spawnServer(dataDir, { port: original.port });
    const { board, seq, epoch } = await serverBoard(restored.origin, BOARD);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(ackedDuring).toBeGreaterThan(0);
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
    await vi.waitFor(() => expect(recorder.resumes()).toBe(1));
    expect(recorder.moments.get(`${epoch}:${seq + 1}`)?.cards.map((c) => c.title)).toContain(
      'after-restore',
    );
  }, 60_000);

  it('refuses to overwrite an existing file, and names a data directory without a database', async () => {
    const dataDir = tempDataDir();
    const taken = await runCli(['backup', dataDir], { DATA_DIR: dataDir });
    const missing = await runCli(['backup', join(dataDir, 'copy.db')], { DATA_DIR: dataDir });

    expect(taken).toMatchObject({ code: 1, stdout: '' });
    expect(taken.stderr).toBe(`liveline backup: ${dataDir} already exists; choose a new file\n`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(`cannot open ${join(dataDir, DATABASE_FILE)}`);
  });
});
