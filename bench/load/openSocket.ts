import WebSocket from 'ws';

/** How long any single connection attempt may take, in ms. */
export const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Opens a `ws` client socket offering `protocols` (none by default); resolves once open, rejects
 * on error, early close or timeout.
 */
export function openSocket(
  url: string,
  onMessage: (text: string) => void,
  protocols: readonly string[] = [],
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, [...protocols], {
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
      // The servers are trusted; checking UTF-8 would only slow the generator down.
      skipUTF8Validation: true,
    });
    socket.on('message', (data: Buffer) => onMessage(data.toString()));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed with ${code} before open`)));
  });
}
