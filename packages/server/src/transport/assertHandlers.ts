import { ROUTE_NAMES, routes } from '@liveline/protocol';
import { LivelineServerError } from '../errors.js';

/**
 * Refuses to start when a route of the protocol table has no handler (rule P1). The handler map's
 * type already makes this a compile error; this also catches maps assembled at run time.
 */
export function assertHandlers(handlers: Readonly<Record<string, unknown>>): void {
  const missing = ROUTE_NAMES.filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0)
    throw new LivelineServerError(
      'missing_handler',
      `no handler for route ${missing.map((name) => `"${name}" (${routes[name].path})`).join(', ')}; every route of the protocol table must be served`,
    );
}
