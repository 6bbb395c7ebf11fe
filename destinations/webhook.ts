import { isIP } from 'node:net';
import { isGlobalUnicast } from './addresses.ts';
import { DestinationError } from './errors.ts';
import { check, exchange, safeHost } from './http.ts';
import { pinnedAgent, systemResolver, type Resolver } from './pinned-connection.ts';
import type { ClientSettings } from './settings.ts';
import type { CallContext, CallResult, DestinationCall, DestinationClient } from './types.ts';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A `.` or `..` path segment, also percent-encoded: URL parsing would rewrite the path with it.
const DOT_SEGMENT = /(^|[/\\])(\.|%2e){1,2}(?=[/\\?#]|$)/i;
const PATH = /^[a-z][a-z0-9+.-]*:[/\\]*[^/\\?#]*([^?#]*)/i;

/** `hooks.example.com` matches itself; `*.example.com` any host under example.com. */
const hostMatches = (host: string, pattern: string): boolean => {
  const p = pattern.toLowerCase().replace(/^\[|\]$/g, '');
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p;
};

/**
 * Any HTTP endpoint, with the step's rendered URL, method, headers and body, plus the
 * destination's own headers (credentials as ${VAR}), which are sent only to the hosts in its
 * `allowed_hosts`. The host is resolved once, every address must be global unicast (unless
 * `allow_private_addresses: true`), and the connection goes to those very addresses.
 */
export class WebhookClient implements DestinationClient {
  readonly type = 'webhook' as const;
  readonly name: string;
  private readonly resolve: Resolver;

  constructor(
    private readonly settings: ClientSettings,
    options: { resolve?: Resolver } = {},
  ) {
    this.name = settings.name;
    this.resolve = options.resolve ?? systemResolver;
  }

  async perform(call: DestinationCall, context: CallContext): Promise<CallResult> {
    if (call.kind !== 'webhook') throw new DestinationError(`a webhook destination cannot ${call.kind}`, false);
    const url = this.parse(call.url);
    const configured = (this.settings.raw.headers ?? {}) as Record<string, string>;
    this.refuseHost(url, Object.keys(configured).length > 0);
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(configured).map(([h, v]) => [h, this.settings.resolve(v)])),
      ...call.headers,
      'idempotency-key': context.idempotencyKey,
    };
    refuseBadHeaders(headers);
    let body: string | undefined;
    if (call.body !== undefined) {
      body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      if (typeof call.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const agent = pinnedAgent(await this.addresses(url.hostname));
    try {
      const response = await exchange(this.name, {
        method: call.method,
        url: url.toString(),
        headers,
        body,
        timeoutMs: this.settings.timeoutMs,
        signal: context.signal,
        dispatcher: agent,
        // The host only: a webhook's path may be its secret (Slack-style hook URLs).
        endpoint: `${call.method} ${url.host}`,
      });
      check(this.name, response);
      return {};
    } finally {
      void agent.destroy().catch(() => undefined);
    }
  }

  private parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DestinationError(`the webhook URL does not parse as a URL (host ${safeHost(raw)})`, false);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new DestinationError(`webhooks use http or https, not ${url.protocol}`, false);
    if (url.username || url.password) {
      const fix = `put credentials in the headers of destination '${this.name}'`;
      throw new DestinationError(`the webhook URL for ${url.host} carries a user name or password; ${fix}`, false);
    }
    if (DOT_SEGMENT.test(PATH.exec(raw)?.[1] ?? '')) {
      const what = `has a '.' or '..' path segment, which would rewrite its path; nothing was sent`;
      throw new DestinationError(`the webhook URL for ${url.host} ${what}`, false);
    }
    return url;
  }

  /** The destination's headers go only where its config says; with `allowed_hosts`, nothing else is called. */
  private refuseHost(url: URL, hasHeaders: boolean): void {
    const allowed = this.settings.raw.allowed_hosts as string[] | undefined;
    if (!allowed && !hasHeaders) return;
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (allowed?.some((pattern) => hostMatches(host, pattern))) return;
    throw new DestinationError(
      allowed
        ? `destination '${this.name}' calls only ${allowed.join(', ')} (allowed_hosts), not ${host}; ` +
            'add it there if its headers may go to it'
        : `destination '${this.name}' has headers but no allowed_hosts: its headers go to no host until it lists them ` +
            `(add allowed_hosts: [${host}] if they may go to ${host})`,
      false,
    );
  }

  /** Resolved once; the connection is pinned to exactly these. */
  private async addresses(hostname: string): Promise<string[]> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await this.resolve(host).catch(() => []);
    if (addresses.length === 0) throw new DestinationError(`cannot resolve ${host}`, true);
    const refused = addresses.find((a) => !isGlobalUnicast(a));
    if (refused !== undefined && this.settings.raw.allow_private_addresses !== true) {
      throw new DestinationError(
        `${host} is not a public address (${refused} is loopback, private or reserved); ` +
          `set allow_private_addresses: true on destination '${this.name}' to allow it`,
        false,
      );
    }
    return addresses;
  }
}

/** Header names and values go on the wire as they are: a line break would start a new header. */
function refuseBadHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new DestinationError(`webhook header name '${name.replace(/[^\x21-\x7e]/g, '?')}' is not a valid header name`, false);
    }
    // The value is not repeated: it came from data and may be anything, a secret included.
    if (/[\r\n\0]/.test(String(value))) {
      throw new DestinationError(
        `webhook header '${name}' has a line break or NUL in its value (from the step's data?); nothing was sent`,
        false,
      );
    }
  }
}
