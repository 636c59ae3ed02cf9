import {
  ROUTE_DESCRIPTIONS,
  ROUTE_NAMES,
  WORKFLOW_PAGE_MAX,
  fillPath,
  routeListResponseSchema,
  routes,
  type HttpRoute,
  type Infer,
  type WsRoute,
} from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../test-utils/index.js';

type Listed = Infer<typeof routeListResponseSchema>['routes'][number];

const listRoutes = async (server: { origin: string }): Promise<Listed[]> => {
  const res = await rawRequest(server, '/api/routes');
  expect(res.status).toBe(200);
  const body = routeListResponseSchema(res.json, '');
  return body.routes;
};

describe('GET /api/routes (rule P5)', () => {
  it('P5 every route keeps name, kind, method, path, delivery and description, and lists the query parameters it reads with what each accepts', async () => {
    const server = await startTestServer();
    const listed = await listRoutes(server);
    expect(listed.map((r) => r.name)).toEqual(ROUTE_NAMES);
    expect(listed.find((r) => r.name === 'workflowList')).toEqual({
      name: 'workflowList',
      kind: 'http',
      method: 'GET',
      path: '/api/workflows',
      delivery: null,
      description: ROUTE_DESCRIPTIONS.workflowList,
      query: [
        { name: 'limit', accepts: `an integer from 1 to ${WORKFLOW_PAGE_MAX}` },
        { name: 'before', accepts: 'the next_before of an earlier reply' },
      ],
    });
    const queryOf = (name: string) => listed.find((r) => r.name === name)?.query;
    expect(queryOf('board')?.map((p) => p.name)).toEqual(['board_id', 'epoch', 'seq']);
    expect(queryOf('workflow')?.map((p) => p.name)).toEqual(['epoch', 'seq']);
    expect(queryOf('health')).toEqual([]);
    expect(queryOf('clock')).toEqual([]);
  });

  it('P5 what a listed parameter accepts is what the server says when it refuses a bad value of it', async () => {
    const server = await startTestServer();
    const listed = await listRoutes(server);
    let checked = 0;
    for (const entry of listed) {
      const route: WsRoute | HttpRoute = routes[entry.name as keyof typeof routes];
      const path = fillPath(route.path, route.kind === 'ws' ? route.sample : {});
      for (const { name, accepts } of entry.query ?? []) {
        const res = await rawRequest(server, `${path}?${name}=`, { upgrade: route.kind === 'ws' });
        expect({ path, status: res.status, json: res.json }).toEqual({
          path,
          status: 400,
          json: {
            error: { code: 'invalid_field', field: name, message: `${name}: expected ${accepts}` },
          },
        });
        checked += 1;
      }
    }
    expect(checked).toBe(7);
  });
});
