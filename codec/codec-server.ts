import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { ALLOW_HOST_HINT, hostAllowed, hostPolicy } from '../http-guard/host-origin.ts';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecServerOptions {
  /** Required on every /encode and /decode: as the first path segment (`/<token>/decode`) or `Authorization: Bearer <token>`. */
  token: string;
  /** Browser origins allowed to call (Temporal Web's); default http://localhost:8233 and http://127.0.0.1:8233. */
  allowOrigins?: string[];
  /** The address it listens on (default 127.0.0.1): with loopback's names, what the Host header may carry. */
  host?: string;
  /** Host names accepted in the Host header besides those. */
  allowHosts?: string[];
}

export const DEFAULT_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

/** A random token for when FLOWLINE_CODEC_TOKEN is not set; URL-safe so it can sit in the endpoint path. */
export const newCodecToken = (): string => randomBytes(24).toString('base64url');

/** Compares over fixed-length digests so neither the content nor the length of the token leaks through timing. */
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Temporal's codec server protocol: POST /encode and /decode with `{payloads: [...]}`, so Temporal
 * Web can show decrypted payloads. It decrypts for whoever passes its checks, so it is not open:
 * - a token on every call, because anything on this machine (or the network) can reach the port;
 * - the Host header must name loopback or a configured host, so a web page whose own host name a
 *   DNS rebinding attack points at this machine is refused;
 * - only Temporal Web's origin gets CORS headers, and calls from other browser origins are refused.
 */
export function buildCodecServer(codec: PayloadCodec, options: CodecServerOptions): FastifyInstance {
  if (!options.token) throw new Error('the codec server needs a token (FLOWLINE_CODEC_TOKEN)');
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  const origins = new Set(options.allowOrigins ?? DEFAULT_ORIGINS);
  const hosts = hostPolicy(options.host ?? '127.0.0.1', options.allowHosts);
  const expected = digest(options.token);

  app.addHook('onRequest', async (request, reply) => {
    if (!hostAllowed(hosts, request.headers.host)) {
      return reply.code(403).send({ error: `Host header not allowed; ${ALLOW_HOST_HINT}` });
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!origins.has(origin))
        return reply.code(403).send({ error: 'origin not allowed; start the codec server with --allow-origin for Temporal Web' });
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'origin');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
      reply.header('access-control-allow-credentials', 'true');
    }
    if (request.method === 'OPTIONS') return reply.code(204).send(); // preflights carry no credentials
    return undefined;
  });

  const authorized = (request: FastifyRequest<{ Params: { token?: string } }>): boolean => {
    const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    const given = request.params.token ?? bearer;
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };

  for (const direction of ['encode', 'decode'] as const) {
    const handler = async (request: FastifyRequest<{ Params: { token?: string } }>, reply: FastifyReply) => {
      if (!authorized(request)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'codec server token missing or wrong: use the endpoint URL it printed' });
      }
      const body = request.body as { payloads?: JsonPayload[] } | undefined;
      if (!Array.isArray(body?.payloads)) return reply.code(400).send({ error: 'expected {"payloads": [...]}' });
      try {
        const result = await codec[direction](body.payloads.map(fromJson));
        return { payloads: result.map(toJson) };
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
    };
    app.post(`/${direction}`, handler);
    app.post(`/:token/${direction}`, handler);
  }
  return app;
}
