import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection } from './Connection.js';
import { createRouteCounters } from './routeStats.js';

/** A socket whose kernel never drains: written frames stay buffered until `drain()`. */
class StalledSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  writableLength = 0;
  written: string[] = [];
  closedWith: [number, string] | null = null;
  callbacks: (() => void)[] = [];
  send(frame: string, cb?: () => void): void {
    this.written.push(frame);
    this.writableLength += frame.length;
    if (cb) this.callbacks.push(cb);
  }
  /** The TCP side: whole frames written past ws (broadcasts, replays). */
  write(frame: Buffer, cb?: () => void): void {
    this.written.push(`<${frame.length} bytes>`);
    this.writableLength += frame.length;
    if (cb) this.callbacks.push(cb);
  }
  drain(): void {
    this.writableLength = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
}

const connect = (delivery: 'latest' | 'ordered', now = () => 0) => {
  const socket = new StalledSocket();
  const counters = createRouteCounters();
  const connection = new Connection(
    'clock',
    delivery,
    socket as unknown as WebSocket,
    socket as unknown as Duplex,
    counters,
    { orderedMaxBufferedBytes: 100, latestMaxBufferedBytes: 0 },
    now,
  );
  return { socket, counters, connection };
};

describe('Connection flow control', () => {
  it('L3 a stalled latest-route client holds at most one pending frame and gets the newest on drain', () => {
    const { socket, counters, connection } = connect('latest');
    for (let tick = 0; tick < 10_000; tick += 1) connection.sendFrame(`{"tick":${tick}}`);
    // The second frame joins the backlog with a write callback; from then on frames wait for it.
    expect(socket.written).toEqual(['{"tick":0}', '{"tick":1}']);
    expect(socket.callbacks).toHaveLength(1);
    expect(counters.messages_dropped).toBe(9_997);
    socket.drain();
    expect(socket.written).toEqual(['{"tick":0}', '{"tick":1}', '{"tick":9999}']);
  });

  it('L3 frames written into an empty buffer carry no write callback', () => {
    const { socket, connection } = connect('latest');
    connection.sendFrame('{"tick":0}');
    socket.drain();
    connection.sendFrame('{"tick":1}');
    expect(socket.written).toEqual(['{"tick":0}', '{"tick":1}']);
    expect(socket.callbacks).toHaveLength(0);
  });

  it('L2 an ordered-route client over its bound is closed with 1013 slow consumer', () => {
    const { socket, counters, connection } = connect('ordered');
    for (let i = 0; i < 20; i += 1) connection.sendFrame(`{"seq":${i},"pad":"xxxxxxxxxx"}`);
    expect(socket.closedWith).toEqual([CloseCode.TryAgainLater, 'slow consumer']);
    expect(counters.slow_consumer_closes).toBe(1);
  });

  it('L2 a replayed backlog does not count as slowness', () => {
    const { socket, connection } = connect('ordered');
    for (let i = 0; i < 20; i += 1)
      connection.sendBacklog(Buffer.from(`{"seq":${i},"pad":"xxxxxxxxxx"}`));
    connection.sendFrame('{"seq":20}');
    expect(socket.closedWith).toBeNull();
    expect(socket.written).toHaveLength(21);
  });

  it('H1 a connection is quiet from the first heartbeat sweep that saw no frame go out', () => {
    const { socket, connection } = connect('ordered', () => 1000);
    expect(connection.quietSince(2000)).toBe(1000);
    connection.sendFrame('{"seq":1}');
    socket.drain();
    // The send is noticed by the next sweep, without reading the clock per frame.
    expect(connection.quietSince(3000)).toBe(3000);
    expect(connection.quietSince(4000)).toBe(3000);
  });
});
