import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';

describe('the Idea2Video routes', () => {
  it('K3 AG1 an unknown agent whose name is 64 characters is closed with 4404 and a reason cut to 123 bytes', async () => {
    const server = await startTestServer();
    const name = 'n'.repeat(64);
    const client = await connectTestClient(wsOrigin(server, `/ws/agent/${name}`));
    const { code, reason } = await client.closed;
    expect(code).toBe(CloseCode.NotFound);
    // The whole reason (the name, then the list of agents) is longer than a close frame holds.
    expect(reason).toMatch(new RegExp(`^agent "${name}" does not exist; agents: screenwriter`));
    expect(Buffer.byteLength(reason)).toBe(123);
  });

  it('S3 W1 a run start while storage cannot be read gets 503 unavailable, with or without an id, logs no error, and the same start is stored once storage recovers', async () => {
    const storage = createFailingStorage();
    const errors: unknown[] = [];
    const logger = createLogger('error', (line) => errors.push(JSON.parse(line)));
    const server = await startTestServer({ storage, logger });
    const start = { mode: 'idea', input: 'A boat. A storm. A harbour.', id: 'kept' };
    storage.failReads('bad sector');

    for (const body of [start, { mode: 'idea', input: start.input }]) {
      const refused = await rawRequest(server, '/api/workflows', { body });
      expect(refused.status).toBe(503);
      expect(refused.json).toEqual({
        error: {
          code: 'unavailable',
          message: 'storage unavailable: error',
          field: null,
        },
      });
    }
    expect(errors).toEqual([]);

    storage.recover();
    expect((await rawRequest(server, '/api/workflows', { body: start })).status).toBe(201);
  });

  it('S3 on the workflow routes only a storage failure is 503 unavailable: a fault of the server is 500 internal, logged once as http.failed, its message kept from the client', async () => {
    const storage = createFailingStorage();
    const errors: unknown[] = [];
    const logger = createLogger('error', (line) => errors.push(JSON.parse(line)));
    const server = await startTestServer({ storage, logger });
    const requests: [string, { method?: string; body?: unknown }][] = [
      ['/api/workflows', { body: { mode: 'idea', input: 'A boat. A storm.', id: 'kept' } }],
      ['/api/workflows', {}],
      ['/api/workflows/kept', {}],
      ['/api/workflows/kept/cancel', { method: 'POST' }],
    ];

    storage.failReads('bad sector');
    for (const [path, options] of requests) {
      const refused = await rawRequest(server, path, options);
      expect(refused.status, path).toBe(503);
      expect(refused.json, path).toMatchObject({ error: { code: 'unavailable' } });
    }
    expect(errors).toEqual([]);

    storage.breakReads(new TypeError('row.value is not a function'));
    for (const [path, options] of requests) {
      const failed = await rawRequest(server, path, options);
      expect(failed.status, path).toBe(500);
      expect(failed.json, path).toMatchObject({
        error: { code: 'internal', message: 'internal server error' },
      });
    }
    expect(errors).toMatchObject(
      requests.map(([path]) => ({
        event: 'http.failed',
        path,
        error: 'row.value is not a function',
      })),
    );
  });
});
