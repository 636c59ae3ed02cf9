import { isIPv6 } from 'node:net';

/** The bits of an IPv6 address that name one host's network: a host is given a whole /64. */
const IPV6_HOST_GROUPS = 4;

/** The eight 16-bit groups of a valid IPv6 address without zone id. */
const groupsOf = (ipv6: string): number[] => {
  // The URL parser writes an IPv6 host compressed, in hex groups only (`::ffff:1.2.3.4` becomes
  // `::ffff:102:304`), with `::` at most once.
  const canonical = new URL(`http://[${ipv6}]`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
};

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) stands for, or null. */
const mappedIpv4 = (groups: readonly number[]): string | null => {
  const [g6 = 0, g7 = 0] = groups.slice(6);
  return groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff
    ? [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.')
    : null;
};

/**
 * One spelling per address, so that listed addresses (`TRUSTED_PROXIES`) match what sockets and
 * proxies write: an IPv4-mapped IPv6 address as its IPv4 address, any other IPv6 address compressed
 * in lower case, anything else (IPv4, an address with a zone id) as it is.
 */
export function canonicalAddress(address: string): string {
  if (!isIPv6(address) || address.includes('%')) return address;
  return mappedIpv4(groupsOf(address)) ?? new URL(`http://[${address}]`).hostname.slice(1, -1);
}

/**
 * The client an address counts as in the per-address limits (rules L5, A7, L7): an IPv6 address by its /64
 * (`2001:db8:0:7::/64`), since one host owns a /64 and can send from any address in it; an
 * IPv4-mapped one (`::ffff:1.2.3.4`) by its IPv4 address; anything else (IPv4) as it is.
 * It lives in auth/, which imports neither http/ nor transport/: all three limits can use it
 * with imports that go one way.
 */
export function addressKey(address: string): string {
  // A zone id (`fe80::1%eth0`) names the interface, not the host.
  const bare = address.split('%', 1)[0] ?? address;
  if (!isIPv6(bare)) return address;
  const groups = groupsOf(bare);
  return (
    mappedIpv4(groups) ??
    `${groups
      .slice(0, IPV6_HOST_GROUPS)
      .map((group) => group.toString(16))
      .join(':')}::/64`
  );
}
