import { PRUNE_BATCH_ROWS, PRUNE_SLICE_MS } from '../storage/createPruneLoop.js';
import type { PrunePolicy } from '../storage/Storage.js';
import { openSqliteStorage } from './pruning.js';

/** A steady stream of board ops, in turns of the event loop, on a fake clock. */
export interface PruneLoad {
  readonly rooms: number;
  /** Ops each room gets per turn (an event and an op id each). */
  readonly opsPerTurn: number;
  /** Fake time a turn takes, in ms: `rooms × opsPerTurn / msPerTurn` is the op rate. */
  readonly msPerTurn: number;
  /** Turns from the end of one pass to the start of the next (`pruneIntervalMs / msPerTurn`). */
  readonly turnsPerInterval: number;
  readonly turns: number;
  /** Characters of each event's frame. */
  readonly frameChars: number;
  readonly policy: Omit<PrunePolicy, 'batchRows'>;
}

/** The tables and the file when a pass ended. */
export interface PassSample {
  readonly turn: number;
  /** Rows (events and op ids) written since the previous pass ended. */
  readonly written: number;
  /** Rows this pass deleted. */
  readonly deleted: number;
  readonly events: number;
  readonly opIds: number;
  readonly pages: number;
  readonly freePages: number;
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Drives a real SQLite storage the way a busy server does (PROTOCOL.md G4): every turn writes
 * `opsPerTurn` ops to each room; a pass starts `turnsPerInterval` turns after the last one ended,
 * and in each turn runs batches back to back for `PRUNE_SLICE_MS` of this process's CPU time (not
 * wall time, so that other processes on the machine do not change the result). A pruner whose
 * batches cost more as rows pile up deletes less per turn than a turn writes, and falls behind.
 */
export async function pruneUnderLoad(load: PruneLoad): Promise<PassSample[]> {
  const { storage, reader, rows } = openSqliteStorage();
  const pragma = (name: string) => reader.pragma(name, { simple: true }) as number;
  const policy: PrunePolicy = { ...load.policy, batchRows: PRUNE_BATCH_ROWS };
  const rooms = await Promise.all(
    Array.from({ length: load.rooms }, async (_, i) => {
      const room = `board:load-${i}`;
      const { epoch, headSeq } = await storage.readHead(room);
      return { room, epoch, seq: headSeq };
    }),
  );
  const padding = 'x'.repeat(load.frameChars);
  const samples: PassSample[] = [];
  let written = 0;
  let deleted = 0;
  let passing = false;
  let nextPass = load.turnsPerInterval;
  for (let turn = 0; turn < load.turns; turn += 1) {
    const at = turn * load.msPerTurn;
    for (const room of rooms)
      for (let n = 0; n < load.opsPerTurn; n += 1) {
        room.seq += 1;
        const frame = `${String(room.seq).padStart(10, '0')}${padding}`.slice(0, load.frameChars);
        const opId = `${room.room}-${room.seq}`;
        await storage.append({ ...room, seq: room.seq, frame, at, opId });
        written += 2;
      }
    if (turn === nextPass) passing = true;
    if (!passing) continue;
    const slice = cpuMs();
    do {
      const report = await storage.prune(policy, at);
      deleted += report.events + report.ops;
      passing = report.more;
    } while (passing && cpuMs() - slice < PRUNE_SLICE_MS);
    if (passing) continue;
    samples.push({
      turn,
      written,
      deleted,
      events: rows('room_events'),
      opIds: rows('applied_ops'),
      pages: pragma('page_count'),
      freePages: pragma('freelist_count'),
    });
    written = 0;
    deleted = 0;
    nextPass = turn + load.turnsPerInterval;
  }
  return samples;
}
