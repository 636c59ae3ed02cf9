import {
  ROUTE_DESCRIPTIONS,
  ROUTE_NAMES,
  isAllowed,
  routeQuery,
  routes,
  type Health,
} from '@liveline/protocol';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { withCauseKinds } from './withCauseKinds.js';

/**
 * Handlers of `/health` and `/api/routes`. With auth on (`authOn`), `/health` names only the kinds
 * of its engines' failures unless the caller's token may read the operators' view,
 * `server:*:read` (rule S2).
 */
export function systemRoutes(
  health: () => Health,
  authOn: boolean,
): Pick<RouteHandlers, 'health' | 'routeList'> {
  return {
    health: ({ identity }) => {
      const full = health();
      const operator = identity !== null && isAllowed(identity.grants, 'server', '*', 'read');
      const body = !authOn || operator ? full : withCauseKinds(full);
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
