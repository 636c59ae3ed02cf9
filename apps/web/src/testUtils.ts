import { vi } from 'vitest';
import type { RouteConnection } from './lib/routeConnection';

/** A route connection for component tests; `retry` is a spy. */
export function fakeConnection(overrides: Partial<RouteConnection> = {}): RouteConnection {
  return {
    key: '/ws/coordinator',
    label: 'Coordinator',
    phase: 'open',
    attempt: 0,
    nextRetryAt: null,
    lastClose: null,
    signedOut: false,
    queued: 0,
    rttMs: null,
    clockOffsetMs: null,
    lastError: null,
    retry: vi.fn(),
    ...overrides,
  };
}
