import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseCode, healthSchema, parse } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from './test-utils/index.js';
import { SERVER_FLAGS, type ServerFlag } from './config/serverFlags.js';
import { openRawWebSocket } from './test-utils/openRawWebSocket.js';
import { spawnBin, spawnServer } from './test-utils/spawnServer.js';

describe('the liveline-server bin', () => {
  it('D1 SIGTERM drains sockets with 1012 and exits 0', async () => {
    const child = await spawnServer(tempDataDir());
    const client = await connectTestClient(wsOrigin(child, '/ws/transport/clock'));
    child.process.kill('SIGTERM');
    expect((await client.closed).code).toBe(CloseCode.ServiceRestart);
    expect(await child.exited).toBe(0);
  });

  it('D1 a second SIGINT while draining is ignored: every socket still gets 1012 and the server exits 0', async () => {
    const child = await spawnServer(tempDataDir());
    // A raw socket answers no close frame, so the drain lasts ws's close timeout (1 s).
    const socket = await openRawWebSocket(child.origin, '/ws/transport/clock');
    child.process.kill('SIGINT');
    expect((await socket.closeFrame).code).toBe(CloseCode.ServiceRestart);
    child.process.kill('SIGINT');
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('SIGINT while draining, ignored');
  });

  it('a bad flag exits 2 with one clear error line', async () => {
    const bin = spawnBin(tempDataDir(), { args: ['--port', 'eighty'] });
    expect(await bin.exited).toBe(2);
    expect(bin.output().trim()).toMatch(/^liveline-server: --port: expected a port[^\n]*$/);
  });

  it('A1 a node on loopback without a secret exits 2 behind a trusted proxy or for a non-loopback ALLOWED_HOSTS name, and serves with the waiver', async () => {
    const refused = async (env: Record<string, string>) => {
      const bin = spawnBin(tempDataDir(), { env });
      expect(await bin.exited).toBe(2);
      return bin.output().trim();
    };
    expect(await refused({ TRUSTED_PROXIES: '127.0.0.1' })).toMatch(
      /^liveline-server: TRUSTED_PROXIES: refusing to serve behind a proxy without auth[^\n]*LIVELINE_AUTH_SECRET[^\n]*$/,
    );
    expect(await refused({ ALLOWED_HOSTS: 'localhost,live.example.com' })).toMatch(
      /^liveline-server: ALLOWED_HOSTS: refusing to accept the host live\.example\.com without auth[^\n]*$/,
    );
    const waived = await spawnServer(tempDataDir(), {
      env: { TRUSTED_PROXIES: '127.0.0.1', LIVELINE_INSECURE_NO_AUTH: '1' },
    });
    expect((await rawRequest(waived, '/health')).json).toMatchObject({ auth: 'off' });
  });

  it('an option out of range exits 2 naming the variable or flag the operator set, not its name in the API', async () => {
    const refused = async (options: { env?: Record<string, string>; args?: string[] }) => {
      const bin = spawnBin(tempDataDir(), options);
      expect(await bin.exited).toBe(2);
      return bin.output().trim();
    };
    expect(await refused({ env: { WORKFLOW_LEASE_MS: '50' } })).toBe(
      'liveline-server: WORKFLOW_LEASE_MS: expected a value from 100 to 3600000',
    );
    expect(await refused({ args: ['--host', '0.0.0.0'], env: { HOST: '127.0.0.1' } })).toMatch(
      /^liveline-server: --host: refusing to serve 0\.0\.0\.0 without auth[^\n]*$/,
    );
  });

  it.each(['--help', '-h'])(
    '%s prints every flag with its environment variable and default, and exits 0',
    async (flag) => {
      const bin = spawnBin(tempDataDir(), { args: ['--port', '1', flag] });
      expect(await bin.exited).toBe(0);
      const output = bin.output();
      expect(output).toMatch(/^Usage: liveline-server/);
      for (const [name, spec] of Object.entries(SERVER_FLAGS) as [string, ServerFlag][]) {
        expect(output).toContain(`${name}${spec.value && ` ${spec.value}`}\n`);
        expect(output).toContain(`env ${spec.env}, default: ${spec.fallback}`);
      }
      expect(output).toContain('default: 8000');
      expect(output).not.toContain('listening');
    },
  );

  // Two node starts (each about 2 s of CPU loading modules, several times that on a busy machine)
  // and a whole run: more than the 20 s default once the machine is loaded.
  it('W4 kill -9 mid-workflow and mid-board-edit loses nothing acknowledged, and the run resumes to completion', async () => {
    const dataDir = tempDataDir();
    // Stages of 200 ms instead of 1.5 s: the kill still lands in the run's first of six stages, and
    // a watcher resuming from seq 1 is replayed whatever the second node did before it joined.
    const spawn = () => spawnServer(dataDir, { env: { STAGE_DURATION_MS: '200' } });
    const first = await spawn();
    const board = await connectTestClient(wsOrigin(first, '/ws/connect?board_id=w4'));
    const snapshot = await board.next('snapshot');
    for (let i = 0; i < 20; i += 1)
      board.send({ type: 'card.create', op_id: `k${i}`, column_id: 'backlog', title: `card ${i}` });
    await board.next(() => board.messages.filter((m) => m.type === 'ack').length === 20);
    const lastSeen = Math.max(
      ...board.messages.map((m) => (typeof m.seq === 'number' ? m.seq : 0)),
    );
    const watcher = await connectTestClient(wsOrigin(first, '/ws/workflow/w4'));
    await rawRequest(first, '/api/workflows', {
      body: { mode: 'idea', input: 'A robot learns to paint. It paints the sea.', id: 'w4' },
    });
    await watcher.next('stage.started');
    first.process.kill('SIGKILL');
    await first.exited;

    const second = await spawn();
    const cards = await rawRequest(second, '/api/boards/w4');
    expect((cards.json?.board as { cards: unknown[] }).cards).toHaveLength(20);
    const back = await connectTestClient(
      wsOrigin(second, `/ws/connect?board_id=w4&epoch=${String(snapshot.epoch)}&seq=${lastSeen}`),
    );
    expect(await back.next((m) => m.type === 'resumed' || m.type === 'snapshot')).toMatchObject({
      type: 'resumed',
      seq: lastSeen,
    });
    const resumedWatcher = await connectTestClient(
      wsOrigin(
        second,
        `/ws/workflow/w4?epoch=${String(watcher.messages.find((m) => m.type === 'snapshot')?.epoch)}&seq=1`,
      ),
    );
    await resumedWatcher.next('resumed');
    expect(dataOf(await resumedWatcher.next('workflow.resumed')).workflow_id).toBe('w4');
    await resumedWatcher.next('workflow.completed', 15_000);
    const workflow = await rawRequest(second, '/api/workflows/w4');
    expect(workflow.json).toMatchObject({ workflow: { status: 'completed' } });
  }, 45_000);
});

