import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createCard, createdSeen, sendUntilAcked } from '../test-utils/boardClients.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { dataOf, onTestCleanup, rawRequest, startTestServer } from '../test-utils/index.js';
import { twoBoardNodes } from '../test-utils/twoBoardNodes.js';
import { STORAGE_PROBE_INTERVAL_MS } from '../storage/createStorageHealth.js';

const engines = useClusterEngines('pg_outages');

// Cluster nodes while PostgreSQL is down, read-only or ends their sessions (S2, S4).
describe('cluster faults', () => {
  it('S2 PostgreSQL down: an op is refused unavailable and /health is degraded naming the database; back up, the retried op id is applied once on every node', async () => {
    const { a, onA, onB } = await twoBoardNodes(engines, 'pg-down');
    createCard(onA, 'before');
    await onA.next('ack');
    await onB.next('card.created');
    await engines.postgres.restart(async () => {
      const started = performance.now();
      createCard(onA, 'during');
      const refused = await onA.next('error');
      expect(dataOf(refused)).toMatchObject({ code: 'unavailable', op_id: 'during' });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect((await rawRequest(a, '/health')).json).toMatchObject({
        status: 'degraded',
        database: 'error',
        database_error: expect.stringMatching(/failed/) as unknown,
        broker: 'connected',
      });
    });
    await sendUntilAcked(onA, 'during');
    createCard(onA, 'during');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'during', duplicate: true });
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['before', 'during']));
    expect(createdSeen(onA)).toEqual(['before', 'during']);
    await vi.waitFor(
      async () =>
        expect((await rawRequest(a, '/health')).json).toMatchObject({ status: 'healthy' }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
  });

  it('S2 PostgreSQL taking reads but refusing writes (read-only, as a standby after a failover): /health stays degraded while reads work, and is healthy again by itself once writes work', async () => {
    const logged: string[] = [];
    const node = await startTestServer({
      ...(await engines.freshCluster()),
      logger: createLogger('info', (line) => logged.push(line)),
    });
    let ops = 0;
    /** The status of a new op's request. */
    const write = async () => {
      ops += 1;
      const body = { type: 'card.create', op_id: `op-${ops}`, column_id: 'backlog', title: 'c' };
      return (await rawRequest(node, '/api/boards/read-only/ops', { body })).status;
    };
    const health = async () => (await rawRequest(node, '/health')).json;
    expect(await write()).toBe(201);
    // Existing sessions follow a reloaded default: the node's pooled connections turn read-only.
    const readOnly = async (on: boolean) => {
      const admin = new pg.Client({ connectionString: engines.postgres.url() });
      await admin.connect();
      try {
        await admin.query(
          on
            ? 'ALTER SYSTEM SET default_transaction_read_only = on'
            : 'ALTER SYSTEM RESET default_transaction_read_only',
        );
        await admin.query('SELECT pg_reload_conf()');
      } finally {
        await admin.end();
      }
    };
    onTestCleanup(() => readOnly(false));
    await readOnly(true);

    await vi.waitFor(async () => expect(await write()).toBe(503));
    await vi.waitFor(
      async () =>
        expect(await health()).toMatchObject({
          status: 'degraded',
          database_error: 'probe failed: cannot execute INSERT in a read-only transaction',
        }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    expect((await rawRequest(node, '/api/boards/read-only')).status).toBe(200);
    expect(await health()).toMatchObject({ status: 'degraded', database: 'error' });
    await readOnly(false);

    await vi.waitFor(
      async () => expect(await health()).toMatchObject({ status: 'healthy', database_error: null }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    expect(await write()).toBe(201);
    expect(
      logged
        .map((line) => (JSON.parse(line) as { event: string }).event)
        .filter((event) => event.startsWith('storage.')),
    ).toEqual(['storage.error', 'storage.recovered']);
  });

  it('S4 a PostgreSQL backend terminated mid-load: every op is acked once retried with its op id, and every client converges', async () => {
    const { onA, onB } = await twoBoardNodes(engines, 'terminated');
    const ids = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const terminate = async () => {
      const db = new pg.Client({ connectionString: engines.postgres.url() });
      await db.connect();
      const { rowCount } = await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'liveline'",
      );
      await db.end();
      return rowCount ?? 0;
    };
    const sending = ids.map((id, i) => sendUntilAcked(i % 2 ? onA : onB, id));
    expect(await terminate()).toBeGreaterThan(0);
    const acks = await Promise.all(sending);
    expect(new Set(acks.map((ack) => dataOf(ack).seq)).size).toBe(ids.length);
    for (const client of [onA, onB])
      await vi.waitFor(
        () => expect([...createdSeen(client)].sort()).toEqual([...ids].sort()),
        ACROSS,
      );
    expect(createdSeen(onA)).toEqual(createdSeen(onB));
  });
});
