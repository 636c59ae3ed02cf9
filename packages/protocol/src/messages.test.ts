import { describe, expect, it } from 'vitest';
import { routes } from './routes.js';
import { WS_ROUTE_NAMES } from './wsRoutes.js';
import { parse, type Schema } from './schema.js';
import {
  boardOpSchema,
  createWorkflowRequestSchema,
  transportCommandSchema,
} from './httpBodies.js';
import { healthSchema } from './health.js';
import { PIPELINE, STAGE_NAMES } from './workflow.js';

const ok = (schema: Schema<unknown>, input: unknown) => {
  const result = parse(schema, input);
  expect(result).toMatchObject({ ok: true });
  return result.ok ? result.value : undefined;
};
const bad = (schema: Schema<unknown>, input: unknown, field: string, code = 'invalid_field') => {
  const result = parse(schema, input);
  expect(result).toMatchObject({ ok: false, error: { field, code } });
};

// Payloads copied from the original documents in shared/seeds: they must validate unchanged.
const seedClock = {
  playing: false,
  time_seconds: 0.0,
  sample_pos: 0,
  bpm: 120.0,
  beat_pos: 0.0,
  loop_enabled: false,
  loop_start_seconds: 0.0,
  loop_end_seconds: 10.0,
  timestamp_ms: 1733123456789,
};
const seedState = {
  type: 'state',
  data: {
    playing: true,
    time_seconds: 4.523,
    sample_pos: 199824,
    bpm: 120.0,
    beat_pos: 18.092,
    timestamp_ms: 1733123456789,
  },
};
const seedGreeting = {
  event: 'connected',
  data: {
    client_id: 'client_1754869330.70214',
    message: 'Connected to Agent Kanban Board WebSocket',
    board_id: null,
    server_time: '2025-08-10T23:42:10.702162',
  },
};

describe('messages of the original documents', () => {
  it('C1 accepts the DAW clock tick exactly as documented', () => {
    expect(ok(routes.clock.server, seedClock)).toEqual(seedClock);
  });

  it('C1 accepts the /ws and /ws/transport state message exactly as documented', () => {
    expect(ok(routes.transport.server, seedState)).toEqual(seedState);
    expect(ok(routes.general.server, seedState)).toEqual(seedState);
  });

  it('B0 accepts the Kanban greeting exactly as documented', () => {
    expect(ok(routes.board.server, seedGreeting)).toEqual(seedGreeting);
  });

  it('C1 accepts every DAW command as documented', () => {
    for (const command of [
      { type: 'play' },
      { type: 'stop' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'seek', time_seconds: 10.5 },
      { type: 'tempo', bpm: 140 },
    ]) {
      expect(ok(routes.transport.client, command)).toEqual(command);
    }
  });

  it('E1 names the bad field of an invalid DAW command', () => {
    bad(transportCommandSchema, { type: 'seek', time_seconds: -1 }, 'time_seconds');
    bad(transportCommandSchema, { type: 'seek' }, 'time_seconds');
    bad(transportCommandSchema, { type: 'tempo', bpm: 1000 }, 'bpm');
    bad(transportCommandSchema, { type: 'tempo', bpm: '140' }, 'bpm');
    bad(transportCommandSchema, { type: 'rewind' }, 'type', 'unknown_type');
    bad(routes.clock.server, { ...seedClock, playing: 'yes' }, 'playing');
  });
});

