import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { onTestCleanup, tempDataDir } from './test-utils/index.js';
import { openRawWebSocket } from './test-utils/openRawWebSocket.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const supervisor = new URL('../../../scripts/lib/superviseServer.mjs', import.meta.url).href;
/** The server bin as spawnBin runs it (tsx as a loader). */
const SERVER_BIN = ['--conditions=@liveline/source', '--import', 'tsx', 'src/main.ts'];

/**
 * `npm start`'s supervisor (scripts/lib/superviseServer.mjs) running `node <args>`, in a process
 * group of its own as a terminal's foreground job is; the group is SIGKILLed after the test.
 */
function supervise(args: readonly string[]) {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { superviseServer } from ${JSON.stringify(supervisor)};
       superviseServer(${JSON.stringify(args)}, { cwd: process.cwd(), env: process.env });`,
    ],
    {
      cwd: packageDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: tempDataDir(),
        LOG_LEVEL: 'warn',
        RENDER_VIDEO: 'false',
      },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  onTestCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await exited;
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { group: -(child.pid ?? 0), exited, output: () => output };
}

describe('npm start (scripts/start.mjs) and its server', () => {
  it('D1 Ctrl-C (SIGINT to the whole job, which start.mjs passes on once more, unless the two coalesce) drains every socket with 1012 and ends with exit 0', async () => {
    const job = supervise(SERVER_BIN);
    const listening = () => /listening on (http:\/\/\S+)/.exec(job.output())?.[1];
    await expect.poll(listening, { timeout: 30_000, interval: 20 }).toMatch(/^http:/);
    // A raw socket answers no close frame, so the drain lasts ws's close timeout (1 s).
    const socket = await openRawWebSocket(listening() ?? '', '/ws/transport/clock');

    process.kill(job.group, 'SIGINT');

    expect(await job.exited).toBe(0);
    expect((await socket.closeFrame).code).toBe(CloseCode.ServiceRestart);
    expect(job.output()).toContain('SIGINT, draining');
  }, 40_000);

  it('a server killed by a signal (an OOM SIGKILL) ends npm start with 128 + its number, as a shell reports it', async () => {
    const job = supervise(['-e', "process.kill(process.pid, 'SIGKILL')"]);
    expect(await job.exited).toBe(137);
  });
});
