import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { FlowEvent } from '../dsl/event.ts';
import { audienceSchema, batchSchema, bulkSchema } from './batch-schema.ts';
import { normalizeBatch, type MparticleBatch, type NormalizedBatch } from './normalize.ts';
import { routeBatch, type BatchOutcome, type RouteDeps } from './route.ts';

export interface IngestOptions extends RouteDeps {
  key: string;
  secret: string;
  /** Bytes per request (mParticle documents 256 KB). */
  bodyLimit?: number;
  logger?: boolean;
}

export interface IngestStats {
  batches: number;
  events: number;
  ignoredEvents: number;
  anonymousBatches: number;
  duplicateBatches: number;
  started: number;
  signalled: number;
  notStarted: Record<string, number>;
  unavailable: number;
}

const RETRY_AFTER_SECONDS = 5;

// Big mpids (over 2^53) lose digits in JSON.parse: keep them as text.
const parseBody = (text: string): unknown => JSON.parse(text.replace(/("mpid"\s*:\s*)(-?\d{16,})/g, '$1"$2"'));

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Is this a failure a later retry can get past (Temporal down, overloaded, timing out)? */
function temporalUnavailable(error: unknown): 'unavailable' | 'overloaded' | undefined {
  const code = (error as { code?: number }).code ?? (error as { cause?: { code?: number } }).cause?.code;
  if (code === 8) return 'overloaded'; // RESOURCE_EXHAUSTED
  if (code === 14 || code === 4 || code === 1) return 'unavailable'; // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED
  const name = (error as Error).name;
  if (name === 'ServiceError' || name === 'TransportError' || name === 'ConnectionError') return 'unavailable';
  return undefined;
}

/**
 * The HTTP API compatible with mParticle's Events API: POST /v2/events (one batch),
 * POST /v2/bulkevents (up to 100), POST /v2/audiences (audience membership changes as
 * mParticle's audience outputs send them), GET /healthz, GET /readyz, GET /stats.
 * 202 only after Temporal accepted every start and signal the batch caused.
 */
export function buildIngest(options: IngestOptions): { app: FastifyInstance; stats: IngestStats } {
  const stats: IngestStats = { batches: 0, events: 0, ignoredEvents: 0, anonymousBatches: 0, duplicateBatches: 0, started: 0, signalled: 0, notStarted: {}, unavailable: 0 };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, allowUnionTypes: true } },
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseBody(body as string));
    } catch (error) {
      done(Object.assign(new Error(`the body is not JSON: ${(error as Error).message}`), { statusCode: 400, code: 'BAD_JSON' }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v2/')) return;
    const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    const [key, ...rest] = match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':') : [];
    if (!match || !equal(key ?? '', options.key) || !equal(rest.join(':'), options.secret)) {
      return reply.code(401).header('www-authenticate', 'Basic realm="flowline"').send({ errors: [{ code: 'UNAUTHORIZED', message: 'HTTP Basic auth with the ingest key and secret (FLOWLINE_INGEST_KEY, FLOWLINE_INGEST_SECRET) is required' }] });
    }
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      const errors = error.validation.map((v) => ({
        code: 'BAD_REQUEST',
        path: v.keyword === 'required' ? `${v.instancePath}/${(v.params as { missingProperty: string }).missingProperty}` : v.instancePath || '/',
        message: v.keyword === 'required' ? `is required` : (v.message ?? 'is invalid'),
      }));
      return reply.code(400).send({ errors });
    }
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ errors: [{ code: 'PAYLOAD_TOO_LARGE', message: `a request may carry at most ${options.bodyLimit ?? 256 * 1024} bytes; split the batches` }] });
    }
    if (error.statusCode === 400) return reply.code(400).send({ errors: [{ code: 'BAD_REQUEST', message: error.message }] });
    const kind = temporalUnavailable(error);
    if (kind) {
      stats.unavailable++;
      return reply
        .code(kind === 'overloaded' ? 429 : 503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ errors: [{ code: kind === 'overloaded' ? 'TOO_MANY_REQUESTS' : 'UNAVAILABLE', message: `Temporal ${kind === 'overloaded' ? 'is overloaded' : 'cannot be reached'}; nothing from this request was lost; retry after ${RETRY_AFTER_SECONDS}s` }] });
    }
    reply.log.error(error);
    return reply.code(500).send({ errors: [{ code: 'INTERNAL', message: 'an unexpected error; retry later' }] });
  });

  const count = (outcome: BatchOutcome, batch: NormalizedBatch) => {
    stats.batches++;
    stats.events += batch.events.length;
    stats.ignoredEvents += outcome.ignored;
    if (outcome.anonymous) stats.anonymousBatches++;
    if (outcome.duplicate) stats.duplicateBatches++;
    stats.started += outcome.started;
    stats.signalled += outcome.signalled;
    for (const [reason, n] of Object.entries(outcome.notStarted)) stats.notStarted[reason] = (stats.notStarted[reason] ?? 0) + n;
  };
  const handle = async (raw: MparticleBatch) => {
    const batch = normalizeBatch(raw, Date.now());
    count(await routeBatch(options, batch), batch);
  };

  app.post('/v2/events', { schema: { body: batchSchema } }, async (request, reply) => {
    await handle(request.body as MparticleBatch);
    return reply.code(202).send();
  });

  app.post('/v2/bulkevents', { schema: { body: bulkSchema } }, async (request, reply) => {
    for (const batch of request.body as MparticleBatch[]) await handle(batch);
    return reply.code(202).send();
  });

  app.post('/v2/audiences', { schema: { body: audienceSchema } }, async (request, reply) => {
    const body = request.body as { user_profiles?: Array<{ mpid?: string | number; user_identities?: Array<{ type: string; encoding?: string; value: string }>; audiences: Array<{ audience_id: string | number; audience_name?: string; action: string }> }> };
    if (!body.user_profiles?.length) {
      return reply.code(200).send({ type: 'audience_membership_change_response', timestamp_ms: Date.now() });
    }
    for (const [i, profile] of body.user_profiles.entries()) {
      const identities: Record<string, string> = {};
      for (const id of profile.user_identities ?? []) if ((id.encoding ?? 'raw') === 'raw') identities[id.type === 'customerid' ? 'customer_id' : id.type] = id.value;
      if (profile.mpid !== undefined) identities.mpid = String(profile.mpid);
      const events: FlowEvent[] = profile.audiences
        .filter((a) => a.action !== 'attribute_update')
        .map((a) => ({
          id: `audience:${a.audience_id}:${a.action}:${request.id}:${i}`,
          name: a.action === 'add' ? 'audience_added' : 'audience_removed',
          type: 'audience_membership_change',
          timestamp: Date.now(),
          attributes: {},
          audience_id: String(a.audience_id),
          ...(a.audience_name ? { audience_name: a.audience_name } : {}),
        }));
      const batch: NormalizedBatch = { identities, attributes: {}, deletedAttributes: [], events, ignored: 0, batchId: `audience:${request.id}:${i}:${Date.now()}` };
      count(await routeBatch(options, batch), batch);
    }
    return reply.code(202).send();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.client.workflowService.getSystemInfo({});
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ status: 'Temporal unreachable', error: (error as Error).message });
    }
  });
  app.get('/stats', async () => stats);
  return { app, stats };
}
