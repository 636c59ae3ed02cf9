import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuMeter, type CpuReading } from '../lib/createCpuMeter.js';
import { processRssBytes } from '../lib/procStats.js';
import { recordHandshakes } from '../lib/recordHandshakes.js';
import { readyLine, spawnNode, stopChild } from '../lib/spawnNode.js';
import type { PeerKind } from '../load/Endpoint.js';
import type { FromWorker, JobOutput, LoadJob, LoadResult, ToWorker } from '../load/LoadJob.js';
import { epochNow } from '../peers/createClockState.js';
import type { PeerReady } from '../peers/peerReady.js';
import { summarizeStorm } from './summarizeStorm.js';

/** The server gets core 0 and the load generators core 1 (when the machine has two). */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;
const READY_TIMEOUT_MS = 30_000;
/** Reconnect-storm: steady publishing before the restart, in ms. */
const BEFORE_RESTART_MS = 1_000;

/** One run of one job against one server. */
export interface Measurement {
  readonly load: LoadResult;
  readonly cpu: CpuReading;
  /** Server RSS when the generator finished setting up, and when its job finished, in bytes. */
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
}

/** Options of {@link measureOnce}. */
export interface MeasureOptions {
  /** Writes a `.cpuprofile` of the server into this directory. */
  readonly cpuProfDir?: string;
}

const peerFile = (peer: PeerKind): URL => new URL(`../peers/${peer}.ts`, import.meta.url);

/** Starts `peer`'s server, pinned to the server core, and waits for its ready line. */
export const startServer = async (
  peer: PeerKind,
  env: Record<string, string>,
  options: MeasureOptions,
): Promise<{ child: ChildProcess; ready: PeerReady }> => {
  const child = spawnNode(peerFile(peer), {
    core: SERVER_CORE,
    env,
    // The servers run built code, as in production; only the bench's own files go through tsx.
    fromSource: false,
    nodeFlags: options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [],
  });
  try {
    return { child, ready: await readyLine<PeerReady>(child, READY_TIMEOUT_MS) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
};

/** The generator's next `type` message; rejects on `failed` or its exit. */
export const nextMessage = <T extends 'ready' | 'done'>(
  worker: ChildProcess,
  type: T,
): Promise<Extract<FromWorker, { type: T }>> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type !== type && message.type !== 'failed') return;
      cleanup();
      if (message.type === 'failed') reject(new Error(message.error));
      else resolve(message as Extract<FromWorker, { type: T }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`load generator exited (${code ?? 'signal'})`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });

/** Tells every worker `all-back` once each of them said `back` (reconnect-storm shards). */
const relayAllBack = (workers: readonly ChildProcess[]): void => {
  let pending = workers.length;
  for (const worker of workers) {
    const onMessage = (message: FromWorker): void => {
      if (message.type !== 'back') return;
      worker.off('message', onMessage);
      pending -= 1;
      if (pending === 0) for (const w of workers) w.send({ type: 'all-back' } satisfies ToWorker);
    };
    worker.on('message', onMessage);
  }
};

/** The restart of a reconnect storm: when it began, and the handshakes that arrived after it. */
interface Restart {
  readonly markedAt: number;
  readonly handshakes: readonly number[];
}

/** One generator's numbers as they are, or the storm's shards merged. */
const combine = (outputs: readonly JobOutput[], restart: Restart | null): LoadResult => {
  const [first] = outputs;
  if (outputs.length === 1 && first?.kind === 'numbers') return first.result;
  const shards = outputs.flatMap((o) => (o.kind === 'storm-shard' ? [o.shard] : []));
  if (shards.length !== outputs.length || !restart)
    throw new Error('generators reported different kinds');
  return summarizeStorm(shards, restart.markedAt, restart.handshakes);
};

/**
 * Starts the server (pinned, fresh data dir) and one load generator per job (all pinned to the
 * other core), runs the jobs, meters the server's CPU and RSS from `/proc` between `go` and
 * `done`, and stops them all by PID whatever happens. Reconnect-storm restarts the server on the
 * same port and data dir.
 */
export async function measureOnce(
  peer: PeerKind,
  makeJobs: (port: number) => readonly LoadJob[],
  options: MeasureOptions = {},
): Promise<Measurement> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-bench-'));
  const children: ChildProcess[] = [];
  try {
    const first = await startServer(peer, { DATA_DIR: dataDir }, options);
    children.push(first.child);
    let server = first.child;
    const jobs = makeJobs(first.ready.port);
    const workers = jobs.map((job) => {
      const worker = spawnNode(new URL('../load/loadWorker.ts', import.meta.url), {
        core: LOAD_CORE,
        ipc: true,
      });
      children.push(worker);
      worker.send({ type: 'job', job } satisfies ToWorker);
      return worker;
    });
    const tell = (message: ToWorker): void => {
      for (const worker of workers) worker.send(message);
    };
    await Promise.all(workers.map((worker) => nextMessage(worker, 'ready')));
    relayAllBack(workers);
    const rssBeforeBytes = processRssBytes(first.ready.pid);
    const meter = createCpuMeter(
      first.ready.pid,
      workers.map((worker) => worker.pid ?? 0),
    );
    const done = Promise.all(workers.map((worker) => nextMessage(worker, 'done')));
    tell({ type: 'go' });
    let restart: { markedAt: number; stop: () => number[] } | null = null;
    if (jobs.some((job) => job.kind === 'reconnect-storm')) {
      await new Promise((resolve) => setTimeout(resolve, BEFORE_RESTART_MS));
      restart = { markedAt: epochNow(), ...recordHandshakes() };
      tell({ type: 'mark' });
      await stopChild(server);
      server = (
        await startServer(peer, { DATA_DIR: dataDir, PORT: String(first.ready.port) }, options)
      ).child;
      children.push(server);
    }
    const outputs = (await done).map((message) => message.output);
    const storm = restart && { markedAt: restart.markedAt, handshakes: restart.stop() };
    const cpu = meter.read();
    const rssAfterBytes = processRssBytes(server.pid ?? 0);
    tell({ type: 'exit' });
    return {
      load: combine(outputs, storm),
      cpu,
      rssBeforeBytes,
      rssAfterBytes,
    };
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
