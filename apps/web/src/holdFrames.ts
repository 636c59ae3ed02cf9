import type { WebSocketConstructor, WebSocketLike } from '@liveline/ws-client';

/** Real sockets whose frames can be held back: an injected network delay. */
export interface FrameHolder {
  /** A client's `environment.WebSocket`: a real socket. */
  readonly WebSocket: WebSocketConstructor;
  /**
   * From now on holds every frame that arrives on a socket whose URL `holds` accepts, or with
   * `sent` every frame the client writes on one, as a stalled connection would: the server reads
   * none until released, and those of a socket closed meanwhile never (they die with it). With
   * `only`, just the received frames it accepts are held, the others delivered: a message that
   * comes late by another path, as a cluster's event whose publish failed.
   */
  hold(way?: Way, only?: (data: string) => boolean): void;
  /** Delivers the frames held that `way` in order and stops holding them. */
  release(way?: Way): void;
  /**
   * Loses the network of the sockets it covers: the open ones close as a dropped connection does
   * (1006, the server's frames never delivered) and new ones are refused until {@link restore}.
   */
  cut(): void;
  /** Lets new sockets connect again. */
  restore(): void;
}

/** Which frames a {@link FrameHolder} holds: those the client receives, or those it sends. */
type Way = 'received' | 'sent';

/** A {@link FrameHolder} for the sockets whose URL `holds` accepts. */
export function holdFrames(holds: (url: string) => boolean): FrameHolder {
  const held: Record<Way, (() => void)[] | null> = { received: null, sent: null };
  let only: (data: string) => boolean = () => true;
  let cut = false;
  const live = new Set<HoldingSocket>();
  class HoldingSocket implements WebSocketLike {
    readonly #socket: WebSocket;
    readonly #holdable: boolean;
    #dropped = false;
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    constructor(url: string, protocols?: string | string[]) {
      this.#holdable = holds(url);
      // While cut, a port nothing listens on: the connection is refused for real.
      this.#socket = new WebSocket(cut && this.#holdable ? 'ws://127.0.0.1:9/' : url, protocols);
      if (this.#holdable) live.add(this);
      this.#socket.addEventListener('close', () => live.delete(this));
      this.#socket.onopen = (event) => this.onopen?.(event);
      this.#socket.onclose = (event) => this.onclose?.(event);
      this.#socket.onerror = (event) => this.onerror?.(event);
      this.#socket.onmessage = (event) => {
        const deliver = () => this.onmessage?.(event);
        if (held.received && this.#holdable && only(String(event.data)))
          held.received.push(deliver);
        else deliver();
      };
    }
    get readyState() {
      return this.#dropped ? WebSocket.CLOSED : this.#socket.readyState;
    }
    drop() {
      this.#dropped = true;
      live.delete(this);
      this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null;
      this.#socket.onerror = null;
      this.#socket.close();
      this.onclose?.({ code: 1006, reason: '' });
    }
    send(data: string) {
      const write = () => this.#socket.readyState === WebSocket.OPEN && this.#socket.send(data);
      if (held.sent && this.#holdable) held.sent.push(write);
      else write();
    }
    close(code?: number, reason?: string) {
      this.#socket.close(code, reason);
    }
  }
  return {
    WebSocket: HoldingSocket,
    hold(way = 'received', accepts = () => true) {
      held[way] = [];
      only = accepts;
    },
    release(way = 'received') {
      const frames = held[way] ?? [];
      held[way] = null;
      frames.forEach((deliver) => deliver());
    },
    cut() {
      cut = true;
      live.forEach((socket) => socket.drop());
    },
    restore() {
      cut = false;
    },
  };
}
