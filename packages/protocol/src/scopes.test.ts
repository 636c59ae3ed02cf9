import { describe, expect, it } from 'vitest';
import { isAllowed, parseScope } from './scopes.js';

describe('token scopes', () => {
  it('A4 * matches any target, write and control imply read, unknown grants are ignored', () => {
    const grants = parseScope(
      'board:b1:write transport:*:control workflow:*:start nonsense a:b mystery:*:fly',
    );
    expect(isAllowed(grants, 'board', 'b1', 'write')).toBe(true);
    expect(isAllowed(grants, 'board', 'b1', 'read')).toBe(true);
    expect(isAllowed(grants, 'board', 'b2', 'read')).toBe(false);
    expect(isAllowed(grants, 'transport', '*', 'read')).toBe(true);
    expect(isAllowed(grants, 'workflow', '*', 'start')).toBe(true);
    expect(isAllowed(grants, 'workflow', '*', 'read')).toBe(false);
    expect(isAllowed(grants, 'monitor', '*', 'read')).toBe(false);
    expect(isAllowed(parseScope('board:*:read'), 'board', 'any', 'write')).toBe(false);
    expect(parseScope(42)).toEqual([]);
    expect(parseScope('nonsense a:b')).toEqual([]);
  });
});
