import {
  ROUTE_DESCRIPTIONS,
  ROUTE_NAMES,
  routeQuery,
  routes,
  type Health,
} from '@liveline/protocol';
import type { RouteHandlers } from '../transport/RouteHandlers.js';

/** Handlers of `/health` and `/api/routes`. */
export function systemRoutes(health: () => Health): Pick<RouteHandlers, 'health' | 'routeList'> {
  return {
    health: () => {
      const body = health();
      return { status: body.status === 'draining' ? 503 : 200, body };
    },
    routeList: () => ({
      status: 200,
      body: {
        routes: ROUTE_NAMES.map((name) => {
          const route = routes[name];
          return {
            name,
            kind: route.kind,
            method: route.kind === 'http' ? route.method : null,
            path: route.path,
            delivery: route.kind === 'ws' ? route.delivery : null,
            description: ROUTE_DESCRIPTIONS[name],
            query: Object.entries(routeQuery(name)).map(([param, schema]) => ({
              name: param,
              accepts: schema.accepts,
            })),
          };
        }),
      },
    }),
  };
}
