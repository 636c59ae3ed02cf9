import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** What the proxy has done so far. */
export interface ChaosStats {
  drops: number;
  stalls: number;
  delayedChunks: number;
}

/** A TCP proxy on 127.0.0.1 that can drop, delay, stall and silently blackhole connections. */
export interface ChaosProxy {
  /** `http://127.0.0.1:port` of the proxy. */
  readonly origin: string;
  readonly stats: ChaosStats;
  /** Per-chunk delay range in ms applied to both directions (order is kept). */
  setDelay(minMs: number, maxMs: number): void;
  /** Destroys `fraction` of the open connections (both sides), returns how many. */
  dropRandom(fraction: number): number;
  /** Holds all traffic of `fraction` of the connections for `ms`, then releases it in order. */
  stallRandom(fraction: number, ms: number): number;
  /** Stops forwarding on every open connection without closing it (a half-open path). */
  blackholeAll(): number;
  close(): Promise<void>;
}

interface Pipe {
  readonly client: Socket;
  readonly upstream: Socket;
  stalledUntil: number;
  blackholed: boolean;
}

/** Starts a chaos proxy in front of `target` (`http://host:port`); `random` makes the faults repeatable. */
export async function createChaosProxy(
  target: string,
  random: () => number = Math.random,
): Promise<ChaosProxy> {
  const { hostname, port } = new URL(target);
  const pipes = new Set<Pipe>();
  const stats: ChaosStats = {
    drops: 0,
    stalls: 0,
    delayedChunks: 0,
  };
  let delay = { min: 0, max: 0 };

  /** Forwards `from` → `to` in order, honouring delay, stalls and the blackhole. */
  const forward = (pipe: Pipe, from: Socket, to: Socket): void => {
    let releaseAt = 0;
    from.on('data', (chunk: Buffer) => {
      if (pipe.blackholed) return;
      const now = performance.now();
      const wait = delay.max > 0 ? delay.min + random() * (delay.max - delay.min) : 0;
      releaseAt = Math.max(releaseAt, now + wait, pipe.stalledUntil);
      if (releaseAt <= now) {
        to.write(chunk);
        return;
      }
      stats.delayedChunks += 1;
      const write = (): void => {
        if (pipe.blackholed || to.destroyed) return;
        // A stall that started after this chunk was scheduled holds it too.
        const left = pipe.stalledUntil - performance.now();
        if (left > 0) setTimeout(write, left);
        else to.write(chunk);
      };
      setTimeout(write, releaseAt - now);
    });
  };

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const pipe: Pipe = { client, upstream, stalledUntil: 0, blackholed: false };
    pipes.add(pipe);
    const end = (): void => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    forward(pipe, client, upstream);
    forward(pipe, upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pick = (fraction: number): Pipe[] =>
    [...pipes].filter((p) => !p.blackholed && random() < fraction);

  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    setDelay(minMs, maxMs) {
      delay = { min: minMs, max: maxMs };
    },
    dropRandom(fraction) {
      const victims = pick(fraction);
      for (const pipe of victims) {
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      stats.drops += victims.length;
      return victims.length;
    },
    stallRandom(fraction, ms) {
      const victims = pick(fraction);
      for (const pipe of victims) pipe.stalledUntil = performance.now() + ms;
      stats.stalls += victims.length;
      return victims.length;
    },
    blackholeAll() {
      const victims = pick(1);
      for (const pipe of victims) pipe.blackholed = true;
      return victims.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pipe of pipes) {
          pipe.client.destroy();
          pipe.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
