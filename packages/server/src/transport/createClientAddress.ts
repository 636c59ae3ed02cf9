import type { IncomingMessage } from 'node:http';
import { canonicalAddress } from '../auth/addressKey.js';

/**
 * Returns how a request's client address is found (rule L6): the TCP peer, unless the peer is a
 * trusted proxy, in which case `X-Forwarded-For` is read from the right, past every trusted proxy,
 * to the first address no trusted proxy vouches for. Entries left of it were written by the client
 * itself and are never believed. The address is in `canonicalAddress`'s spelling: an IPv4 peer of a
 * dual-stack socket (`::ffff:a.b.c.d`) is `a.b.c.d`.
 */
export function createClientAddress(
  trustedProxies: readonly string[],
): (req: IncomingMessage) => string {
  // Compared in one spelling: a proxy may be listed, or forwarded, in any form of its address.
  const trusted = new Set(trustedProxies.map(canonicalAddress));
  const isTrusted = (address: string): boolean => trusted.has(address);
  return (req) => {
    const peer = canonicalAddress(req.socket.remoteAddress ?? 'unknown');
    const forwarded = req.headers['x-forwarded-for'];
    if (!isTrusted(peer) || forwarded === undefined) return peer;
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    let client = peer;
    // Only the hops walked are spelled canonically: the client writes as many as it likes.
    for (let i = hops.length - 1; i >= 0 && isTrusted(client); i -= 1)
      client = canonicalAddress(hops[i] ?? client);
    return client;
  };
}
