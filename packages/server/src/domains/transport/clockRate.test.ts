import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  startTestServer,
  wsOrigin,
  type TestClient,
} from '../../test-utils/index.js';

const LISTENERS = 200;
const WINDOW_MS = 10_000;

describe('DAW clock rate', () => {
  it(
    'C3 the clock ticks at 30 Hz within 1% over 10 s while 200 clients listen',
    { timeout: 60_000 },
    async () => {
      const server = await startTestServer();
      const clients: TestClient[] = [];
      for (let i = 0; i < LISTENERS; i += 1)
        clients.push(await connectTestClient(wsOrigin(server, '/ws/transport/clock')));
      const probe = clients[0];
      if (!probe) throw new Error('no client');
      const first = await probe.next((m) => 'playing' in m);
      const firstAt = Number(first.timestamp_ms);
      await probe.next((m) => Number(m.timestamp_ms) >= firstAt + WINDOW_MS, WINDOW_MS + 5_000);
      const ticks = probe.messages.filter(
        (m) => Number(m.timestamp_ms) > firstAt && Number(m.timestamp_ms) <= firstAt + WINDOW_MS,
      );
      const span = Number(ticks.at(-1)?.timestamp_ms) - firstAt;
      const rate = ticks.length / (span / 1000);
      expect(Math.abs(rate - 30) / 30).toBeLessThan(0.01);
      expect(ticks.length).toBeGreaterThanOrEqual(297);
      await expect.poll(() => clients.filter((c) => c.messages.length < 290).length).toBe(0);
    },
  );
});