describe('messages Liveline designed', () => {
  it.each(WS_ROUTE_NAMES)('T1 route %s accepts a time_sync probe and its reply', (name) => {
    ok(routes[name].client, { type: 'time_sync', id: 1, t0: 12.5 });
    ok(routes[name].server, { type: 'time_sync', data: { id: 1, t0: 1, t1: 2, t2: 3 } });
  });

  it('R2 accepts ordered snapshots, resumes and events with seq and epoch', () => {
    ok(routes.workflow.server, {
      type: 'snapshot',
      seq: 0,
      epoch: 'e',
      data: { workflow_id: 'w', workflow: null },
    });
    ok(routes.workflow.server, {
      type: 'snapshot',
      seq: 3,
      epoch: 'e',
      recovered: false,
      reason: 'epoch_changed',
      data: { workflow_id: 'w', workflow: null },
    });
    ok(routes.board.server, { type: 'resumed', seq: 3, epoch: 'e', data: { replayed: 2 } });
    ok(routes.workflow.server, {
      type: 'stage.progress',
      seq: 4,
      epoch: 'e',
      data: { workflow_id: 'w', stage: 'shots', progress: 40, at: 1 },
    });
    bad(routes.workflow.server, { type: 'stage.progress', epoch: 'e', data: {} }, 'seq');
    bad(
      routes.workflow.server,
      {
        type: 'snapshot',
        seq: 1,
        epoch: 'e',
        recovered: true,
        data: { workflow_id: 'w', workflow: null },
      },
      'recovered',
    );
  });

  it.each(WS_ROUTE_NAMES)('E1 route %s validates error, ack and heartbeat messages', (name) => {
    const { server } = routes[name];
    ok(server, {
      type: 'error',
      data: { code: 'invalid_field', message: 'bpm: expected ≤ 400', field: 'bpm' },
    });
    ok(server, { type: 'ack', data: { op_id: 'op-1', seq: 9, duplicate: true } });
    ok(server, { type: 'heartbeat', data: { server_time: 1 } });
    bad(server, { type: 'error', data: { code: 'oops', message: 'x' } }, 'data.code');
  });

  it('B2 requires an op_id on every board operation and names bad fields', () => {
    ok(boardOpSchema, {
      type: 'card.move',
      op_id: 'c1:1',
      card_id: 'card1',
      column_id: 'done',
      index: 0,
    });
    bad(
      boardOpSchema,
      { type: 'card.move', card_id: 'card1', column_id: 'done', index: 0 },
      'op_id',
    );
    bad(
      boardOpSchema,
      { type: 'card.move', op_id: 'o', card_id: 'card1', column_id: 'done', index: -1 },
      'index',
    );
    bad(boardOpSchema, { type: 'card.create', op_id: 'o', column_id: 'c', title: '' }, 'title');
    ok(routes.board.client, { type: 'presence.update', name: 'Ada' });
  });

  it('B3 carries presence as a capped latest value with the full count', () => {
    const people = Array.from({ length: 50 }, (_, i) => ({ client_id: `c${i}`, name: `P${i}` }));
    ok(routes.board.server, { type: 'presence', data: { count: 800, people } });
    bad(
      routes.board.server,
      { type: 'presence', data: { count: 51, people: [...people, { client_id: 'x', name: 'X' }] } },
      'data.people',
    );
  });

  it('W1 lists the stage names in pipeline order', () => {
    expect(STAGE_NAMES).toEqual(PIPELINE.map((p) => p.stage));
  });

  it('W1 validates the workflow start request and names bad fields', () => {
    ok(createWorkflowRequestSchema, { mode: 'idea', input: 'A robot learns to paint' });
    bad(createWorkflowRequestSchema, { mode: 'film', input: 'x' }, 'mode');
    bad(createWorkflowRequestSchema, { mode: 'idea', input: '' }, 'input');
    bad(createWorkflowRequestSchema, { mode: 'idea', input: 'x', id: 'a/b' }, 'id');
  });

  it('S1 validates /health: the seed fields and ours, with per-route counters', () => {
    const health = {
      status: 'healthy',
      version: '0.1.0',
      timestamp: '2025-12-30T16:06:00.000Z',
      database: 'connected',
      database_error: null,
      uptime_seconds: 1.5,
      protocol_version: 1,
      routes: {
        clock: {
          connections: 1,
          rooms: 1,
          messages_sent: 30,
          messages_dropped: 0,
          slow_consumer_closes: 0,
          resumes_served: 0,
          resumes_not_recovered: 0,
        },
      },
      auth: 'off',
    };
    ok(healthSchema, health);
    bad(
      healthSchema,
      { ...health, routes: { clock: { connections: -1 } } },
      'routes.clock.connections',
    );
  });
});
