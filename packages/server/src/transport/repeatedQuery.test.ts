import {
  ROUTE_NAMES,
  fillPath,
  routeQuery,
  routes,
  type HttpRoute,
  type WsRoute,
} from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../test-utils/index.js';

/** Every query parameter the table says a route reads, with a path to request it on. */
const queriedRoutes = (): { path: string; param: string; upgrade: boolean }[] =>
  ROUTE_NAMES.flatMap((name) => {
    const route: WsRoute | HttpRoute = routes[name];
    const path = fillPath(route.path, route.kind === 'ws' ? route.sample : {});
    return Object.keys(routeQuery(name)).map((param) => ({
      path,
      param,
      upgrade: route.kind === 'ws',
    }));
  });

describe('a query parameter given twice (rule P4)', () => {
  it('P4 GET /api/workflows?limit=5&limit=500 is 400 invalid_field naming limit, not the last value', async () => {
    const server = await startTestServer();
    const res = await rawRequest(server, '/api/workflows?limit=5&limit=500');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({
      error: {
        code: 'invalid_field',
        field: 'limit',
        message: 'limit: given 2 times; expected it at most once',
      },
    });
    expect((await rawRequest(server, '/api/workflows?limit=5')).status).toBe(200);
  });

  it('P4 every parameter the route table reads, on HTTP and upgrades, is refused with 400 naming it when given twice', async () => {
    const server = await startTestServer();
    const cases = queriedRoutes();
    expect(cases.map((c) => `${c.path} ${c.param}`)).toEqual(
      expect.arrayContaining([
        '/api/workflows limit',
        '/ws/connect board_id',
        '/ws/workflow/pending seq',
      ]),
    );
    for (const { path, param, upgrade } of cases) {
      const res = await rawRequest(server, `${path}?${param}=1&${param}=1`, { upgrade });
      expect({ path, param, status: res.status, json: res.json }).toMatchObject({
        status: 400,
        json: { error: { code: 'invalid_field', field: param } },
      });
    }
  });

  it('P4 a parameter the route does not read is ignored, given twice or not, on HTTP and upgrades', async () => {
    const server = await startTestServer();
    for (const [path, upgrade, status] of [
      ['/api/workflows?utm=a&utm=b', false, 200],
      ['/api/transport?utm=a&utm=b', false, 200],
      ['/ws/connect?board_id=b&utm=a&utm=b', true, 101],
      ['/ws/workflow/w?utm=a&utm=b&utm=c', true, 101],
    ] as const)
      expect((await rawRequest(server, path, { upgrade })).status, path).toBe(status);
  });
});
