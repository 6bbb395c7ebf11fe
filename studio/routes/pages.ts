import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { clientFiles } from '../client-bundle.ts';

// Everything the browser loads comes from this server: no CDN, nothing beyond loopback. React
// Flow places boxes with inline styles, hence 'unsafe-inline' for styles (never for scripts).
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const TYPES = { 'studio.js': 'text/javascript; charset=utf-8', 'studio.css': 'text/css; charset=utf-8' } as const;

/** The HTML shell of every page, and the client script and style it loads. */
export const pageRoutes: FastifyPluginAsync = async (app) => {
  const html = readFileSync(new URL('../client/index.html', import.meta.url), 'utf8');
  const files = await clientFiles();
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
  });
  for (const path of ['/', '/flows/:id', '/flows/:id/edit', '/new', '/runs'])
    app.get(path, async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const name = req.params.file;
    if (!Object.hasOwn(TYPES, name)) return reply.code(404).send({ error: 'no such file' });
    return reply.type(TYPES[name as keyof typeof TYPES]).send(files[name as keyof typeof TYPES]);
  });
};
