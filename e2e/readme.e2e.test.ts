import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, tempDataDir, type ServerProcess } from './support/liveline';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Processes {@link shell} started with `until`, stopped after each test by their process group. */
const streaming = new Set<ChildProcess>();
const stopGroup = (child: ChildProcess): void => {
  streaming.delete(child);
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
    process.kill(-child.pid, 'SIGTERM');
};
afterEach(() => streaming.forEach(stopGroup));

/**
 * Runs a README line through a shell in the repository root, as a reader pastes it. A line that
 * streams until stopped (curl -N, wscat) is given `until`: its standard input is held open, as a
 * terminal's, until its standard output matches; then it is stopped with the processes it started
 * (npx starts wscat).
 */
const shell = (line: string, options: { env?: NodeJS.ProcessEnv; until?: RegExp } = {}) =>
  new Promise<{ code: number | null; output: string; stdout: string }>((resolve) => {
    const child = spawn('sh', ['-c', line], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: 'pipe',
      detached: options.until !== undefined,
    });
    if (options.until) streaming.add(child);
    else child.stdin.end();
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('latin1');
      stdout += chunk.toString('latin1');
      if (options.until?.test(stdout)) stopGroup(child);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => resolve({ code, output, stdout }));
  });

it('(8) the README never says `pnpm doctor`, which runs pnpm’s own doctor', () => {
  const bare = README.split('\n').filter((line) => /\bpnpm doctor\b/.test(line));
  expect(bare).toEqual([]);
});

it('(8) the README’s doctor line, as written, fails against a port nobody listens on', async () => {
  const line = /^pnpm run doctor http:\/\/127\.0\.0\.1:8000$/m.exec(README)?.[0];
  expect(line).toBeDefined();
  // Port 1 on loopback: nothing listens there, so every check must fail with "refused".
  const { code, output } = await shell(line!.replace(':8000', ':1'));
  expect(code).not.toBe(0);
  expect(output).toMatch(/nothing is listening|ECONNREFUSED|refused/i);
});

it('(8) the README’s token line, as written, mints a token with the secret from the environment', async () => {
  const line = /^pnpm run token .*$/m.exec(README)?.[0];
  expect(line).toBeDefined();
  const { code, output } = await shell(line!, { env: { LIVELINE_AUTH_SECRET: 'x'.repeat(32) } });
  expect(code).toBe(0);
  const token = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(output)?.[0] ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub?: string;
    name?: string;
    scope?: string;
    aud?: string;
  };
  expect(claims).toMatchObject({
    sub: 'alice',
    name: 'Alice',
    scope: 'board:*:write transport:*:control',
    aud: 'liveline',
  });
});

it('(8) the README’s `npm start -- --help`, as written, lists the server’s flags and exits 0', async () => {
  expect(README).toContain('`npm start -- --help`');
  const { code, output } = await shell('npm start -- --help');
  expect(code).toBe(0);
  expect(output).toMatch(/--port\b/);
  expect(output).toMatch(/--data-dir\b/);
}, 240_000);

/** The commands of the README's block of checks from the original documents, as written. */
const seedChecks = (): string[] => {
  const from = README.indexOf('The checks from the original documents');
  const block = /```bash\n([\s\S]*?)```/.exec(README.slice(from))?.[1] ?? '';
  // A line ending in a backslash goes on to the next, as the shell reads it.
  return block.split(/(?<!\\)\n/).filter((line) => line.trim() !== '');
};

describe('the checks from the original documents, run as the README writes them', () => {
  let server: ServerProcess;
  const data = tempDataDir();
  /** A line of the block on the test server's port. */
  const onServer = (line: string) => line.replaceAll('localhost:8000', `localhost:${server.port}`);

  beforeAll(async () => {
    server = await startServer(0, data.dir);
  });
  afterAll(async () => {
    await server.stop();
    data.remove();
  });

  it('the block is the seed documents’ four checks: /health, the DAW and Kanban curl upgrades and wscat', () => {
    const lines = seedChecks();
    expect(lines.map((line) => /^\S+ \S+/.exec(line)?.[0])).toEqual([
      'curl http://localhost:8000/health',
      'curl -i',
      'curl -i',
      'npx wscat',
    ]);
    expect(lines.every((line) => line.includes('localhost:8000/'))).toBe(true);
  });

  it('S1 curl /health answers the fields the documents show', async () => {
    const { code, stdout } = await shell(onServer(seedChecks()[0] ?? ''));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'healthy',
      version: expect.any(String) as string,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      database: 'connected',
    });
  });

  it('P3 C1 the DAW document’s curl, with neither key nor version, gets 101 with an Accept and the clock’s frames', async () => {
    const { stdout: output } = await shell(onServer(seedChecks()[1] ?? ''), {
      until: /"timestamp_ms":\d+\}/,
    });
    expect(output).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(output).toMatch(/\r\nSec-WebSocket-Accept: [+/0-9A-Za-z]{27}=\r\n/);
    expect(output).toMatch(/\{"playing":false,"time_seconds":0,.*"timestamp_ms":\d+\}/);
  });

  it('B0 the Kanban document’s curl gets 101 with its Accept and the greeting', async () => {
    const { stdout: output } = await shell(onServer(seedChecks()[2] ?? ''), {
      until: /"server_time":"[^"]+"\}\}/,
    });
    expect(output).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(output).toContain('\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(output).toMatch(
      /\{"event":"connected","data":\{"client_id":"client_\d+\.\d+","message":"Connected to Agent Kanban Board WebSocket","board_id":null,"server_time":"[^"]+"\}\}/,
    );
  });

  it('C1 npx wscat, from the repository’s devDependencies, prints the clock’s ticks', async () => {
    const { output, stdout } = await shell(onServer(seedChecks()[3] ?? ''), {
      until: /"timestamp_ms":\d+\}\n/,
    });
    expect(output).not.toMatch(/npx canceled|need to install/i);
    expect(stdout).toMatch(/^\{"playing":false,"time_seconds":0,.*"timestamp_ms":\d+\}$/m);
  });
});
