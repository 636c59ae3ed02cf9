import type { WebSocketConstructor, WebSocketLike } from '@liveline/ws-client';

/** Real sockets whose inbound frames can be held back: an injected network delay. */
export interface FrameHolder {
  /** A client's `environment.WebSocket`: a real socket. */
  readonly WebSocket: WebSocketConstructor;
  /** From now on holds every frame that arrives on a socket whose URL `holds` accepts. */
  hold(): void;
  /** Delivers the held frames in order and stops holding. */
  release(): void;
}

/** A {@link FrameHolder} for the sockets whose URL `holds` accepts. */
export function holdFrames(holds: (url: string) => boolean): FrameHolder {
  let held: (() => void)[] | null = null;
  class HoldingSocket implements WebSocketLike {
    readonly #socket: WebSocket;
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    constructor(url: string, protocols?: string | string[]) {
      this.#socket = new WebSocket(url, protocols);
      this.#socket.onopen = (event) => this.onopen?.(event);
      this.#socket.onclose = (event) => this.onclose?.(event);
      this.#socket.onerror = (event) => this.onerror?.(event);
      this.#socket.onmessage = (event) => {
        const deliver = () => this.onmessage?.(event);
        if (held && holds(url)) held.push(deliver);
        else deliver();
      };
    }
    get readyState() {
      return this.#socket.readyState;
    }
    send(data: string) {
      this.#socket.send(data);
    }
    close(code?: number, reason?: string) {
      this.#socket.close(code, reason);
    }
  }
  return {
    WebSocket: HoldingSocket,
    hold: () => void (held = []),
    release() {
      const frames = held ?? [];
      held = null;
      frames.forEach((deliver) => deliver());
    },
  };
}
