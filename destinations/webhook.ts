import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DestinationError } from './errors.ts';
import { check, exchange, safeHost } from './http.ts';
import type { ClientSettings } from './settings.ts';
import type { CallContext, CallResult, DestinationCall, DestinationClient } from './types.ts';

/** Loopback, private, link-local and other non-public ranges a flow must not reach by default. */
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::1', 128], ['::', 128], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Any HTTP endpoint, with the step's rendered URL, method, headers and body, plus the
 * destination's own headers (credentials as ${VAR}). Refuses loopback and private addresses
 * unless the destination sets `allow_private_addresses: true`.
 */
export class WebhookClient implements DestinationClient {
  readonly type = 'webhook' as const;
  readonly name: string;

  constructor(private readonly settings: ClientSettings) {
    this.name = settings.name;
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    if (call.kind !== 'webhook') throw new DestinationError(`a webhook destination cannot ${call.kind}`, false);
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      throw new DestinationError(`the webhook URL does not parse as a URL (host ${safeHost(call.url)})`, false);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DestinationError(`webhooks use http or https, not ${url.protocol}`, false);
    if (this.settings.raw.allow_private_addresses !== true) await this.refusePrivate(url.hostname);
    const configured = (this.settings.raw.headers ?? {}) as Record<string, string>;
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(configured).map(([h, v]) => [h, this.settings.resolve(v)])),
      ...call.headers,
      'idempotency-key': context.idempotencyKey,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      if (typeof call.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const response = await exchange(this.name, {
      method: call.method,
      url: url.toString(),
      headers,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: this.settings.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    check(this.name, response, { errorText: (r) => r.text.slice(0, 200) || undefined });
    return {};
  }

  private async refusePrivate(hostname: string): Promise<void> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) throw new DestinationError(`cannot resolve ${host}`, true);
    if (addresses.some(isPrivateAddress)) {
      throw new DestinationError(`${host} is a loopback or private address; set allow_private_addresses: true on destination '${this.name}' to allow it`, false);
    }
  }
}

