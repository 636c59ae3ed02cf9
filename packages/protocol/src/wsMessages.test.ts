import { describe, expect, it } from 'vitest';
import { routes } from './routes.js';
import { parse } from './schema.js';
import { wsMessages } from './wsMessages.js';
import { WS_ROUTE_NAMES, wsRoutes } from './wsRoutes.js';

describe('message table', () => {
  it('P1 gives every WebSocket route a validator for each direction', () => {
    expect(Object.keys(wsMessages)).toEqual(WS_ROUTE_NAMES);
    for (const name of WS_ROUTE_NAMES) {
      expect(wsMessages[name].server).toBeTypeOf('function');
      expect(wsMessages[name].client).toBeTypeOf('function');
    }
  });

  it('P1 keeps the validators out of the addressing table a client bundles', () => {
    for (const name of WS_ROUTE_NAMES) {
      expect(wsRoutes[name]).not.toHaveProperty('server');
      expect(wsRoutes[name]).not.toHaveProperty('client');
    }
  });

  it('P1 merges both into the server-facing route table', () => {
    for (const name of WS_ROUTE_NAMES)
      expect(routes[name]).toEqual({ ...wsRoutes[name], ...wsMessages[name] });
    const probe = { type: 'time_sync', id: 1, t0: 2 };
    expect(parse(routes.board.client, probe)).toEqual({ ok: true, value: probe });
    const ack = { type: 'ack', data: { op_id: 'o1' } };
    expect(parse(routes.workflow.server, ack)).toEqual({ ok: true, value: ack });
  });
});
