import type { Stamp } from './stampPayload.js';

/** The server kinds compared side by side. */
export const PEER_KINDS = [
  'liveline',
  'liveline-auth',
  'liveline-invite',
  'liveline-prune',
  'ws-frame',
  'ws-raw',
  'socketio',
] as const;
/** One server kind. */
export type PeerKind = (typeof PEER_KINDS)[number];
/** The servers a run compares unless `--peers` names others: `liveline-prune` only on request. */
export const DEFAULT_PEERS: readonly PeerKind[] = PEER_KINDS.filter((k) => k !== 'liveline-prune');

/** An open client connection. */
export interface ClientConnection {
  close(): void;
}

/** A publisher into the ordered room. */
export interface Publisher extends ClientConnection {
  publish(stamp: Stamp): void;
}

/** A client that sends `time_sync` probes and resolves on each reply. */
export interface EchoClient extends ClientConnection {
  probe(id: number): Promise<void>;
}

/** A room subscriber that reconnects and resumes by itself (reconnect-storm). */
export interface ResumingSubscriber extends ClientConnection {
  /** Whether the socket is open now. */
  isOpen(): boolean;
}

/** Handlers of a resuming subscriber. */
export interface ResumingHandlers {
  readonly onStamp: (stamp: Stamp) => void;
  /** Each time the socket (re)opens. */
  readonly onOpen: () => void;
}

/**
 * How the load generator talks to one server kind: the same jobs, each through that server's
 * own route and client. Every `open*` resolves when the connection is usable, rejects on failure.
 */
export interface Endpoint {
  openRoom(onStamp: (stamp: Stamp) => void): Promise<ClientConnection>;
  openPublisher(): Promise<Publisher>;
  openClock(onTick: () => void): Promise<ClientConnection>;
  openEcho(): Promise<EchoClient>;
  openIdle(): Promise<ClientConnection>;
  openResuming(handlers: ResumingHandlers): ResumingSubscriber;
  /** The publisher for reconnect-storm, which must keep publishing across the restart. */
  openResumingPublisher(): Publisher;
}
