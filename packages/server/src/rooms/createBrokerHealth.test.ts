import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createBrokerHealth } from './createBrokerHealth.js';

describe('createBrokerHealth', () => {
  it('S2 an outage outranks Redis out of memory: writes are refused while both last, taken again once only out of memory is left', () => {
    const logged: unknown[] = [];
    const health = createBrokerHealth(
      createLogger('info', (line) => logged.push(JSON.parse(line))),
    );
    health.begin('out_of_memory', new Error('OOM command not allowed'));
    health.begin('outage', new Error('Socket closed unexpectedly'));
    expect(health.status()).toEqual({ ok: false, error: 'redis: Socket closed unexpectedly' });
    health.end('outage');
    expect(health.status()).toEqual({
      ok: false,
      error: 'redis: OOM command not allowed',
      takesWrites: true,
    });
    health.end('out_of_memory');
    expect(health.status()).toEqual({ ok: true });
    expect(logged).toMatchObject([
      { event: 'broker.error', cause: 'out_of_memory' },
      { event: 'broker.error', cause: 'outage' },
      { event: 'broker.recovered', cause: 'outage' },
      { event: 'broker.recovered', cause: 'out_of_memory' },
    ]);
  });
});
