import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const CSRF_HEADER = 'x-flowline-csrf';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * A write must carry this process's CSRF token in a header, which only the studio's own pages can
 * read (from GET /api/session: another site's page cannot read that answer, nor set the header
 * without a preflight the studio never grants). Beside the Origin check, not instead of it.
 */
export function csrfGuard(token = randomBytes(24).toString('base64url')) {
  const expected = digest(token);
  const hook = async (req: FastifyRequest, reply: FastifyReply) => {
    if (READS.has(req.method)) return;
    const given = req.headers[CSRF_HEADER];
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return;
    return reply
      .code(403)
      .send({ error: `a write needs the studio's CSRF token in the ${CSRF_HEADER} header (reload the page to get a fresh one)` });
  };
  return { token, hook };
}
