import type { EchoClient } from './Endpoint.js';
import { openSocket } from './openSocket.js';

/**
 * An echo client over a plain `ws` socket speaking Liveline's `time_sync` probe, which the ws-raw
 * peer answers in the same format. Frames other than `time_sync` replies are ignored.
 */
export async function openEchoClient(
  url: string,
  protocols: readonly string[] = [],
): Promise<EchoClient> {
  const waiting = new Map<number, () => void>();
  const socket = await openSocket(
    url,
    (text) => {
      if (!text.startsWith('{"type":"time_sync"')) return;
      const id = (JSON.parse(text) as { data: { id: number } }).data.id;
      waiting.get(id)?.();
      waiting.delete(id);
    },
    protocols,
  );
  return {
    probe: (id) =>
      new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        socket.send(
          JSON.stringify({ type: 'time_sync', id, t0: performance.timeOrigin + performance.now() }),
        );
      }),
    close: () => socket.close(),
  };
}
