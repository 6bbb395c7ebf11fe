import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'flowline_studio';

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Bound beyond loopback the studio wants FLOWLINE_STUDIO_TOKEN: as a Bearer header, or once as
 * `?token=` (then kept in an HttpOnly cookie, so links inside the studio work).
 */
export function tokenHook(token: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = /(?:^|;\s*)flowline_studio=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const query = (req.query as Record<string, unknown> | undefined)?.token;
    const given = bearer ?? (cookie ? decodeURIComponent(cookie) : undefined) ?? (typeof query === 'string' ? query : undefined);
    if (given !== undefined && same(given, token)) {
      if (typeof query === 'string')
        reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      return;
    }
    return reply
      .code(401)
      .type('text/plain')
      .send('the studio wants its token: open it with ?token=… (FLOWLINE_STUDIO_TOKEN) or send Authorization: Bearer …\n');
  };
}
