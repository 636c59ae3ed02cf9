import type { Health } from '@liveline/protocol';
import { causeKind } from '../causeKind.js';

/** `health` with its `database_error` and `broker_error` cut down to their kinds (rule S2). */
export const withCauseKinds = (health: Health): Health => ({
  ...health,
  database_error: health.database_error === null ? null : causeKind(health.database_error),
  // Redis is the only broker that fails; its name is no secret.
  ...(health.broker_error && { broker_error: `redis: ${causeKind(health.broker_error)}` }),
});
