import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../http/readJsonBody.js';
import { rawRequest, startTestServer } from '../test-utils/index.js';

describe('HTTP handler failures', () => {
  it('P3 a reply that fails after the body read stopped at the size limit is a 500 JSON and one http.failed line; the server keeps serving', async () => {
    const events: string[] = [];
    const record = (event: string): void => void events.push(event);
    // The injected failure: the log refuses the 413's line, thrown while that reply is made.
    const warn = (event: string): void => {
      if (event === 'http.bad_request') throw new Error('log sink failed');
      record(event);
    };
    const server = await startTestServer({
      logger: { debug: record, info: record, warn, error: record },
    });
    const res = await rawRequest(server, '/api/transport', {
      body: JSON.stringify({ type: 'play', pad: 'x'.repeat(MAX_BODY_BYTES) }),
    });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ error: { code: 'internal' } });
    expect(events.filter((e) => e === 'http.failed')).toHaveLength(1);
    expect((await rawRequest(server, '/health')).status).toBe(200);
  });
});
