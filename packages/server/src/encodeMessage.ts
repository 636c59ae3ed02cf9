import { encodeServerMessage, type ServerMessage, type WsRouteName } from '@liveline/protocol';

/**
 * Whether what the server sends is checked against the protocol: in tests and development
 * builds, where a mismatch throws; a production server (or `npm start`) only serializes.
 */
export const VALIDATE_OUTBOUND =
  process.env.NODE_ENV === 'test' || process.env.NODE_ENV === 'development';

/** Serializes a message of route `R` through the protocol (typed by route, validated as above). */
export const encodeMessage = <R extends WsRouteName>(route: R, message: ServerMessage<R>): string =>
  encodeServerMessage(route, message, VALIDATE_OUTBOUND);
