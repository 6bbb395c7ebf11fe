import { hostname, networkInterfaces } from 'node:os';

/**
 * Who may talk to a Flowline server from a browser. Loopback is not a wall: a web page the user
 * visits can point its own name at 127.0.0.1 (DNS rebinding) and then read and write our ports as
 * if it were same-origin. What it cannot forge is the `Host` header (its own name) and, on a
 * write, the `Origin` header (its own origin). So every server refuses a Host it does not answer
 * to, and a write from a foreign origin.
 */
export interface HostPolicy {
  /** Host names (no port, lower case, IPv6 without brackets) answered to; `any` after `*`. */
  hosts: ReadonlySet<string> | 'any';
  /** Browser origins besides the server's own that may write (Temporal Web's, for the codec server). */
  origins: ReadonlySet<string>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** Whether a bind address keeps a server on this machine (all of 127.0.0.0/8, and loopback's names). */
export const isLoopback = (address: string): boolean => {
  const name = hostName(address);
  return (LOOPBACK_NAMES as readonly string[]).includes(name) || /^127\./.test(name);
};

/** What tells the operator how to serve another name; every refusal says it. */
export const ALLOW_HOST_HINT = 'start it with --allow-host NAME or set FLOWLINE_ALLOWED_HOSTS=NAME[,NAME…] to serve that name';

/** A Host header's (or a bind address's) name without port or IPv6 brackets, lower-cased. */
function hostName(host: string | undefined): string {
  const h = (host ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  // A bare IPv6 address (a bind address) has colons and no port to strip.
  if ((h.match(/:/g)?.length ?? 0) > 1) return h;
  return h.replace(/:\d*$/, '');
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '::0']);

/**
 * The names a server bound to `bind` answers to: loopback's, the bind address, and `extra`.
 * Bound to every interface (0.0.0.0 or ::), also the machine's own addresses and host name, so
 * a probe or a peer that dials an address still gets through; a DNS name needs `extra`.
 * `*` in `extra` turns the Host check off (behind a proxy that checks Host itself).
 */
export function hostPolicy(bind: string, extra: readonly string[] = [], origins: readonly string[] = []): HostPolicy {
  const originSet = new Set(origins.map((o) => o.trim().toLowerCase().replace(/\/+$/, '')));
  if (extra.some((h) => h.trim() === '*')) return { hosts: 'any', origins: originSet };
  const names = new Set<string>([...LOOPBACK_NAMES, hostName(bind)]);
  if (WILDCARD.has(hostName(bind))) {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) names.add(a.address.toLowerCase());
  }
  for (const h of extra) if (h.trim()) names.add(hostName(h));
  names.delete('');
  return { hosts: names, origins: originSet };
}

export const hostAllowed = (policy: HostPolicy, host: string | undefined): boolean =>
  policy.hosts === 'any' || policy.hosts.has(hostName(host));

/** Methods a browser may send cross-site without a preflight's say, and that change nothing here. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `origin` is the server's own (same scheme-less host and port as the Host header) or allowed. */
function originAllowed(policy: HostPolicy, origin: string, host: string | undefined): boolean {
  const o = origin.trim().toLowerCase();
  if (policy.origins.has(o)) return true;
  let url: URL;
  try {
    url = new URL(o); // `null` (sandboxed frames, file:) does not parse: foreign
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === (host ?? '').trim().toLowerCase();
}

export interface Refusal {
  status: 403;
  error: string;
}

const shown = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 99)}…` : value);

/**
 * Why a request is refused, or undefined to serve it: a Host the server does not answer to, or a
 * write (any method but GET, HEAD, OPTIONS) whose Origin is neither the server's own nor allowed.
 * A write without Origin is not a browser's (browsers send it on every POST): auth decides.
 */
export function hostOriginRefusal(policy: HostPolicy, method: string | undefined, headers: Record<string, unknown>): Refusal | undefined {
  const host = typeof headers.host === 'string' ? headers.host : undefined;
  if (!hostAllowed(policy, host)) {
    return { status: 403, error: `Host ${shown(host ?? '')} is not a name this server answers to; ${ALLOW_HOST_HINT}` };
  }
  const origin = headers.origin;
  if (typeof origin === 'string' && !SAFE.has((method ?? 'GET').toUpperCase()) && !originAllowed(policy, origin, host)) {
    return { status: 403, error: `a write from the web origin ${shown(origin)} is refused: only this server's own pages may write here` };
  }
  return undefined;
}
