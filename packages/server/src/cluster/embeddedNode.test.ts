import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../test-utils/index.js';

describe('the embedded node', () => {
  it('S1 without DATABASE_URL and REDIS_URL /health says embedded, broker memory, and names the node after its host and pid', async () => {
    const server = await startTestServer();
    const health = await rawRequest(server, '/health');
    expect(health.json).toMatchObject({
      status: 'healthy',
      database: 'connected',
      mode: 'embedded',
      broker: 'memory',
      broker_error: null,
      node: `${hostname()
        .replace(/[^\w.-]/g, '-')
        .slice(0, 50)}-${process.pid}`,
    });
    const named = await startTestServer({ nodeId: 'desk-1' });
    expect((await rawRequest(named, '/health')).json).toMatchObject({ node: 'desk-1' });
  });
});
