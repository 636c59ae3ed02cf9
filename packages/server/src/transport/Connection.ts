import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  closeReason,
  type Delivery,
  type ErrorData,
  type ServerMessage,
  type WsRouteName,
} from '@liveline/protocol';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { encodeMessage } from '../encodeMessage.js';
import type { RouteCounters } from './routeStats.js';
import { encodeTextFrame } from './wireFrame.js';

/** Tells this process's connection ids from another's in merged logs. */
const ID_PREFIX = randomUUID().slice(0, 8);
let connectionsCreated = 0;

/**
 * A text frame: a string `ws` frames, or a whole frame already encoded (`encodeTextFrame`)
 * when one broadcast goes to many sockets.
 */
export type Frame = string | Buffer;

/** Per-connection flow-control bounds. */
export interface FlowLimits {
  /** Unsent bytes above which an ordered-route client is closed with 1013. */
  readonly orderedMaxBufferedBytes: number;
  /** Unsent bytes above which a latest-route client gets only the newest value. */
  readonly latestMaxBufferedBytes: number;
}

/**
 * One accepted WebSocket: sends with backpressure (ordered routes close a slow consumer with
 * 1013, latest routes conflate to the newest frame), tracks liveness and its room subscriptions.
 */
export class Connection<R extends WsRouteName = WsRouteName> {
  /** Stable id for logs; a counter, because a UUID per upgrade is measurable in a connect storm. */
  readonly id = `${ID_PREFIX}-${(connectionsCreated += 1).toString(36)}`;
  /** Rooms this connection listens to. */
  readonly rooms = new Set<string>();
  /** Server time from which nothing was sent, as of the last {@link quietSince} (rule H1). */
  private quietFrom: number;
  /** Whether a frame went out since the last {@link quietSince}. */
  private sentSinceLook = false;
  /** Whether a pong arrived since the last ping. */
  alive = true;
  private pendingLatest: Frame | null = null;
  /** Latest-route writes whose callback will flush {@link pendingLatest}. */
  private writesInFlight = 0;
  /** Bytes of replayed history not yet written: a resume burst must not count as slowness. */
  private backlogBytes = 0;
  private readonly cleanups: (() => void)[] = [];
  /** Set once the close cleanups ran: a room joined later (after an async join) is left at once. */
  private isDisposed = false;

  constructor(
    readonly route: R,
    private readonly delivery: Delivery,
    private readonly socket: WebSocket,
    /** The TCP socket under `socket`: broadcast frames are written to it whole. */
    private readonly wire: Duplex,
    private readonly counters: RouteCounters,
    private readonly limits: FlowLimits,
    now: () => number,
  ) {
    this.quietFrom = now();
  }

  /**
   * Since when nothing has been sent, as seen at server time `t` by the heartbeat sweep (rule H1).
   * Sends only raise a flag: reading the clock per frame would cost every broadcast, and the
   * sweep's own period is precision enough for a heartbeat.
   */
  quietSince(t: number): number {
    if (this.sentSinceLook) {
      this.sentSinceLook = false;
      this.quietFrom = t;
    }
    return this.quietFrom;
  }

  /** Whether frames can still be sent. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends one message of this route through the protocol; it must not be dropped (replies, snapshots). */
  sendMessage(message: ServerMessage<R>): void {
    this.sendOrdered(encodeMessage(this.route, message));
  }

  /** Sends an error reply naming the problem (rule E1). */
  sendError(data: ErrorData): void {
    // Every route carries the control messages (`serverControlVariants`); TypeScript cannot see
    // that through a generic route, and the protocol still validates it in tests.
    this.sendMessage({ type: 'error', data } as ServerMessage<R>);
  }

  /**
   * Sends the message that starts a join (its snapshot or `resumed`) as backlog: a board's
   * snapshot may be bigger than the unsent bytes allowed, and a client is not slow for being
   * sent it (rule L2).
   */
  sendStart(message: ServerMessage<R>): void {
    this.sendBacklog(encodeTextFrame(encodeMessage(this.route, message)));
  }

