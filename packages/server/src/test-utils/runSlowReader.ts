import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SLOW_READER = fileURLToPath(new URL('./slowReader.py', import.meta.url));

/** What the slow reader received (see slowReader.py). */
export interface SlowReaderReport {
  /** Clock ticks received. */
  readonly frames: number;
  /** The `timestamp_ms` of every clock tick received, in order. */
  readonly stamps: readonly number[];
  /** The newest tick's `timestamp_ms`, or `null`. */
  readonly last_ts: number | null;
  /** When it started reading again, epoch ms. */
  readonly resumed_at: number;
  /** When it stopped reading, epoch ms. */
  readonly ended_at: number;
  /** The `type` (or `event`) of every text frame, in order. */
  readonly types: readonly (string | null)[];
  /** The code of the close frame it got, or `null`. */
  readonly close: number | null;
}

/**
 * Runs the Python reader on `path`: it connects with a tiny TCP receive buffer (Node cannot shrink
 * one), reads nothing for `pauseS` seconds after the upgrade, then reads for `readS` seconds.
 */
export const runSlowReader = (
  port: number,
  path: string,
  pauseS: number,
  readS: number,
): Promise<SlowReaderReport> =>
  new Promise((resolve, reject) => {
    const child = spawn('python3', [
      SLOW_READER,
      '127.0.0.1',
      String(port),
      path,
      String(pauseS),
      String(readS),
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as SlowReaderReport)
        : reject(new Error(`reader: ${out}`)),
    );
  });
