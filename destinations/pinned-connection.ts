import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';

/** Every address a host name resolves to (an IP literal is its own address). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * A connection pool that connects only to `addresses`, whatever the host name: the addresses
 * checked are the ones connected to, so a second DNS answer (rebinding) is never asked for.
 * TLS SNI and the Host header still carry the URL's host name. Close it after the exchange.
 */
export function pinnedAgent(addresses: string[]): Agent {
  const family = (a: string) => isIP(a);
  const pinned = ((_host, options, callback) => {
    if (options.all)
      callback(
        null,
        addresses.map((address) => ({ address, family: family(address) })),
      );
    else callback(null, addresses[0]!, family(addresses[0]!));
  }) as LookupFunction;
  return new Agent({ connect: { lookup: pinned } });
}
