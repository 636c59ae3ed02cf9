import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createBrokerHealth } from './createBrokerHealth.js';

/** A broker health and the lines it logged. */
const loggedHealth = () => {
  const logged: unknown[] = [];
  const health = createBrokerHealth(createLogger('info', (line) => logged.push(JSON.parse(line))));
  return { health, logged };
};

describe('createBrokerHealth', () => {
  it('S2 an outage outranks Redis out of memory: writes are refused while both last, taken again once only out of memory is left', () => {
    const { health, logged } = loggedHealth();
    health.begin('out_of_memory', new Error('OOM command not allowed'));
    health.begin('outage', new Error('Socket closed unexpectedly'));
    expect(health.status()).toEqual({
      ok: false,
      cause: 'outage',
      error: 'redis: Socket closed unexpectedly',
    });
    health.end('outage');
    expect(health.status()).toEqual({
      ok: false,
      cause: 'out_of_memory',
      error: 'redis: OOM command not allowed',
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

  it('S2 a refusal (NOPERM) lasts until every right Redis refused has been proven by a call since, one channel proving no other, logged once as it starts and once as it ends', () => {
    const { health, logged } = loggedHealth();
    health.refused('channel anchor', new Error('NOPERM … channels'));
    health.refused('commands', new Error('NOPERM … keys'));
    health.refused('channel anchor', new Error('NOPERM … channels'));
    // A user granted some of the node's channels: a join's channel works, the anchor's does not.
    health.served('channel board');
    health.served('commands');
    expect(health.status()).toMatchObject({ cause: 'refused', error: 'redis: NOPERM … channels' });
    health.served('channel anchor');
    expect(health.status()).toEqual({ ok: true });
    expect(logged).toMatchObject([
      { event: 'broker.error', cause: 'refused' },
      { event: 'broker.recovered', cause: 'refused' },
    ]);
  });
});
