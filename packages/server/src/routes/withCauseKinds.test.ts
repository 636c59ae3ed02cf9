import { PROTOCOL_VERSION, healthSchema, parse, type Health } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { rawRequest, startTestServer } from '../test-utils/index.js';
import { withCauseKinds } from './withCauseKinds.js';

const SECRET = 'health-test-secret-of-32-bytes-or-more';
const RAW = 'connect ECONNREFUSED db.internal:5432 (postgres://liveline@db.internal/liveline)';

/** `/health`'s database_error as `headers` get it. */
const databaseError = async (server: { origin: string }, headers: Record<string, string> = {}) => {
  const health = parse(healthSchema, (await rawRequest(server, '/health', { headers })).json);
  return health.ok ? health.value.database_error : health.error.message;
};

describe("/health's error texts", () => {
  it('S2 with auth on, a caller without the operators’ grant gets the kind of a failure (also one watching the agents, monitor:*:read), one with server:*:read its text', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage, authSecret: SECRET });
    storage.failWrites(RAW);
    const bearer = async (scope: string) => ({
      Authorization: `Bearer ${await mintToken(SECRET, { sub: 'u', scope, ttlSeconds: 60 })}`,
    });

    expect(await databaseError(server)).toBe('connection refused');
    expect(await databaseError(server, await bearer('board:*:write'))).toBe('connection refused');
    expect(await databaseError(server, await bearer('monitor:*:read'))).toBe('connection refused');
    expect(await databaseError(server, await bearer('server:*:read'))).toBe(`write failed: ${RAW}`);
    const forged = await rawRequest(server, '/health', { headers: { Authorization: 'Bearer x' } });
    expect(forged.status).toBe(401);
  });

  it('S2 with auth off, /health gives the whole text, as the seeds’ checks read it', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    storage.failWrites(RAW);
    expect(await databaseError(server)).toBe(`write failed: ${RAW}`);
  });

  it('S2 a broker error keeps its engine’s name and loses the rest', () => {
    const health: Health = {
      status: 'degraded',
      version: '0.1.0',
      timestamp: '2026-12-07T00:00:00.000Z',
      database: 'connected',
      database_error: null,
      uptime_seconds: 1,
      protocol_version: PROTOCOL_VERSION,
      routes: {},
      broker: 'error',
      broker_error: 'redis: connect ECONNREFUSED 10.0.0.5:6379',
    };
    expect(withCauseKinds(health)).toMatchObject({
      database_error: null,
      broker_error: 'redis: connection refused',
    });
  });
});
