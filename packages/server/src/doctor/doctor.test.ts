import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WS_ROUTE_NAMES, routes } from '@liveline/protocol';
import { createServer as createViteServer, type ProxyOptions } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type LivelineServer } from '../index.js';
import { runCli } from '../test-utils/runCli.js';
import { runDoctor, samplePath, type DoctorCheck, type DoctorReport } from './doctor.js';

/** Short deadline for the scenarios where something hangs: the test waits about one deadline. */
const HANG_TIMEOUT_MS = 1000;
const WS_CHECKS = WS_ROUTE_NAMES.length;
/** A self-signed certificate for 127.0.0.1 (test-utils/tls/README.md). */
const TEST_CERT = fileURLToPath(new URL('../test-utils/tls/localhost.crt', import.meta.url));
const TEST_KEY = fileURLToPath(new URL('../test-utils/tls/localhost.key', import.meta.url));

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const tempDir = async (prefix: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** Listens on port 0 and registers a cleanup that also drops upgraded sockets. */
const listen = async (server: Server | HttpsServer): Promise<string> => {
  const sockets = new Set<Duplex>();
  server.on('connection', (s: Duplex) => sockets.add(s));
  server.on('upgrade', (_req, s: Duplex) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const startLiveline = async (host = '127.0.0.1'): Promise<LivelineServer> => {
  const dataDir = await tempDir('liveline-doctor-data-');
  const server = await startServer({ port: 0, host, dataDir, logLevel: 'silent' });
  cleanups.push(() => server.stop());
  return server;
};

/**
 * The real server behind a tiny proxy that forwards everything byte for byte. With `missingPath`
 * it answers that WebSocket path with Liveline's 404 JSON, as a server without that route would;
 * with `tls` it terminates TLS with the test certificate, as a reverse proxy in front of the server.
 */
const startProxy = async (
  target: string,
  { missingPath, tls = false }: { missingPath?: string; tls?: boolean },
): Promise<string> => {
  const { hostname, port } = new URL(target);
  const forward: Parameters<typeof createHttpServer>[1] = (req, res) => {
    const upstream = request(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const proxy = tls
    ? createHttpsServer({ cert: readFileSync(TEST_CERT), key: readFileSync(TEST_KEY) }, forward)
    : createHttpServer(forward);
  proxy.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === missingPath) {
      const body = JSON.stringify({
        error: { code: 'not_found', message: `no WebSocket route at ${path}`, field: null },
        path,
        websocket_routes: WS_ROUTE_NAMES.map((n) => routes[n].path).filter((p) => p !== path),
      });
      socket.end(
        `HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const upstream = connect(Number(port), hostname, () => {
      const headers = req.rawHeaders.map((v, i) => (i % 2 ? `${v}\r\n` : `${v}: `)).join('');
      upstream.write(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headers}\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  return listen(proxy);
};

/** A Starlette/uvicorn-style server: every upgrade gets an empty 403, every GET a JSON 404. */
const startEmpty403Server = (): Promise<string> => {
  const server = createHttpServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
  });
  server.on('upgrade', (_req, socket: Duplex) => {
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  return listen(server);
};

/** A Vite dev server with the app's proxy table, WebSocket forwarding on or off, `/api` in it or not. */
const startVite = async (target: string, ws: boolean, api = true): Promise<string> => {
  const root = await tempDir('liveline-doctor-vite-');
  await writeFile(join(root, 'index.html'), '<!doctype html><title>dev</title>');
  const backend: ProxyOptions = { target, changeOrigin: false };
  const vite = await createViteServer({
    root,
    configFile: false,
    logLevel: 'silent',
    clearScreen: false,
    server: {
      port: 0,
      host: '127.0.0.1',
      proxy: {
        '^/ws(?:[/?]|$)': { ...backend, ws },
        ...(api && { '^/api(?:[/?]|$)': backend }),
        '^/health(?:[/?]|$)': backend,
      },
    },
  });
  cleanups.push(() => vite.close());
  await vite.listen();
  return `http://127.0.0.1:${(vite.httpServer?.address() as AddressInfo).port}`;
};

/** A port that was just listening and is now closed. */
const stoppedServer = async (): Promise<string> => {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
};

const ws = (report: DoctorReport, target: 'direct' | 'via'): DoctorCheck[] =>
  report.checks.filter((c) => c.kind === 'ws' && c.target === target);
const find = (report: DoctorReport, route: string, target = 'direct'): DoctorCheck | undefined =>
  report.checks.find((c) => c.route === route && c.target === target);

describe('liveline doctor against real servers', () => {
  it('reports every route of the Liveline server working, with health and first-message times', async () => {
    const server = await startLiveline();

    const report = await runDoctor({ server: server.origin });

    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
    expect(find(report, 'health')?.detail).toMatch(/database connected/);
    for (const check of ws(report, 'direct')) {
      expect(check.status).toBe('101');
      expect(check.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('checks a server on IPv6 loopback by its bracketed address', async () => {
    const server = await startLiveline('::1');
    expect(server.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);

    const report = await runDoctor({ server: server.origin });

    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
  });

  it('names the route a server lacks (404 with Liveline JSON) and lists what it serves', async () => {
    const server = await startLiveline();
    const missing = samplePath('clock');
    const withoutClock = await startProxy(server.origin, { missingPath: missing });

    const report = await runDoctor({ server: withoutClock });

    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.route)).toEqual(['clock']);
    expect(find(report, 'clock')).toMatchObject({ status: '404', path: missing });
    expect(find(report, 'clock')?.cause).toMatch(
      /route not served by this server; it serves \/ws\/workflow\/:id, .*\/ws\/transport(?!\/clock)/,
    );
  });

  it('explains an empty 403 as a Starlette/uvicorn-style refusal before accept', async () => {
    const url = await startEmpty403Server();

    const report = await runDoctor({ server: url });

    expect(report.ok).toBe(false);
    expect(ws(report, 'direct')).toHaveLength(WS_CHECKS);
    for (const check of ws(report, 'direct')) {
      expect(check.status).toBe('403');
      expect(check.cause).toMatch(
        /closed before accepting.*unregistered WebSocket route.*Starlette\/uvicorn/,
      );
    }
    expect(find(report, 'health')?.cause).toMatch(/not a Liveline server/);
  });

  it('reports "works direct, not via the proxy" for a Vite proxy without ws: true', async () => {
    const server = await startLiveline();
    const vite = await startVite(server.origin, false);

    const report = await runDoctor({
      server: server.origin,
      via: vite,
      timeoutMs: HANG_TIMEOUT_MS,
    });

    expect(report.ok).toBe(false);
    expect(ws(report, 'direct').every((c) => c.ok)).toBe(true);
    expect(find(report, 'health', 'via')?.ok).toBe(true);
    expect(ws(report, 'via')).toHaveLength(WS_CHECKS);
    for (const check of ws(report, 'via')) {
      expect(check.status).toBe('timeout');
      expect(check.cause).toMatch(/^works direct, not via the proxy: .*`ws: true` missing/);
    }
  });

  it('reports every route green through a Vite proxy with ws: true', async () => {
    const server = await startLiveline();
    const vite = await startVite(server.origin, true);

    // The server's own origin is on its default allow-list; the dev page's random port is not.
    const report = await runDoctor({ server: server.origin, via: vite, origin: server.origin });

    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    // Through the proxy, the route list too.
    expect(report.checks).toHaveLength(2 * (1 + WS_CHECKS) + 1);
  });

  it('reports "works direct, not via the proxy" for GET /api/routes through a Vite proxy without an /api entry', async () => {
    const server = await startLiveline();
    const vite = await startVite(server.origin, true, false);

    const report = await runDoctor({ server: server.origin, via: vite, origin: server.origin });

    expect(report.ok).toBe(false);
    const failing = report.checks.filter((c) => !c.ok);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ route: 'routeList', target: 'via' });
    expect(failing[0]?.cause).toMatch(
      /^works direct, not via the proxy: the proxy does not forward \/api\/routes to the server .*through the proxy it answered \d{3}/,
    );
  });

  it("through the proxy sends the dev page's origin, and explains the server's JSON 403", async () => {
    const server = await startLiveline();
    const vite = await startVite(server.origin, true);

    const report = await runDoctor({ server: server.origin, via: vite });

    expect(ws(report, 'direct').every((c) => c.ok)).toBe(true);
    expect(ws(report, 'via')).toHaveLength(WS_CHECKS);
    for (const check of ws(report, 'via')) {
      expect(check).toMatchObject({ status: '403', origin: vite });
      expect(check.cause).toContain(
        `origin ${vite} is not allowed: add it to the server's ALLOWED_ORIGINS`,
      );
    }
  });

  it('explains a TLS certificate it does not trust, and how to trust it', async () => {
    const server = await startLiveline();
    const https = await startProxy(server.origin, { tls: true });

    const report = await runDoctor({ server: https });

    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
    for (const check of report.checks) {
      expect(check.status).toBe('error');
      expect(check.cause).toMatch(
        /TLS certificate is not trusted \(self-signed certificate\).*NODE_EXTRA_CA_CERTS/,
      );
    }
  });

  it('reports a stopped server as refused, with how to start it', async () => {
    const url = await stoppedServer();

    const report = await runDoctor({ server: url });

    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
    for (const check of report.checks) {
      expect(check.status).toBe('refused');
      expect(check.cause).toMatch(/nothing listening at .*start the server \(`npm start`\)/);
    }
  });
});

describe('the liveline CLI', () => {
  it('doctor --json prints one JSON document and exits 0 against a healthy server', async () => {
    const server = await startLiveline();

    const run = await runCli(['doctor', server.origin, '--json']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report).toMatchObject({ ok: true, server: server.origin, via: null, timeoutMs: 3000 });
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
  });

  it('doctor checks https and wss behind a TLS proxy once its certificate is trusted', async () => {
    const server = await startLiveline();
    const https = await startProxy(server.origin, { tls: true });

    const run = await runCli(['doctor', https, '--json'], { NODE_EXTRA_CA_CERTS: TEST_CERT });

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
    for (const check of ws(report, 'direct')) expect(check.url).toMatch(/^wss:\/\/127\.0\.0\.1:/);
  });

  it('doctor exits non-zero against a refused port and still prints the report', async () => {
    const url = await stoppedServer();

    const run = await runCli(['doctor', url, '--json', '--timeout', String(HANG_TIMEOUT_MS)]);

    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1 + WS_CHECKS);
    expect(report.checks.every((c) => c.status === 'refused')).toBe(true);
  });

  it('an unknown subcommand names it, lists the commands and exits 2', async () => {
    const run = await runCli(['frobnicate']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command: frobnicate[\s\S]*Usage: liveline <command>/);
    for (const command of ['doctor', 'backup', 'token'])
      expect(run.stderr).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toBe('');
  });

  it("--help lists each command once; a command's own --help prints its options", async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/Usage:/g)).toHaveLength(1);
    const doctor = await runCli(['doctor', '--help']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/^Usage: liveline doctor[\s\S]*--timeout <ms>/);
  });
});
