import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionEntry } from '@liveline/ws-client';
import { channelFor, liveline } from '../lib/liveline';
import type { RouteConnection } from '../lib/routeConnection';

const LABELS: Readonly<Record<ConnectionEntry['route'], string>> = {
  workflow: 'Workflow',
  coordinator: 'Coordinator',
  agent: 'Agent',
  board: 'Board',
  general: 'Transport feed',
  transport: 'Transport',
  clock: 'Clock',
};

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

const labelOf = (entry: ConnectionEntry) => {
  const last = decodeURIComponent(new URL(entry.url).pathname.split('/').pop() ?? '');
  return entry.route === 'agent'
    ? `${LABELS.agent} ${last.replace(/_/g, ' ')}`
    : LABELS[entry.route];
};

/** A view of one ws-client connection for indicators and diagnostics. */
export function toRouteConnection(entry: ConnectionEntry): RouteConnection {
  const { state } = entry;
  return {
    key: pathOf(entry.url),
    label: labelOf(entry),
    phase: state.status,
    attempt: state.attempt,
    nextRetryAt: state.status === 'reconnecting' ? state.nextRetryAt : null,
    lastClose: state.lastClose,
    queued: state.queued,
    rttMs: null,
    clockOffsetMs: null,
    retry: () => channelFor(entry.url)?.reconnect(),
  };
}

/** Every route the current page holds open (idle ones are not in use), with its state. */
export function useLiveConnections(): RouteConnection[] {
  const store = liveline().connections;
  const entries = useSyncExternalStore(store.subscribe, store.getState);
  return useMemo(
    () =>
      Object.values(entries)
        .filter((e) => e.state.status !== 'idle')
        .map(toRouteConnection),
    [entries],
  );
}
