import { closePolicy } from '@liveline/protocol';
import type { ConnectionEntry, ConnectionState } from '@liveline/ws-client';

/** The phases of one live route, as the ws-client reports them. */
export type ConnectionPhase =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

/** What the UI shows about one live route: a view of the ws-client's connection state. */
export interface RouteConnection {
  /** Stable key: the socket's path with its query. */
  readonly key: string;
  /** Short human name, e.g. "Workflow" or "Agent · editor". */
  readonly label: string;
  readonly phase: ConnectionPhase;
  /** Reconnect attempt number, 0 while never retried. */
  readonly attempt: number;
  /** When the next reconnect happens (ms since epoch), while reconnecting. */
  readonly nextRetryAt: number | null;
  readonly lastClose: { readonly code: number; readonly reason: string } | null;
  /** Stopped because the token expired or was refused and no new one came (PROTOCOL.md A10). */
  readonly signedOut: boolean;
  /** Messages waiting in the outbox. */
  readonly queued: number;
  readonly rttMs: number | null;
  readonly clockOffsetMs: number | null;
  /** The last error its channel reported that no request settled (lib/channelErrors.ts). */
  readonly lastError: string | null;
  /** Asks the client to connect now, skipping any backoff; works after a stop too. */
  readonly retry: () => void;
}

const LABELS: Readonly<Record<ConnectionEntry['route'], string>> = {
  workflow: 'Workflow',
  coordinator: 'Coordinator',
  agent: 'Agent',
  board: 'Board',
  general: 'Transport feed',
  transport: 'Transport',
  clock: 'Clock',
};

const labelOf = ({ route, url }: ConnectionEntry) => {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return route === 'agent' ? `${LABELS.agent} ${last.replace(/_/g, ' ')}` : LABELS[route];
};

/** A route's stable key: its socket's path with the query. */
export function routeKey(socketUrl: string): string {
  const url = new URL(socketUrl);
  return `${url.pathname}${url.search}`;
}

/** The UI's view of one ws-client connection; "Retry now" reconnects its shared channel. */
/** Whether the token expired or was refused (PROTOCOL.md A10): nothing sent could be answered. */
export const isSignedOut = (state: ConnectionState): boolean =>
  state.status === 'closed' && state.error.code === 'signed_out';

function toRouteConnection(
  entry: ConnectionEntry,
  errors: Readonly<Record<string, string>>,
): RouteConnection {
  const { state, channel, clock } = entry;
  const key = routeKey(entry.url);
  return {
    key,
    label: labelOf(entry),
    phase: state.status,
    attempt: state.attempt,
    nextRetryAt: state.status === 'reconnecting' ? state.nextRetryAt : null,
    lastClose: state.lastClose,
    signedOut: isSignedOut(state),
    queued: state.queued,
    rttMs: clock?.rttMs ?? null,
    clockOffsetMs: clock?.offsetMs ?? null,
    lastError: errors[key] ?? null,
    retry: () => channel.reconnect(),
  };
}

/** The routes the page holds (idle ones are not in use), from `useConnections()`. */
export function liveConnections(
  entries: Readonly<Record<string, ConnectionEntry>>,
  errors: Readonly<Record<string, string>> = {},
): RouteConnection[] {
  return Object.values(entries)
    .filter((e) => e.state.status !== 'idle')
    .map((entry) => toRouteConnection(entry, errors));
}

/** The tone of an indicator, one per phase family. */
export type ConnectionTone = 'ok' | 'pending' | 'retrying' | 'offline' | 'stopped';

/** What an indicator says about a connection. */
export interface ConnectionDescription {
  readonly tone: ConnectionTone;
  readonly emoji: string;
  readonly text: string;
}

/** Why a connection stopped: the server's reason, else what the close code means. */
export function stopReason(lastClose: RouteConnection['lastClose']): string {
  if (!lastClose) return 'closed';
  const reason = lastClose.reason.trim();
  return reason || closePolicy(lastClose.code).meaning;
}

/** "2 changes waiting to send", or null when nothing waits. */
export function queuedText(queued: number): string | null {
  if (queued <= 0) return null;
  return `${queued} ${queued === 1 ? 'change' : 'changes'} waiting to send`;
}

/** Describes a connection at time `now` for its indicator. */
export function describeConnection(c: RouteConnection, now: number): ConnectionDescription {
  switch (c.phase) {
    case 'open':
      return { tone: 'ok', emoji: '🟢', text: 'Connected' };
    case 'idle':
    case 'connecting':
      return { tone: 'pending', emoji: '🟡', text: 'Connecting…' };
    case 'reconnecting': {
      const seconds =
        c.nextRetryAt === null ? 0 : Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000));
      const when = seconds > 0 ? `in ${seconds} s` : 'now';
      return { tone: 'retrying', emoji: '🟠', text: `Reconnecting ${when} (attempt ${c.attempt})` };
    }
    case 'offline':
      return { tone: 'offline', emoji: '⚪', text: 'Offline: waiting for the network' };
    case 'closed':
      return {
        tone: 'stopped',
        emoji: '🔴',
        text: c.signedOut ? 'Signed out' : `Stopped: ${stopReason(c.lastClose)}`,
      };
  }
}

const SEVERITY: Readonly<Record<ConnectionPhase, number>> = {
  open: 0,
  idle: 1,
  connecting: 2,
  reconnecting: 3,
  offline: 4,
  closed: 5,
};

/** The connection that most needs attention, or null when there are none. */
export function worstConnection(list: readonly RouteConnection[]): RouteConnection | null {
  let worst: RouteConnection | null = null;
  for (const c of list) if (!worst || SEVERITY[c.phase] > SEVERITY[worst.phase]) worst = c;
  return worst;
}

/**
 * Whether "Retry now" is offered: while waiting to reconnect, stopped, or offline. The client never
 * dials on its own while the browser says offline, yet a server on this machine (or a network the
 * browser misjudges) can still be reached, and a retry dials anyway. Not once signed out: the page
 * has no token the server would take, only a new invite link helps (PROTOCOL.md A10).
 */
export function canRetry({ phase, signedOut }: RouteConnection): boolean {
  return !signedOut && (phase === 'reconnecting' || phase === 'offline' || phase === 'closed');
}

/** The overall connection: the worst route's state, every queued change, and a retry of all. */
export function overallConnection(list: readonly RouteConnection[]): RouteConnection | null {
  const worst = worstConnection(list);
  if (!worst) return null;
  return {
    ...worst,
    key: 'overall',
    label: 'All connections',
    queued: list.reduce((sum, c) => sum + c.queued, 0),
    retry: () => list.filter(canRetry).forEach((c) => c.retry()),
  };
}
