import { describe, expect, it } from 'vitest';
import { addressKey } from './addressKey.js';

describe('addressKey', () => {
  it('L7 an IPv6 address counts by its /64, whatever form it is written in', () => {
    expect(
      [
        '2001:db8:0:7:1:2:3:4',
        '2001:DB8:0:7::9',
        '2001:0db8:0000:0007:ffff:ffff:ffff:ffff',
        '2001:db8:0:7::',
      ].map(addressKey),
    ).toEqual(Array(4).fill('2001:db8:0:7::/64'));
    expect(addressKey('2001:db8:0:8::1')).toBe('2001:db8:0:8::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('L7 an IPv4-mapped IPv6 address counts as its IPv4 address, dotted or in hex', () => {
    expect(['::ffff:1.2.3.4', '::FFFF:102:304', '0:0:0:0:0:ffff:1.2.3.4'].map(addressKey)).toEqual(
      Array(3).fill('1.2.3.4'),
    );
    expect(addressKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
  });

  it('L7 a zone id is not part of the client, and IPv4 or anything else counts as it is', () => {
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('fe80::2:3%25lo')).toBe('fe80:0:0:0::/64');
    expect(addressKey('1.2.3.4')).toBe('1.2.3.4');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