describe('/health', () => {
  it('S1 /health has the seed fields first, matches healthSchema with per-route counters and says draining while stopping', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await client.next((m) => 'playing' in m);
    const res = await rawRequest(server, '/health');
    expect(res.status).toBe(200);
    // The seed document's fields come first, in its order (PROTOCOL.md S1).
    expect(Object.keys(res.json ?? {}).slice(0, 4)).toEqual([
      'status',
      'version',
      'timestamp',
      'database',
    ]);
    const health = parse(healthSchema, res.json);
    expect(health.ok && health.value).toMatchObject({
      status: 'healthy',
      database: 'connected',
      database_error: null,
      protocol_version: 1,
    });
    expect(health.ok && health.value.routes.clock).toMatchObject({ connections: 1, rooms: 1 });
    const routes = await rawRequest(server, '/api/routes');
    expect((routes.json?.routes as unknown[]).length).toBeGreaterThan(10);
    // Until this client reads again it cannot answer its 1012, so the server is still draining.
    client.ws.pause();
    const stopped = server.stop();
    const draining = await rawRequest(server, '/health');
    expect(draining.status).toBe(503);
    expect(draining.json).toMatchObject({ status: 'draining' });
    client.ws.resume();
    await stopped;
  });

  it('S2 an unusable data directory is reported as a degraded database and refuses writes, not a crash', async () => {
    const notADirectory = join(tempDataDir(), 'file');
    writeFileSync(notADirectory, 'not a directory');
    const server = await startTestServer({ dataDir: join(notADirectory, 'data') });
    const res = await rawRequest(server, '/health');
    expect(res.json).toMatchObject({
      status: 'degraded',
      database: 'error',
      database_error: expect.stringContaining('cannot open database') as string,
    });
    // Nothing may be acknowledged that a restart would lose: writes are refused, not kept in memory.
    const op = await rawRequest(server, '/api/boards/lost/ops', {
      body: { type: 'card.create', op_id: 's2-op', column_id: 'backlog', title: 'kept?' },
    });
    expect(op.status).toBe(503);
  });
});
