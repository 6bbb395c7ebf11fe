import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

const client = (file: string) => readFileSync(new URL(`../client/${file}`, import.meta.url), 'utf8');

// Everything the browser loads comes from this server: no CDN, nothing beyond loopback.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** The HTML shell of every page, and the client script and style it loads. */
export const pageRoutes: FastifyPluginAsync = async (app) => {
  const html = client('index.html');
  const files: Record<string, [string, string]> = {
    'studio.js': ['text/javascript; charset=utf-8', client('studio.js')],
    'studio.css': ['text/css; charset=utf-8', client('studio.css')],
  };
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
  });
  for (const path of ['/', '/flows/:id', '/runs']) app.get(path, async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const file = files[req.params.file];
    if (!file) return reply.code(404).send({ error: 'no such file' });
    return reply.type(file[0]).send(file[1]);
  });
};
