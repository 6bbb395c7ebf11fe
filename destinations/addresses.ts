import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless its destination sets `allow_private_addresses`:
 * everything that is not global unicast (IANA special-purpose registries). One table, read
 * by `isGlobalUnicast`; IPv4-mapped IPv6 addresses are judged by the IPv4 address they carry.
 */
const NOT_GLOBAL: ReadonlyArray<readonly [cidr: string, why: string]> = [
  ['0.0.0.0/8', 'this network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved, and 255.255.255.255 broadcast'],
  ['::/96', 'unspecified, loopback and IPv4-compatible'],
  ['64:ff9b::/96', 'NAT64: reaches any IPv4 address, private ones included'],
  ['64:ff9b:1::/48', 'local NAT64'],
  ['100::/64', 'discard'],
  ['2001::/32', 'Teredo: carries an IPv4 address'],
  ['2001:2::/48', 'benchmarking'],
  ['2001:10::/28', 'ORCHID'],
  ['2001:db8::/32', 'documentation'],
  ['2002::/16', '6to4: carries an IPv4 address'],
  ['fc00::/7', 'unique local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
  // IPv6 global unicast is 2000::/3: everything outside it is refused.
  ['::/3', 'not global unicast'],
  ['4000::/2', 'not global unicast'],
  ['8000::/1', 'not global unicast'],
];

// One list per family: a BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d),
// and IPv6's "outside 2000::/3" rows would then refuse every IPv4 address.
const BLOCKED = { 4: new BlockList(), 6: new BlockList() };
for (const [cidr] of NOT_GLOBAL) {
  const [net, bits] = cidr.split('/') as [string, string];
  const family = isIP(net) as 4 | 6;
  BLOCKED[family].addSubnet(net, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
}

/** True only for a global unicast address; anything unparsable is not. */
export function isGlobalUnicast(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped) return isGlobalUnicast(mapped);
  const family = isIP(bare);
  if (family === 0) return false;
  return !BLOCKED[family as 4 | 6].check(bare, family === 6 ? 'ipv6' : 'ipv4');
}
