import type { FastifyPluginAsync } from 'fastify';
import { RETRY_AFTER_SECONDS } from '../errors.ts';
import type { IngestDeps } from './deps.ts';

/** GET /healthz (the process is up), /readyz (Temporal answers), /stats (counters). Unauthenticated, so they say nothing internal. */
export const healthRoutes: FastifyPluginAsync<IngestDeps> = async (app, deps) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.client.workflowService.getSystemInfo({});
      return { status: 'ready' };
    } catch (error) {
      deps.log('GET /readyz: Temporal does not answer', error);
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ status: 'unavailable' });
    }
  });
  app.get('/stats', async () => deps.stats);
};
