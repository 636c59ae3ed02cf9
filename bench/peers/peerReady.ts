/** The line a peer server prints on stdout once it listens. */
export interface PeerReady {
  readonly port: number;
  readonly pid: number;
}

/** Paths the ws-raw peer serves; Socket.IO peers use the same names as query roles. */
export const PEER_ROLES = {
  /** Receives every message of the ordered room; `?seq=n` resumes after seq n. */
  room: 'room',
  /** Publishes into the ordered room. */
  publish: 'publish',
  /** Receives the 30 Hz clock. */
  clock: 'clock',
  /** Answers `time_sync` probes. */
  echo: 'echo',
  /** Gets the current status once, then stays connected and idle (connect-storm). */
  idle: 'idle',
} as const;
/** A role a peer connection plays. */
export type PeerRole = (typeof PEER_ROLES)[keyof typeof PEER_ROLES];

/**
 * What a peer sends an idle socket as it connects: an agent status of the size Liveline's
 * `/ws/agent/{name}` sends on join, because every Liveline route sends its current value first.
 */
export const PEER_IDLE_STATUS = {
  type: 'agent_status',
  data: {
    name: 'screenwriter',
    status: 'idle',
    workflow_id: null,
    stage: null,
    completed: 0,
    capacity: 1,
    active: 0,
    last_error: null,
    updated_at: 1_763_800_000_000,
  },
} as const;

/** Ordered-room frames a peer keeps for resume, as Liveline's default history does. */
export const PEER_HISTORY_EVENTS = 1000;

/** Announces readiness on stdout and stops cleanly on SIGTERM/SIGINT. */
export function announceReady(port: number, stop: () => Promise<void>): void {
  const ready: PeerReady = { port, pid: process.pid };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const shutdown = (): void => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** The port a restarted peer must listen on again (`PORT`), or 0 for a free one. */
export const requestedPort = (): number => Number(process.env.PORT ?? 0);