  /**
   * Sends a frame that catches a join up (a replay, events a snapshot lacks); bounded by the
   * history size, so it skips the slow-consumer check.
   */
  sendBacklog(frame: Buffer): void {
    if (!this.open) return;
    this.backlogBytes += frame.length;
    this.counters.messages_sent += 1;
    this.sentSinceLook = true;
    this.wire.write(frame, () => {
      this.backlogBytes -= frame.length;
    });
  }

  /** Sends a frame of this route's delivery kind: ordered frames queue, latest frames conflate. */
  sendFrame(frame: Frame): void {
    if (this.delivery === 'ordered') this.sendOrdered(frame);
    else this.sendLatest(frame);
  }

  /** Records that this connection listens to `room` until it closes; `leave` unsubscribes. */
  joinRoom(room: string, leave: () => void): void {
    this.rooms.add(room);
    this.onClose(leave);
  }

  /** Counts a resume request and whether it was recovered (for `/health`). */
  recordResume(recovered: boolean): void {
    if (recovered) this.counters.resumes_served += 1;
    else this.counters.resumes_not_recovered += 1;
  }

  /** Registers work to undo when the socket closes (unsubscribes). */
  onClose(cleanup: () => void): void {
    if (this.isDisposed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Closes with a code and a reason shortened to fit the close frame. */
  close(code: number, reason: string): void {
    if (
      this.socket.readyState === this.socket.CLOSED ||
      this.socket.readyState === this.socket.CLOSING
    )
      return;
    this.socket.close(code, closeReason(reason));
  }

  /** Drops the TCP connection at once (dead peers). */
  terminate(): void {
    this.socket.terminate();
  }

  /** Sends a protocol ping; a peer that does not pong by the next round is terminated (rule H3). */
  ping(): void {
    if (!this.alive) {
      this.terminate();
      return;
    }
    this.alive = false;
    if (this.open) this.socket.ping();
  }

  /** Runs the close cleanups once. */
  disposed(): void {
    this.isDisposed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.pendingLatest = null;
  }

  private write(frame: Frame): void {
    this.counters.messages_sent += 1;
    this.sentSinceLook = true;
    // A write callback costs a tick per frame in Node's stream, so only a latest-route frame that
    // joins a backlog gets one: only then may a conflated frame (L3) wait for a write to finish.
    const done = this.delivery === 'latest' && this.unsent > 0 ? this.afterWrite : undefined;
    if (done) this.writesInFlight += 1;
    // ws writes its own frames to the same socket synchronously and queues none (no compression),
    // so a whole frame written here never lands inside one of them; `unsent` counts it.
    if (typeof frame === 'string') this.socket.send(frame, done);
    else this.wire.write(frame, done);
  }

  /**
   * The bytes written and not yet sent: `ws`'s `bufferedAmount` without visiting `ws`'s sender,
   * which queues nothing of its own without compression. Read on every broadcast frame, where
   * each object visited per socket costs (docs/benchmarks.md, fifteenth session).
   */
  private get unsent(): number {
    return this.wire.writableLength;
  }

  private readonly afterWrite = (): void => {
    this.writesInFlight -= 1;
    this.flushLatest();
  };

  private sendOrdered(frame: Frame): void {
    if (!this.open) return;
    if (this.unsent - this.backlogBytes > this.limits.orderedMaxBufferedBytes) {
      // The client resumes from its last seq after 1013, so closing loses nothing (rule L2).
      this.counters.slow_consumer_closes += 1;
      this.close(CloseCode.TryAgainLater, 'slow consumer');
      return;
    }
    this.write(frame);
  }

  private sendLatest(frame: Frame): void {
    if (!this.open) return;
    if (this.unsent > this.limits.latestMaxBufferedBytes && this.writesInFlight > 0) {
      // Stale values are replaced, never queued (rule L3); a write in flight flushes this one.
      if (this.pendingLatest !== null) this.counters.messages_dropped += 1;
      this.pendingLatest = frame;
      return;
    }
    if (this.pendingLatest !== null) {
      this.counters.messages_dropped += 1;
      this.pendingLatest = null;
    }
    this.write(frame);
  }

  private flushLatest(): void {
    const frame = this.pendingLatest;
    if (frame === null || !this.open || this.unsent > this.limits.latestMaxBufferedBytes) return;
    this.pendingLatest = null;
    this.write(frame);
  }
}
