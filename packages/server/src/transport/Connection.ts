import { randomUUID } from 'node:crypto';
import {
  CloseCode,
  closeReason,
  type Delivery,
  type ErrorData,
  type WsRouteName,
} from '@liveline/protocol';
import type { WebSocket } from 'ws';
import type { RouteCounters } from './routeStats.js';

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
export class Connection {
  /** Stable id for logs. */
  readonly id = randomUUID();
  /** Rooms this connection listens to. */
  readonly rooms = new Set<string>();
  /** Server time of the last frame sent, epoch ms (drives the app heartbeat). */
  lastSentAt: number;
  /** Whether a pong arrived since the last ping. */
  alive = true;
  private pendingLatest: string | null = null;
  /** Bytes of replayed history not yet written: a resume burst must not count as slowness. */
  private backlogBytes = 0;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly route: WsRouteName,
    private readonly delivery: Delivery,
    private readonly socket: WebSocket,
    private readonly counters: RouteCounters,
    private readonly limits: FlowLimits,
    private readonly now: () => number,
  ) {
    this.lastSentAt = now();
  }

  /** Whether frames can still be sent. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Serializes and sends one message that must not be dropped (control replies, snapshots). */
  sendMessage(message: object): void {
    this.sendOrdered(JSON.stringify(message));
  }

  /** Sends an error reply naming the problem (rule E1). */
  sendError(data: ErrorData): void {
    this.sendMessage({ type: 'error', data });
  }

  /** Sends a replayed history frame; bounded by the history size, so it skips the slow-consumer check. */
  sendBacklog(frame: string): void {
    if (!this.open) return;
    const bytes = Buffer.byteLength(frame);
    this.backlogBytes += bytes;
    this.counters.messages_sent += 1;
    this.lastSentAt = this.now();
    this.socket.send(frame, () => {
      this.backlogBytes -= bytes;
    });
  }

  /** Sends a frame of this route's delivery kind: ordered frames queue, latest frames conflate. */
  sendFrame(frame: string): void {
    if (this.delivery === 'ordered') this.sendOrdered(frame);
    else this.sendLatest(frame);
  }

  /** Records that this connection listens to `room` until it closes; `leave` unsubscribes. */
  joinRoom(room: string, leave: () => void): void {
    this.rooms.add(room);
    this.cleanups.push(leave);
  }

  /** Counts a resume request and whether it was recovered (for `/health`). */
  recordResume(recovered: boolean): void {
    if (recovered) this.counters.resumes_served += 1;
    else this.counters.resumes_not_recovered += 1;
  }

  /** Registers work to undo when the socket closes (unsubscribes). */
  onClose(cleanup: () => void): void {
    this.cleanups.push(cleanup);
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
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.pendingLatest = null;
  }

  private write(frame: string): void {
    this.counters.messages_sent += 1;
    this.lastSentAt = this.now();
    // Only a latest route has a pending frame to flush once a write is done. A write callback
    // costs a tick per frame in Node's stream, so ordered routes (the fanout path) send without one.
    if (this.delivery === 'latest') this.socket.send(frame, this.afterWrite);
    else this.socket.send(frame);
  }

  private readonly afterWrite = (): void => this.flushLatest();

  private sendOrdered(frame: string): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount - this.backlogBytes > this.limits.orderedMaxBufferedBytes) {
      // The client resumes from its last seq after 1013, so closing loses nothing (rule L2).
      this.counters.slow_consumer_closes += 1;
      this.close(CloseCode.TryAgainLater, 'slow consumer');
      return;
    }
    this.write(frame);
  }

  private sendLatest(frame: string): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.limits.latestMaxBufferedBytes) {
      // Stale values are replaced, never queued (rule L3); a later write callback flushes this one.
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
    if (
      frame === null ||
      !this.open ||
      this.socket.bufferedAmount > this.limits.latestMaxBufferedBytes
    )
      return;
    this.pendingLatest = null;
    this.write(frame);
  }
}
