import { describe, expect, it } from 'vitest';
import { matchRoute, ROUTE_DESCRIPTIONS, ROUTE_NAMES, routePath, routes } from './routes.js';
import { WS_ROUTE_NAMES, wsUrl } from './wsRoutes.js';

describe('route table', () => {
  it('P1 lists the WebSocket routes of the three original apps', () => {
    expect(WS_ROUTE_NAMES.map((n) => routes[n].path).sort()).toEqual([
      '/ws',
      '/ws/agent/:name',
      '/ws/connect',
      '/ws/coordinator',
      '/ws/transport',
      '/ws/transport/clock',
      '/ws/workflow/:id',
    ]);
  });

  it('P1 gives every WebSocket route sample params that match its own pattern', () => {
    for (const name of WS_ROUTE_NAMES) {
      // The table is iterated untyped here; the typed call sites are covered by routes.test-d.ts.
      const build = routePath as (route: string, params: object) => string;
      expect(matchRoute('ws', build(name, routes[name].sample))).toMatchObject({ ok: true, name });
    }
  });

  it('P1 describes every route in one line', () => {
    for (const name of ROUTE_NAMES) expect(ROUTE_DESCRIPTIONS[name].length).toBeGreaterThan(10);
  });

  it('P2 builds encoded paths and ws URLs from http and https origins', () => {
    expect(routePath('workflow', { id: 'a b' })).toBe('/ws/workflow/a%20b');
    expect(wsUrl('http://127.0.0.1:8000', 'workflow', { params: { id: 'w1' } })).toBe(
      'ws://127.0.0.1:8000/ws/workflow/w1',
    );
    expect(wsUrl('https://example.com/app', 'board', { query: { board_id: 'b 1', seq: 3 } })).toBe(
      'wss://example.com/ws/connect?board_id=b%201&seq=3',
    );
    expect(wsUrl('ws://h:1', 'clock')).toBe('ws://h:1/ws/transport/clock');
    expect(() => wsUrl('/relative', 'clock')).toThrow(TypeError);
  });

  it('P3 matches WebSocket routes with decoded, validated params', () => {
    expect(matchRoute('ws', '/ws/agent/editor')).toEqual({
      ok: true,
      name: 'agent',
      params: { name: 'editor' },
    });
    expect(matchRoute('ws', '/ws/transport/clock')).toEqual({
      ok: true,
      name: 'clock',
      params: {},
    });
  });

  it('P3 names the bad param', () => {
    const bad = matchRoute('ws', '/ws/workflow/has%20space');
    expect(bad).toMatchObject({ ok: false, reason: 'bad_param' });
    if (!bad.ok && bad.reason === 'bad_param') expect(bad.error.field).toBe('id');
    expect(matchRoute('ws', '/ws/workflow/%E0%A4%A')).toMatchObject({
      ok: false,
      reason: 'bad_param',
    });
  });

  it('P3 tells an unknown path from a known path with the wrong method', () => {
    expect(matchRoute('ws', '/ws/nope')).toEqual({ ok: false, reason: 'no_route' });
    expect(matchRoute('GET', '/ws/coordinator')).toEqual({
      ok: false,
      reason: 'method_not_allowed',
      allowed: ['ws'],
    });
    expect(matchRoute('ws', '/health')).toEqual({
      ok: false,
      reason: 'method_not_allowed',
      allowed: ['GET'],
    });
    expect(matchRoute('POST', '/api/workflows')).toMatchObject({
      ok: true,
      name: 'workflowCreate',
    });
    expect(matchRoute('GET', '/api/workflows')).toMatchObject({ ok: true, name: 'workflowList' });
  });
});
