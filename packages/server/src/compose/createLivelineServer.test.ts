import { readFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { startHostApp } from '../examples/embedInHttpServer.js';
import { ConfigError, LivelineServerError, createLivelineServer } from '../index.js';
import { createLogger, type LogFields } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { rawHttp } from '../reliability/rawHttp.js';
import { openRawWebSocket } from '../test-utils/openRawWebSocket.js';
import {
  attachTestServer,
  connectTestClient,
  onTestCleanup,
  rawRequest,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';

const quiet = () => ({ dataDir: tempDataDir(), logLevel: 'silent' as const, webDir: null });

/** The example host app on port 0, closed after the test; `origin` is where it listens. */
async function startExample(): Promise<
  Awaited<ReturnType<typeof startHostApp>> & { origin: string }
> {
  const app = await startHostApp(0, quiet());
  onTestCleanup(async () => {
    await app.liveline.stop();
    await new Promise((resolve) => app.server.close(resolve));
  });
  return { ...app, origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** The status of a GET of `path` from the server listening on the Unix socket `pipe`. */
const statusOverPipe = (pipe: string, path: string): Promise<number | undefined> =>
  new Promise((resolve, reject) =>
    get({ socketPath: pipe, path }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject),
  );

describe('createLivelineServer', () => {
  it('attach serves the route table beside the host app’s own routes, and stop gives the server back', async () => {
    const app = await startExample();
    expect(app.liveline.state).toBe('listening');
    expect((await rawRequest(app, '/hello')).body).toBe('hello from the host app\n');
    expect((await rawRequest(app, '/health')).json).toMatchObject({ status: 'healthy' });
    expect((await rawRequest(app, '/not-liveline')).status).toBe(404);
    const noUrl = 'GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
    expect((await rawHttp(app.origin, noUrl)).status).toBe(404);
    const clock = await connectTestClient(wsOrigin(app, '/ws/transport/clock'));
    await clock.next((m) => 'playing' in m);

    await app.liveline.stop();
    expect(app.liveline.state).toBe('stopped');
    expect(app.server.listening).toBe(true);
    expect((await rawRequest(app, '/hello')).status).toBe(200);
    const health = await rawRequest(app, '/health');
    expect(health.status).toBe(404);
    expect(health.json).toBeNull();
  });

  it('attach hands upgrades outside the route table to the host’s own upgrade listener', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const hostWss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) =>
      hostWss.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ from: 'host' }))),
    );
    const liveline = await createLivelineServer(quiet());
    liveline.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestCleanup(async () => {
      await liveline.stop();
      hostWss.close();
      await new Promise((resolve) => server.close(resolve));
    });
    const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const host = await connectTestClient(`${origin}/host-ws`);
    expect(await host.next((m) => m.from === 'host')).toEqual({ from: 'host' });
    const clock = await connectTestClient(`${origin}/ws/transport/clock`);
    await clock.next((m) => 'playing' in m);
  });

  it('A1 attach refuses a host server already listening beyond loopback without auth', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    onTestCleanup(() => new Promise((resolve) => server.close(resolve)));
    const liveline = await createLivelineServer(quiet());
    onTestCleanup(() => liveline.stop());
    expect(() => liveline.attach(server)).toThrow(ConfigError);
    expect(() => liveline.attach(server)).toThrow(/^authSecret: refusing to serve 0\.0\.0\.0/);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await rawRequest({ origin }, '/health')).status).toBe(404);
  });

  it('A1 attach refuses a host server already listening on a Unix socket without auth: a proxy in front of it serves anyone', async () => {
    const pipe = join(tempDataDir(), 'host.sock');
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(pipe, resolve));
    onTestCleanup(() => new Promise((resolve) => server.close(resolve)));
    const liveline = await createLivelineServer(quiet());
    onTestCleanup(() => liveline.stop());
    expect(() => liveline.attach(server)).toThrow(ConfigError);
    expect(() => liveline.attach(server)).toThrow(/^authSecret: refusing to serve \/.*host\.sock/);
    expect(await statusOverPipe(pipe, '/health')).toBe(404);
  });

  it('A1 a host server that starts listening on a Unix socket after attach loses Liveline’s routes, and the Liveline stops', async () => {
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (e: string) => errors.push(e) };
    const pipe = join(tempDataDir(), 'host.sock');
    const server = createServer((_req, res) => res.writeHead(404).end());
    const liveline = await createLivelineServer({ ...quiet(), logger });
    onTestCleanup(() => liveline.stop());
    liveline.attach(server);
    await new Promise<void>((resolve) => server.listen(pipe, resolve));
    onTestCleanup(() => new Promise((resolve) => server.close(resolve)));
    expect(await statusOverPipe(pipe, '/health')).toBe(404);
    await vi.waitFor(() => expect(liveline.state).toBe('stopped'));
    expect(errors).toEqual(['server.auth_required']);
  });

  it('A1 a host server that starts listening beyond loopback after attach loses Liveline’s routes, and the Liveline stops', async () => {
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (e: string) => errors.push(e) };
    const hostApp = createServer((_req, res) => res.writeHead(404).end());
    const { liveline, origin } = await attachTestServer(hostApp, { logger }, '0.0.0.0');
    const op = await rawRequest({ origin }, '/api/boards/b1/ops', {
      method: 'POST',
      body: { op_id: 'o1', type: 'card.create', column_id: 'backlog', title: 'x' },
    });
    expect(op.status).toBe(404);
    expect((await rawRequest({ origin }, '/health')).status).toBe(404);
    await vi.waitFor(() => expect(liveline.state).toBe('stopped'));
    expect(errors).toEqual(['server.auth_required']);
    expect((await rawRequest({ origin }, '/health')).status).toBe(404);
  });

  it('A1 a host server that moves from loopback to beyond it answers no Liveline route at once, while Liveline still drains a socket that never answers its close', async () => {
    const hostApp = createServer((_req, res) => res.writeHead(404).end());
    const { liveline, origin } = await attachTestServer(hostApp);
    const held = await openRawWebSocket(origin, '/ws/transport/clock', { Origin: origin });
    const { port } = hostApp.address() as AddressInfo;
    hostApp.close();
    await new Promise<void>((resolve) => hostApp.listen(port, '0.0.0.0', resolve));
    expect((await rawRequest({ origin }, '/health')).status).toBe(404);
    expect(liveline.state).toBe('draining');
    expect((await held.closeFrame).code).toBe(1012);
  });

  it('O3 attached, the Host check allows the host server’s own address, not the host option: a name given as host that the server does not listen on is refused', async () => {
    const hostApp = createServer((_req, res) => res.writeHead(404).end());
    const { origin } = await attachTestServer(hostApp, {
      host: 'liveline.internal',
      authSecret: 'a-secret-of-at-least-thirty-two-bytes!',
    });
    const named = await rawRequest({ origin }, '/health', {
      headers: { Host: 'liveline.internal' },
    });
    expect([named.status, named.json?.error]).toMatchObject([403, { field: 'host' }]);
    expect((await rawRequest({ origin }, '/health')).status).toBe(200);
  });

  it.each([
    ['already listening there', true],
    ['listening there after attach', false],
  ])(
    'A1 host 0.0.0.0 without a secret serves attached to a host server on loopback, %s',
    async (_, listenFirst) => {
      const hostApp = createServer((_req, res) => res.writeHead(404).end());
      const listening = new Promise<void>((resolve) => hostApp.listen(0, '127.0.0.1', resolve));
      if (listenFirst) await listening;
      onTestCleanup(() => new Promise((resolve) => hostApp.close(resolve)));
      const liveline = await createLivelineServer({ ...quiet(), host: '0.0.0.0' });
      onTestCleanup(() => liveline.stop());

      liveline.attach(hostApp);
      await listening;

      const origin = `http://127.0.0.1:${(hostApp.address() as AddressInfo).port}`;
      expect((await rawRequest({ origin }, '/health')).json).toMatchObject({ auth: 'off' });
      expect(liveline.state).toBe('listening');
    },
  );

  it('A1 host 0.0.0.0 without a secret is refused by listen, naming host, and the Liveline ends stopped', async () => {
    const liveline = await createLivelineServer({ ...quiet(), host: '0.0.0.0', port: 0 });
    await expect(liveline.listen()).rejects.toThrow(/^host: refusing to serve 0\.0\.0\.0/);
    expect(liveline.state).toBe('stopped');
  });

  it('A1 attach on a host server beyond loopback serves with insecureNoAuth', async () => {
    const hostApp = createServer((_req, res) => res.writeHead(404).end());
    const { liveline, origin } = await attachTestServer(
      hostApp,
      { insecureNoAuth: true },
      '0.0.0.0',
    );
    expect((await rawRequest({ origin }, '/health')).json).toMatchObject({ auth: 'off' });
    expect(liveline.state).toBe('listening');
  });

  it('an upgrade reset by its client before the domains started does not crash the host', async () => {
    const sqlite = createSqliteStorage(tempDataDir(), createLogger('silent'));
    let restoreMay = (): void => undefined;
    const restoring = new Promise<void>((resolve) => (restoreMay = resolve));
    const storage = {
      ...sqlite,
      listWorkflows: async (...args: Parameters<Storage['listWorkflows']>) => {
        await restoring;
        return sqlite.listWorkflows(...args);
      },
    };
    const hostApp = createServer((_req, res) => res.writeHead(404).end());
    const { origin } = await attachTestServer(hostApp, { storage });
    onTestCleanup(() => sqlite.close());
    onTestCleanup(restoreMay);
    // Added after attach, so Liveline does not take it over: it sees the upgrade Liveline defers.
    const upgraded = new Promise<Duplex>((resolve) =>
      hostApp.once('upgrade', (_r, s) => resolve(s)),
    );
    const { port } = new URL(origin);
    const client = connect(Number(port), '127.0.0.1', () =>
      client.write(
        `GET /ws/transport/clock HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    const socket = await upgraded;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    client.resetAndDestroy();
    await closed;
    restoreMay();
    expect((await rawRequest({ origin }, '/health')).json).toMatchObject({ status: 'healthy' });
  });

  it('the default origin allow-list follows the address the server is bound to', async () => {
    const app = await startExample();
    const port = (app.server.address() as AddressInfo).port;
    const own = await rawRequest(app, '/ws/transport/clock', {
      upgrade: true,
      headers: { Origin: `http://localhost:${port}` },
    });
    expect(own.status).toBe(101);
    const other = await rawRequest(app, '/ws/transport/clock', {
      upgrade: true,
      headers: { Origin: 'http://evil.example' },
    });
    expect(other.status).toBe(403);
  });

  it('the lifecycle goes starting, listening, draining, stopped, and a stopped server cannot attach', async () => {
    const liveline = await createLivelineServer({ ...quiet(), port: 0 });
    expect(liveline.state).toBe('starting');
    const server = await liveline.listen();
    expect(server.state).toBe('listening');
    const client = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const stopped = server.stop();
    expect(server.state).toBe('draining');
    expect(server.stats().status).toBe('draining');
    expect((await client.closed).code).toBe(1012);
    await stopped;
    expect(liveline.state).toBe('stopped');
    let error: unknown = null;
    try {
      liveline.attach(createServer());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LivelineServerError);
    expect(error).toMatchObject({ code: 'lifecycle' });
  });

  it('an injected logger gets every line, and a part without its methods is a ConfigError naming it', async () => {
    const lines: { event: string; fields?: LogFields }[] = [];
    const record = (event: string, fields?: LogFields): void => {
      lines.push({ event, ...(fields && { fields }) });
    };
    const logger = { debug: record, info: record, warn: record, error: record };
    const server = await (await createLivelineServer({ ...quiet(), port: 0, logger })).listen();
    await server.stop();
    expect(lines.map((l) => l.event)).toEqual([
      'server.auth_off',
      'server.started',
      'server.stopped',
    ]);
    await expect(createLivelineServer({ ...quiet(), broker: {} as never })).rejects.toThrow(
      /^broker: expected an object with the methods seed, publish/,
    );
    await expect(
      createLivelineServer({ ...quiet(), stages: { dance: {} } as never }),
    ).rejects.toThrow(ConfigError);
  });

  it('the README shows the tested embedding example as it is', () => {
    const example = readFileSync(
      new URL('../examples/embedInHttpServer.ts', import.meta.url),
      'utf8',
    );
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(example.replace("'../index.js'", "'@liveline/server'"));
  });
});
