import {
  createEnvironment,
  type Environment,
  type EnvironmentSignal,
} from '../core/environment.js';
import type { WebSocketLike } from '../core/environment.js';

/** A deterministic PRNG (mulberry32), so backoff tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A socket the test drives from the server's side. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: string[] = [];
  closedWith: { code?: number | undefined; reason?: string | undefined } | null = null;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  /** The server accepts. */
  accept() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /**
   * The server accepts and serves: `message` is a frame the route counts as delivering (rule K6;
   * on an ordered route a frame with a seq), after which the connection is `open`.
   */
  serve(message: unknown = { type: 'snapshot', seq: 0, epoch: 'e0', data: {} }) {
    if (this.readyState !== 1) this.accept();
    this.receive(message);
  }
  /** The server sends a message (objects are JSON-encoded). */
  receive(message: unknown) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  /** The server or network closes the socket. */
  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** What the client sent, parsed. */
  messages(): unknown[] {
    return this.sent.map((s) => JSON.parse(s) as unknown);
  }
}

/** An environment on vitest's fake timers, with fake sockets and controllable signals. */
export function createFakeEnvironment(random: () => number = seededRandom(1)) {
  const sockets: FakeSocket[] = [];
  const listeners = new Set<(signal: EnvironmentSignal) => void>();
  let online = true;
  const env: Environment = createEnvironment({
    WebSocket: class extends FakeSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    },
    now: () => Date.now(),
    random,
    isOnline: () => online,
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const latest = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  };
  const signal = (s: EnvironmentSignal) => {
    if (s !== 'visible') online = s === 'online';
    listeners.forEach((l) => l(s));
  };
  return { env, sockets, latest, signal, listeners };
}
