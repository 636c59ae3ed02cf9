/** The part of a WebSocket the client uses; the browser's and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor, such as `globalThis.WebSocket` or `WebSocket` from `ws`. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** A signal from the browser that can cut a wait short. */
export type EnvironmentSignal = 'online' | 'offline' | 'visible';

/** Everything the client takes from its environment; each part replaceable for tests and Node. */
export interface Environment {
  /** @default globalThis.WebSocket */
  readonly WebSocket: WebSocketConstructor;
  /** A monotonic clock in epoch milliseconds. @default performance.timeOrigin + performance.now() */
  readonly now: () => number;
  /** @default globalThis.setTimeout */
  setTimeout(callback: () => void, ms: number): unknown;
  /** @default globalThis.clearTimeout */
  clearTimeout(handle: unknown): void;
  /** @default Math.random */
  readonly random: () => number;
  /** @default navigator.onLine, or true outside browsers */
  isOnline(): boolean;
  /** Subscribes to online/offline/visible signals. @default window and document events */
  onSignal(listener: (signal: EnvironmentSignal) => void): () => void;
}

const listenBrowser = (listener: (signal: EnvironmentSignal) => void) => {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const online = () => listener('online');
  const offline = () => listener('offline');
  const visible = () => document.visibilityState === 'visible' && listener('visible');
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  document.addEventListener('visibilitychange', visible);
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', visible);
  };
};

/** The real environment, with any part overridden. */
export function createEnvironment(overrides: Partial<Environment> = {}): Environment {
  return {
    get WebSocket() {
      return globalThis.WebSocket as unknown as WebSocketConstructor;
    },
    now: () => performance.timeOrigin + performance.now(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: Math.random,
    isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    onSignal: listenBrowser,
    ...overrides,
  };
}
