import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { connectTestClient, startTestServer, wsOrigin } from '../test-utils/index.js';

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
});
