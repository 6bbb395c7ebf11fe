import Fastify, { type FastifyInstance } from 'fastify';
import { hostOriginHook } from '../http-guard/fastify-hook.ts';
import { hostPolicy, isLoopback } from '../http-guard/host-origin.ts';
import { tokenHook } from './auth.ts';
import { csrfGuard } from './csrf.ts';
import type { StudioDeps } from './deps.ts';
import { flowRoutes } from './routes/flow.ts';
import { flowsRoutes } from './routes/flows.ts';
import { pageRoutes } from './routes/pages.ts';
import { editRoutes } from './routes/edit.ts';
import { runRoutes } from './routes/runs.ts';
import { stepRoutes } from './routes/step.ts';

export interface StudioOptions {
  host?: string;
  /** Required when `host` is not loopback. */
  token?: string;
  /** Names the Host header may carry besides loopback's and `host` (a DNS name); `*` for any. */
  allowHosts?: string[];
}

/**
 * The Flow Studio: on loopback by default, token-protected anywhere else; it answers only to its
 * own host names and takes writes only from its own pages (Origin, and the CSRF token in a header).
 * Its only writes are proposals: new git branches, never the checkout.
 */
export function buildStudio(deps: StudioDeps, options: StudioOptions = {}): FastifyInstance {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token) {
    throw new Error(`the studio binds to ${host}, beyond this machine: set FLOWLINE_STUDIO_TOKEN to a secret (or bind 127.0.0.1)`);
  }
  // Live pages hold a connection open (server-sent events): closing the studio ends them.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // First: a page that rebinds its name to this address is refused before anything is read.
  app.addHook('onRequest', hostOriginHook(hostPolicy(host, options.allowHosts)));
  if (options.token) app.addHook('onRequest', tokenHook(options.token));
  const csrf = csrfGuard();
  app.addHook('onRequest', csrf.hook);
  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    // Client errors keep their code; anything else here is Temporal or the log not answering.
    reply.code(error.statusCode && error.statusCode < 500 ? error.statusCode : 502).send({ error: error.message });
  });
  app.register(pageRoutes);
  app.register(flowsRoutes, deps);
  app.register(flowRoutes, deps);
  app.register(stepRoutes, deps);
  app.register(runRoutes, deps);
  app.register(editRoutes, { ...deps, csrf: csrf.token });
  return app;
}

/** Builds and listens; returns the URL and a close function. */
export async function listenStudio(
  deps: StudioDeps,
  options: StudioOptions & { port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const app = buildStudio(deps, options);
  await app.listen({ port: options.port ?? 8090, host });
  // Read the step-event log once now, in the background, so the first page is as quick as the next.
  void Promise.allSettled(deps.project.current().flows.map((f) => deps.log.numbers(f.flow)));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}`, close: () => app.close() };
}
