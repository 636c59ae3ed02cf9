import type { IncomingMessage } from 'node:http';
import { canonicalAddress } from '../auth/addressKey.js';

/** IPv4 peers of a dual-stack socket appear as `::ffff:a.b.c.d`: the client is `a.b.c.d`. */
const plain = (address: string): string =>
  address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;

/**
 * Returns how a request's client address is found (rule L6): the TCP peer, unless the peer is a
 * trusted proxy, in which case `X-Forwarded-For` is read from the right, past every trusted proxy,
 * to the first address no trusted proxy vouches for. Entries left of it were written by the client
 * itself and are never believed.
 */
export function createClientAddress(
  trustedProxies: readonly string[],
): (req: IncomingMessage) => string {
  // Compared in one spelling: a proxy may be listed, or forwarded, in any form of its address.
  const trusted = new Set(trustedProxies.map(canonicalAddress));
  const isTrusted = (address: string): boolean => trusted.has(canonicalAddress(address));
  return (req) => {
    const peer = plain(req.socket.remoteAddress ?? 'unknown');
    const forwarded = req.headers['x-forwarded-for'];
    if (!isTrusted(peer) || forwarded === undefined) return peer;
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)
      .split(',')
      .map((hop) => plain(hop.trim()))
      .filter((hop) => hop !== '');
    let client = peer;
    for (let i = hops.length - 1; i >= 0 && isTrusted(client); i -= 1) client = hops[i] ?? client;
    return client;
  };
}
