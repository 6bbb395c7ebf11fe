import Fastify, { type FastifyInstance } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';

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

/**
 * Temporal's codec server protocol: POST /encode and /decode with `{payloads: [...]}`. Point
 * Temporal Web at it ("Codec Server" in settings, or `temporal server start-dev --ui-codec-endpoint`)
 * and whoever runs it with the key sees decrypted payloads; the history itself stays encrypted.
 */
export function buildCodecServer(codec: PayloadCodec, options: { allowOrigin?: string } = {}): FastifyInstance {
  const app = Fastify();
  const origin = options.allowOrigin ?? 'http://localhost:8233';
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-allow-credentials', 'true');
  });
  app.options('/*', async (_request, reply) => reply.code(204).send());
  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, async (request, reply) => {
      const body = request.body as { payloads?: JsonPayload[] } | undefined;
      if (!Array.isArray(body?.payloads)) return reply.code(400).send({ error: 'expected {"payloads": [...]}' });
      try {
        const result = await codec[direction](body.payloads.map(fromJson));
        return { payloads: result.map(toJson) };
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
    });
  }
  return app;
}
