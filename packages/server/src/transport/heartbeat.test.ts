import { describe, expect, it } from 'vitest';
import { connectTestClient, startTestServer, wsOrigin } from '../test-utils/index.js';

describe('heartbeats', () => {
  it('H1 only a connection with nothing sent for the interval gets a heartbeat: a clock listener, sent a tick every 33 ms, gets none', async () => {
    const server = await startTestServer({ heartbeatIntervalMs: 400 });
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const quiet = await connectTestClient(wsOrigin(server, '/ws/workflow/quiet'));
    const beats = (client: typeof quiet) => client.messages.filter((m) => m.type === 'heartbeat');
    await quiet.next(() => beats(quiet).length === 2, 10_000);
    expect(beats(clock)).toEqual([]);
    expect(clock.messages.length).toBeGreaterThan(20);
  });
});
