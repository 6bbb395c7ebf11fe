import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';

const SCHEME = /^basic[ \t]+(\S+)[ \t]*$/i;

/**
 * HTTP Basic auth for the `/v2` scope, as mParticle's Events API does it. The whole
 * `key:secret` is compared through keyed digests of equal length, so the time taken says
 * nothing about which part or how much of it was right, nor about its length.
 */
export function basicAuth(key: string, secret: string): onRequestAsyncHookHandler {
  const hmacKey = randomBytes(32);
  const digest = (text: string) => createHmac('sha256', hmacKey).update(text, 'utf8').digest();
  const expected = digest(`${key}:${secret}`);
  return async (request, reply) => {
    const match = SCHEME.exec(request.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    if (timingSafeEqual(digest(given), expected) && match) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Basic realm="flowline"')
      .send({
        errors: [
          {
            code: 'UNAUTHORIZED',
            message: 'HTTP Basic auth with the ingest key and secret (FLOWLINE_INGEST_KEY, FLOWLINE_INGEST_SECRET) is required',
          },
        ],
      });
  };
}
