import type { IncomingMessage } from 'node:http';

/** Why an upgrade request is not a well-formed WebSocket handshake (RFC 6455 §4.2.1). */
export interface HandshakeProblem {
  readonly status: 400 | 426;
  readonly field: string;
  readonly message: string;
}

/** The only WebSocket version there is. */
const WS_VERSION = '13';
/** A `Sec-WebSocket-Key` is 16 random bytes in base64. */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;
/** An offered subprotocol is an HTTP token (RFC 6455 §4.1, RFC 9110 §5.6.2). */
const TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether a `Sec-WebSocket-Protocol` value lists distinct tokens, as `ws` requires. */
const isProtocolList = (header: string): boolean => {
  const offered = header.split(',').map((p) => p.trim());
  return offered.every((p) => TOKEN_PATTERN.test(p)) && new Set(offered).size === offered.length;
};

/**
 * Checks the headers `ws` would otherwise reject with a plain-text `400`, so that every refused
 * handshake gets the protocol's JSON body (rule P3). Duplicated headers arrive joined by `, ` and
 * fail here too.
 */
export function checkHandshakeHeaders(req: IncomingMessage): HandshakeProblem | null {
  if (req.method !== 'GET')
    return {
      status: 400,
      field: 'method',
      message: `a WebSocket handshake uses GET, not ${req.method ?? ''}`,
    };
  const upgrade = req.headers.upgrade;
  if (upgrade?.toLowerCase() !== 'websocket')
    return { status: 400, field: 'upgrade', message: 'expected the header Upgrade: websocket' };
  const key = req.headers['sec-websocket-key'];
  if (key === undefined || !KEY_PATTERN.test(key))
    return {
      status: 400,
      field: 'sec-websocket-key',
      message: 'expected one Sec-WebSocket-Key header of 16 bytes in base64',
    };
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined && !isProtocolList(protocols))
    return {
      status: 400,
      field: 'sec-websocket-protocol',
      message: 'expected Sec-WebSocket-Protocol: distinct subprotocol names separated by commas',
    };
  const version = req.headers['sec-websocket-version'];
  if (version !== WS_VERSION)
    return {
      status: 426,
      field: 'sec-websocket-version',
      message: `expected Sec-WebSocket-Version: ${WS_VERSION}`,
    };
  return null;
}
