/**
 * What a grant can be on: boards, the DAW transport, workflows, the pipeline's monitors, and the
 * server itself (the operators' view of `/health`, rule S2).
 */
export type Resource = 'board' | 'transport' | 'workflow' | 'monitor' | 'server';
/** What a grant allows; `write` and `control` imply `read` (rule A4). */
export type Action = 'read' | 'write' | 'control' | 'start' | 'cancel';

/** One `resource:target:action` grant of a token's `scope` claim. */
export interface Grant {
  readonly resource: string;
  readonly target: string;
  readonly action: string;
}

/** The grants of a `scope` claim: space-separated `resource:target:action` (rule A4). */
export function parseScope(scope: unknown): readonly Grant[] {
  if (typeof scope !== 'string') return [];
  return scope
    .split(' ')
    .map((item) => item.split(':'))
    .filter((parts) => parts.length === 3 && parts.every((part) => part !== ''))
    .map(([resource = '', target = '', action = '']) => ({ resource, target, action }));
}

/**
 * Whether `grants` allow `action` on `resource` `target` (rule A4): `*` matches any target,
 * `write` and `control` imply `read`, and grants this version does not know are ignored.
 */
export function isAllowed(
  grants: readonly Grant[],
  resource: Resource,
  target: string,
  action: Action,
): boolean {
  return grants.some(
    (grant) =>
      grant.resource === resource &&
      (grant.target === '*' || grant.target === target) &&
      (grant.action === action ||
        (action === 'read' && (grant.action === 'write' || grant.action === 'control'))),
  );
}
