/**
 * What one small op on a large board costs the server, run by hand:
 * `pnpm --filter @liveline/bench board-writes [--kib 256] [--ops 300] [--reps 2] [--before DIR]`.
 * A node (embedded on SQLite, then in cluster mode on PostgreSQL and Redis) is given one board
 * filled to `--kib` KiB of cards, then `--ops` card moves, one after another over HTTP; it
 * reports the node's CPU per op, what the node wrote per op (`wchar` of /proc/PID/io: the SQLite
 * file and WAL, plus a small HTTP answer) and, in cluster mode, PostgreSQL's WAL per op. `--before
 * DIR` runs the same on another checkout's built server (e.g. main's, built in /tmp), side by side.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { postgresBinDir } from '../packages/server/src/test-utils/engines/startPostgres.js';
import { startPostgresAndRedis } from '../packages/server/src/test-utils/engines/startPostgresAndRedis.js';
import { formatNumber, formatTable } from './lib/formatTable.js';
import { median } from './lib/percentile.js';
import { processCpuMicros } from './lib/procStats.js';
import { stopChild } from './lib/spawnNode.js';

const { values } = parseArgs({
  options: {
    kib: { type: 'string', default: '256' },
    ops: { type: 'string', default: '300' },
    reps: { type: 'string', default: '2' },
    before: { type: 'string' },
  },
});
const ops = Number(values.ops);
const BOARD = 'bench';
/**
 * A card's description: the board reaches `--kib` in cards of about 4 KiB, random so that
 * PostgreSQL's TOAST compression does not shrink the board to nothing.
 */
const description = (): string => randomBytes(3000).toString('base64');

const builds: [string, string][] = [
  ...(values.before ? [['before', values.before] as [string, string]] : []),
  ['this checkout', new URL('..', import.meta.url).pathname],
];

/** Bytes the process passed to write calls so far (`wchar`). */
const writtenBytes = (pid: number): number =>
  Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);

/** Starts the built server of `root` on port 0; resolves with its child and origin. */
const startBuilt = (root: string, dataDir: string, env: Record<string, string>) =>
  new Promise<{ child: ChildProcess; origin: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'packages/server/dist/main.js'), '--port', '0', '--data-dir', dataDir],
      {
        env: { ...process.env, ...env, HTTP_RATE_LIMIT: '1000000', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const origin = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (origin) resolve({ child, origin });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code ?? 'signal'})`)));
  });

const post = async (origin: string, op: Record<string, unknown>): Promise<void> => {
  const res = await fetch(`${origin}/api/boards/${BOARD}/ops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(op),
  });
  if (!res.ok) throw new Error(`op ${String(op.op_id)}: HTTP ${res.status} ${await res.text()}`);
};

const walLsn = (url: string): string =>
  execFileSync(join(postgresBinDir(), 'psql'), [
    '-At',
    '-d',
    url,
    '-c',
    'SELECT pg_current_wal_lsn()',
  ])
    .toString()
    .trim();
const walBytes = (url: string, from: string, to: string): number =>
  Number(
    execFileSync(join(postgresBinDir(), 'psql'), [
      '-At',
      '-d',
      url,
      '-c',
      `SELECT pg_wal_lsn_diff('${to}', '${from}')`,
    ]).toString(),
  );

interface Sample {
  cpuMicros: number;
  nodeBytes: number;
  walBytes: number;
}

/** One node of `root` on a fresh store: fills the board, then meters `ops` moves. */
const measure = async (
  root: string,
  databaseUrl: string | null,
  redisUrl: string,
): Promise<Sample> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-board-writes-'));
  const env: Record<string, string> = databaseUrl
    ? { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }
    : {};
  const { child, origin } = await startBuilt(root, dataDir, env);
  try {
    const cards = Math.ceil((Number(values.kib) * 1024) / 4100);
    for (let i = 0; i < cards; i += 1)
      await post(origin, {
        type: 'card.create',
        op_id: `fill-${i}`,
        card_id: `c${i}`,
        column_id: 'backlog',
        title: `card ${i}`,
        description: description(),
      });
    const pid = child.pid ?? 0;
    const cpu = processCpuMicros(pid);
    const bytes = writtenBytes(pid);
    const lsn = databaseUrl ? walLsn(databaseUrl) : '';
    for (let i = 0; i < ops; i += 1)
      await post(origin, {
        type: 'card.move',
        op_id: `move-${i}`,
        card_id: `c${i % cards}`,
        column_id: i % 2 === 0 ? 'done' : 'backlog',
        index: 0,
      });
    return {
      cpuMicros: (processCpuMicros(pid) - cpu) / ops,
      nodeBytes: (writtenBytes(pid) - bytes) / ops,
      walBytes: databaseUrl ? walBytes(databaseUrl, lsn, walLsn(databaseUrl)) / ops : NaN,
    };
  } finally {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. ` +
    `A board of ${values.kib} KiB, ${ops} card moves, ${values.reps} repetition(s).\n`,
);
const [postgres, redis] = await startPostgresAndRedis();
const samples = new Map<string, Sample[]>();
let databases = 0;
try {
  for (let rep = 0; rep < Number(values.reps); rep += 1)
    for (const [name, root] of builds)
      for (const mode of ['embedded', 'cluster'] as const) {
        process.stderr.write(`board-writes rep ${rep + 1}, ${name}, ${mode}…\n`);
        databases += 1;
        const url =
          mode === 'cluster' ? await postgres.createDatabase(`board_writes_${databases}`) : null;
        const key = `${name}, ${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), await measure(root, url, redis.url)]);
      }
} finally {
  await Promise.all([postgres.stop(), redis.stop()]);
}

const mid = (all: Sample[], key: keyof Sample) => formatNumber(median(all.map((s) => s[key])));
console.log(
  formatTable(
    [
      'build, mode',
      'node µs/op',
      'node bytes written/op',
      'PostgreSQL WAL bytes/op',
      'repetitions',
    ],
    [...samples].map(([key, all]) => [
      key,
      mid(all, 'cpuMicros'),
      mid(all, 'nodeBytes'),
      mid(all, 'walBytes'),
      String(all.length),
    ]),
  ),
);
