import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Completes a hand-written upgrade that sends neither `Sec-WebSocket-Key` nor
 * `Sec-WebSocket-Version` (the DAW document's `curl`) as version 13 with a key the server draws,
 * from which `ws` computes `Sec-WebSocket-Accept` (rule P3, docs/decisions.md). Browsers always
 * send both, so no page can reach this. A request with only one of the two is left as it is, for
 * `checkHandshakeHeaders` to refuse.
 */
export function completeBareHandshake(req: IncomingMessage): void {
  if (
    req.headers['sec-websocket-key'] !== undefined ||
    req.headers['sec-websocket-version'] !== undefined
  )
    return;
  req.headers['sec-websocket-key'] = randomBytes(16).toString('base64');
  req.headers['sec-websocket-version'] = '13';
}
