import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuMeter, type CpuReading } from '../lib/createCpuMeter.js';
import { processRssBytes } from '../lib/procStats.js';
import { readyLine, spawnNode, stopChild } from '../lib/spawnNode.js';
import type { PeerKind } from '../load/Endpoint.js';
import type { FromWorker, LoadJob, LoadResult, ToWorker } from '../load/LoadJob.js';
import type { PeerReady } from '../peers/peerReady.js';

/** The server gets core 0 and the load generator core 1 (when the machine has two). */
const SERVER_CORE = 0;
const LOAD_CORE = 1;
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

const startServer = async (
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

const nextMessage = (worker: ChildProcess, type: 'ready' | 'done'): Promise<FromWorker> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type !== type && message.type !== 'failed') return;
      cleanup();
      if (message.type === 'failed') reject(new Error(message.error));
      else resolve(message);
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

/**
 * Starts the server (pinned, fresh data dir) and a load generator (pinned to the other core),
 * runs `job`, meters the server's CPU and RSS from `/proc` between `go` and `done`, and stops
 * both by PID whatever happens. Reconnect-storm restarts the server on the same port and data dir.
 */
export async function measureOnce(
  peer: PeerKind,
  makeJob: (port: number) => LoadJob,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-bench-'));
  const children: ChildProcess[] = [];
  try {
    const first = await startServer(peer, { DATA_DIR: dataDir }, options);
    children.push(first.child);
    let server = first.child;
    const job = makeJob(first.ready.port);
    const worker = spawnNode(new URL('../load/loadWorker.ts', import.meta.url), {
      core: LOAD_CORE,
      ipc: true,
    });
    children.push(worker);
    const tell = (message: ToWorker): void => void worker.send(message);
    const ready = nextMessage(worker, 'ready');
    tell({ type: 'job', job });
    await ready;
    const rssBeforeBytes = processRssBytes(first.ready.pid);
    const meter = createCpuMeter(first.ready.pid, [worker.pid ?? 0]);
    const done = nextMessage(worker, 'done');
    tell({ type: 'go' });
    if (job.kind === 'reconnect-storm') {
      await new Promise((resolve) => setTimeout(resolve, BEFORE_RESTART_MS));
      tell({ type: 'mark' });
      await stopChild(server);
      server = (
        await startServer(peer, { DATA_DIR: dataDir, PORT: String(first.ready.port) }, options)
      ).child;
      children.push(server);
    }
    const result = await done;
    const cpu = meter.read();
    const rssAfterBytes = processRssBytes(server.pid ?? 0);
    tell({ type: 'exit' });
    return {
      load: result.type === 'done' ? result.result : {},
      cpu,
      rssBeforeBytes,
      rssAfterBytes,
    };
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
