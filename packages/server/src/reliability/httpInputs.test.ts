import { connect } from 'node:net';
import { httpErrorSchema, parse } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../test-utils/index.js';
import { rawHttp } from './rawHttp.js';
import { report } from './seededRandom.js';

describe('HTTP API inputs', () => {
  it('P3 F14 oversize bodies, wrong content types, invalid JSON and slow bodies get 4xx JSON', async () => {
    const server = await startTestServer({ handshakeTimeoutMs: 300, requestTimeoutMs: 600 });
    const cases: [string, string, Parameters<typeof rawRequest>[2], number, string][] = [
      [
        'oversize body',
        '/api/workflows',
        { body: JSON.stringify({ mode: 'idea', input: 'x'.repeat(300_000) }) },
        413,
        'invalid_field',
      ],
      [
        'text/plain',
        '/api/workflows',
        { body: '{"mode":"idea","input":"a"}', headers: { 'Content-Type': 'text/plain' } },
        415,
        'not_supported',
      ],
      [
        'form-encoded',
        '/api/boards/b1/ops',
        {
          body: 'type=card.delete',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
        415,
        'not_supported',
      ],
      ['invalid JSON', '/api/workflows', { body: '{"mode":' }, 400, 'bad_json'],
      ['empty body', '/api/transport', { body: '' }, 400, 'bad_json'],
      ['JSON array', '/api/boards/b1/ops', { body: '[1,2]' }, 400, 'invalid_field'],
      [
        'wrong field type',
        '/api/transport',
        { body: { type: 'seek', time_seconds: 'ten' } },
        400,
        'invalid_field',
      ],
      [
        'unknown op type',
        '/api/boards/b1/ops',
        { body: { type: 'card.explode', op_id: 'x1' } },
        400,
        'unknown_type',
      ],
      [
        'deep JSON',
        '/api/transport',
        { body: '['.repeat(100_000) + ']'.repeat(100_000) },
        400,
        'invalid_field',
      ],
      ['bad path param', '/api/workflows/bad%20id', { method: 'GET' }, 400, 'invalid_field'],
    ];
    for (const [what, path, options, status, code] of cases) {
      const res = await rawRequest(server, path, options);
      expect(res.status, what).toBe(status);
      expect(parse(httpErrorSchema, res.json).ok, what).toBe(true);
      expect((res.json?.error as { code: string }).code, what).toBe(code);
    }
    // A body that never finishes is cut off by requestTimeoutMs.
    const started = performance.now();
    const slow = await rawHttp(
      server.origin,
      'POST /api/transport HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ty',
    );
    expect(slow.status).toBe(408);
    expect(parse(httpErrorSchema, slow.json).ok).toBe(true);
    expect((await rawRequest(server, '/health')).status).toBe(200);
    report('F14', {
      cases: cases.length + 1,
      statuses: [...cases.map((c) => c[3]), 408].join('/'),
      slow_body_cut_ms: Math.round(performance.now() - started),
      server_errors: 0,
    });
  });

  it('F14 a client that hangs up in the middle of its body is logged once at debug, not as a server failure', async () => {
    const lines: { level: string; event: string }[] = [];
    const at = (level: string) => (event: string) => void lines.push({ level, event });
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const server = await startTestServer({ logger });
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      'POST /api/transport HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n',
    );
    // Node answers 100 Continue as it hands the request to the handler, which then reads the body.
    await new Promise((resolve) => socket.once('data', resolve));
    socket.write('{"type":');
    socket.resetAndDestroy();
    await expect.poll(() => lines.filter((l) => l.event === 'http.aborted')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.find((l) => l.event === 'http.aborted')?.level).toBe('debug');
  });

  it('P3 a request target that is no URL gets 400 JSON naming the target, not a 500', async () => {
    const server = await startTestServer();
    const res = await rawHttp(
      server.origin,
      'GET http://[::1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'invalid_field', field: 'target' } });
  });

  it('P3 a target that starts with // is that path, not a host and a path: GET //x/health is 404', async () => {
    const server = await startTestServer();
    const res = await rawRequest(server, '//x/health');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'not_found' }, path: '//x/health' });
  });
});
