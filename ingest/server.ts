import Fastify, { type FastifyInstance } from 'fastify';
import { hostOriginHook } from '../http-guard/fastify-hook.ts';
import { hostPolicy } from '../http-guard/host-origin.ts';
import { basicAuth } from './auth.ts';
import { errorHandler } from './errors.ts';
import { parseJsonBody } from './json-body.ts';
import { AJV_OPTIONS, DEFAULT_TIMEOUTS, type IngestTimeouts } from './limits.ts';
import { routeBatch, type RouteDeps } from './route.ts';
import { audienceRoutes } from './routes/audiences.ts';
import type { IngestDeps } from './routes/deps.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { batchReport, type BatchReport } from './report.ts';
import { count, emptyStats, type IngestStats } from './stats.ts';

export type { IngestStats } from './stats.ts';

export interface IngestOptions extends RouteDeps {
  key: string;
  secret: string;
  /** The address it listens on (default 127.0.0.1): with loopback's names, the names its Host header may carry. */
  host?: string;
  /** More names the Host header may carry (a DNS name behind a load balancer); `*` for any. */
  allowHosts?: string[];
  /** Bytes per request (mParticle documents 256 KB). */
  bodyLimit?: number;
  logger?: boolean;
  /** Called with what each batch did (the stack logs one line per batch). */
  onBatch?: (report: BatchReport) => void;
  /** Bounds on slow senders (ingest/limits.ts has the defaults). */
  timeouts?: Partial<IngestTimeouts>;
}

/** A 5xx's cause, for the operator: Fastify's logger when on, else one line on stderr. */
function serverLog(app: FastifyInstance, logger: boolean) {
  return (message: string, error: unknown) => {
    if (logger) app.log.error({ err: error }, message);
    else process.stderr.write(`ingest: ${message}: ${(error as Error)?.message ?? String(error)}\n`);
  };
}

/**
 * The HTTP API compatible with mParticle's Events API: POST /v2/events (one batch),
 * POST /v2/bulkevents (up to 100), POST /v2/audiences (audience membership changes as
 * mParticle's audience outputs send them), GET /healthz, GET /readyz, GET /stats.
 * 202 only after Temporal accepted every start and signal the batch caused; a bulk request
 * handles its valid batches and names the invalid ones (counted, logged). Each route family
 * is a plugin with its schema (ingest/routes/); auth is a hook on the `/v2` scope, so it holds
 * for every spelling of a path that Fastify routes there.
 */
export function buildIngest(options: IngestOptions): { app: FastifyInstance; stats: IngestStats } {
  const stats = emptyStats();
  const bodyLimit = options.bodyLimit ?? 256 * 1024;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    connectionTimeout: timeouts.idleMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks the header and request deadlines on this interval (30 s by default).
    http: {
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    ajv: { customOptions: AJV_OPTIONS },
  });
  const log = serverLog(app, options.logger ?? false);

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setErrorHandler(errorHandler(stats, log, bodyLimit));
  // Before auth: a web page rebinding its name to this address must not even learn that auth failed.
  app.addHook(
    'onRequest',
    hostOriginHook(hostPolicy(options.host ?? '127.0.0.1', options.allowHosts), (message) => ({
      errors: [{ code: 'FORBIDDEN', message }],
    })),
  );

  const deps: IngestDeps = {
    stats,
    client: options.client,
    log,
    refused(route, refused, total) {
      stats.refusedBatches += refused.length;
      const detail = refused.map((r) => `batch ${r.index}: ${r.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`).join(' | ');
      const line = `${route}: ${refused.length} of ${total} batches refused as invalid, the others handled: ${detail}`;
      if (options.logger) app.log.warn(line);
      else process.stderr.write(`ingest: ${line.slice(0, 2_000)}\n`);
    },
    async accept(batch) {
      const outcome = await routeBatch(options, batch);
      count(stats, outcome, batch);
      const report = batchReport(outcome, batch);
      options.onBatch?.(report);
      return report;
    },
  };
  app.register(
    async (v2) => {
      v2.addHook('onRequest', basicAuth(options.key, options.secret));
      await v2.register(eventRoutes, deps);
      await v2.register(audienceRoutes, deps);
    },
    { prefix: '/v2' },
  );
  app.register(healthRoutes, deps);
  return { app, stats };
}
