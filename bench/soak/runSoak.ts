import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsUrl } from '@liveline/protocol';
import type WebSocket from 'ws';
import { processRssBytes } from '../lib/procStats.js';
import { readyLine, spawnNode, stopChild } from '../lib/spawnNode.js';
import { openSocket } from '../load/openSocket.js';
import type { PeerReady } from '../peers/peerReady.js';
import {
  openDatabaseProbe,
  type DatabaseProbe,
  type DatabaseProbeConnection,
} from './probeDatabase.js';

/** What the soak does. */
export interface SoakOptions {
  /** Board ops in total. */
  readonly ops: number;
  /** Boards written to, one socket each. */
  readonly boards: number;
  /** Ops one socket has sent and not yet seen acknowledged. */
  readonly window: number;
  /** A sample is taken after every this many acknowledged ops. */
  readonly sampleEvery: number;
  /** Passed to the server (`opIdRetentionMs`), when given. */
  readonly opIdRetentionMs?: number;
  /** Passed to the server (`pruneIntervalMs`), when given. */
  readonly pruneIntervalMs?: number;
}

/** The database and the server after `ops` acknowledged ops. */
export interface SoakSample {
  readonly ops: number;
  readonly seconds: number;
  /** `liveline.db` plus its `-wal`, in bytes. */
  readonly dbBytes: number;
  /** The `-wal` alone, in bytes. */
  readonly walBytes: number;
  readonly rssBytes: number;
  /** Where the main file's pages go, and the rows the tables hold. */
  readonly database: DatabaseProbe;
}

const fileBytes = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** Sends `total` ops on one board's socket, at most `window` unacknowledged; `onAck` hears each. */
async function writeBoard(
  origin: string,
  board: string,
  total: number,
  window: number,
  onAck: () => void,
): Promise<WebSocket> {
  let sent = 0;
  let acked = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const send = (socket: WebSocket): void => {
    const n = sent;
    sent += 1;
    socket.send(
      JSON.stringify(
        n === 0
          ? {
              type: 'card.create',
              op_id: `${board}-0`,
              column_id: 'backlog',
              title: board,
              card_id: board,
            }
          : {
              type: 'card.update',
              op_id: `${board}-${n}`,
              card_id: board,
              description: `update ${n}`,
            },
      ),
    );
  };
  const socket = await openSocket(
    wsUrl(origin, 'board', { query: { board_id: board } }),
    (text) => {
      if (!text.startsWith('{"type":"ack"')) return;
      acked += 1;
      onAck();
      if (acked === total) finish();
      // The first op creates the card the others update: the window fills once it is acknowledged.
      while (sent < total && sent - acked < window) send(socket);
    },
  );
  send(socket);
  await done;
  return socket;
}

/**
 * Runs `ops` board ops against the real server in its own process, on a fresh data directory,
 * sampling the database's size and the server's RSS every `sampleEvery` ops.
 */
export async function runSoak(
  options: SoakOptions,
  onSample: (s: SoakSample) => void,
): Promise<SoakSample[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-soak-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, PORT: '0' };
  if (options.opIdRetentionMs !== undefined)
    env.OP_ID_RETENTION_MS = String(options.opIdRetentionMs);
  if (options.pruneIntervalMs !== undefined)
    env.PRUNE_INTERVAL_MS = String(options.pruneIntervalMs);
  const peer = spawnNode(new URL('../peers/liveline.ts', import.meta.url), {
    fromSource: false,
    env,
  });
  const db = join(dataDir, 'liveline.db');
  let probe: DatabaseProbeConnection | undefined;
  try {
    const { port, pid } = await readyLine<PeerReady>(peer, 30_000);
    const database = openDatabaseProbe(db);
    probe = database;
    const origin = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const samples: SoakSample[] = [];
    let acked = 0;
    const sample = (): void => {
      const walBytes = fileBytes(`${db}-wal`);
      const taken: SoakSample = {
        ops: acked,
        seconds: (performance.now() - started) / 1000,
        dbBytes: fileBytes(db) + walBytes,
        walBytes,
        rssBytes: processRssBytes(pid),
        database: database.probe(),
      };
      samples.push(taken);
      onSample(taken);
    };
    const perBoard = Math.ceil(options.ops / options.boards);
    const sockets = await Promise.all(
      Array.from({ length: options.boards }, (_, i) =>
        writeBoard(origin, `soak-${i}`, perBoard, options.window, () => {
          acked += 1;
          if (acked % options.sampleEvery === 0) sample();
        }),
      ),
    );
    for (const socket of sockets) socket.close();
    if (acked % options.sampleEvery !== 0) sample();
    return samples;
  } finally {
    probe?.close();
    await stopChild(peer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
