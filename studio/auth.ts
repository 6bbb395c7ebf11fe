import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'flowline_studio';

/** Over fixed-length digests, so neither the token's content nor its length shows in the time taken. */
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A cookie's value as sent; undefined when it is not valid percent-encoding (a hand-made cookie is just wrong, not a 5xx). */
function cookieValue(header: string | undefined): string | undefined {
  const raw = /(?:^|;\s*)flowline_studio=([^;]+)/.exec(header ?? '')?.[1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The address asked for without `token`, so a token given once does not stay in the address bar or the history. */
function withoutToken(url: string): string {
  const parsed = new URL(url, 'http://studio');
  parsed.searchParams.delete('token');
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * Bound beyond loopback the studio wants FLOWLINE_STUDIO_TOKEN: as a Bearer header, or once as
 * `?token=` (then kept in an HttpOnly cookie, and the page reloaded without it, so links inside
 * the studio work and the token leaves the address bar).
 */
export function tokenHook(token: string) {
  const expected = digest(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const query = (req.query as Record<string, unknown> | undefined)?.token;
    const given = bearer ?? cookieValue(req.headers.cookie) ?? (typeof query === 'string' ? query : undefined);
    if (given !== undefined && timingSafeEqual(digest(given), expected)) {
      if (typeof query === 'string') {
        reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
        if (req.method === 'GET' || req.method === 'HEAD') return reply.code(303).header('location', withoutToken(req.url)).send();
      }
      return;
    }
    return reply
      .code(401)
      .type('text/plain')
      .send('the studio wants its token: open it with ?token=… (FLOWLINE_STUDIO_TOKEN) or send Authorization: Bearer …\n');
  };
}
