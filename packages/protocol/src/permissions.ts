import type { Action, Resource } from './scopes.js';

/**
 * The permission a route or message needs (rule A5): an action on a resource, whose target is the
 * path parameter `id`, the query parameter `board_id`, or any (`*`).
 */
export interface Permission {
  readonly resource: Resource;
  readonly action: Action;
  readonly target: 'id' | 'board_id' | '*';
}

/** A route anyone may use, also with auth on (`/health`, `/api/routes`). */
export const PUBLIC = 'public';

/** Builds a permission; most targets are `*`. */
export const needs = (
  resource: Resource,
  action: Action,
  target: Permission['target'] = '*',
): Permission => ({ resource, action, target });
