import { Ajv } from 'ajv';
import type { FastifyPluginAsync } from 'fastify';
import { badRequest, validationProblems } from '../errors.ts';
import { batchSchema } from '../batch-schema.ts';
import { AJV_OPTIONS } from '../limits.ts';
import { normalizeBatch, type MparticleBatch, type NormalizedBatch } from '../normalize.ts';
import { accepted, type BatchReport, type RefusedBatch } from '../report.ts';
import { illFormedStrings } from '../well-formed.ts';
import type { IngestDeps } from './deps.ts';

/** Up to 100 batches; each is checked on its own, so one bad batch does not lose the others. */
const bulkSchema = { type: 'array', maxItems: 100 } as const;

const checkBatch = new Ajv(AJV_OPTIONS).compile(batchSchema);

/**
 * Routes the valid batches of a bulk request: batches that share no identity at once, those of
 * one user in the order sent (each waits for the earlier ones naming any of its identities).
 */
async function acceptAll(deps: IngestDeps, batches: NormalizedBatch[]): Promise<BatchReport[]> {
  const last = new Map<string, Promise<unknown>>();
  const work = batches.map((batch) => {
    const names = Object.entries(batch.identities).map(([type, value]) => `${type}:${value}`);
    const earlier = names.flatMap((n) => last.get(n) ?? []);
    const done = Promise.allSettled(earlier).then(() => deps.accept(batch));
    for (const n of names) last.set(n, done);
    return done;
  });
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<BatchReport>).value);
}

/**
 * POST /events (one batch) and POST /bulkevents (up to 100): 202 once Temporal accepted all they
 * caused. As mParticle does, a bulk request with some invalid batches handles the valid ones and
 * answers 202 naming the refused ones; only when every batch is invalid is it a 400.
 */
export const eventRoutes: FastifyPluginAsync<IngestDeps> = async (app, deps) => {
  app.post('/events', { schema: { body: batchSchema } }, async (request, reply) => {
    const illFormed = illFormedStrings(request.body);
    if (illFormed.length > 0) throw badRequest(illFormed);
    return accepted(request, reply, [await deps.accept(normalizeBatch(request.body as MparticleBatch, Date.now()))]);
  });
  app.post('/bulkevents', { schema: { body: bulkSchema } }, async (request, reply) => {
    const body = request.body as unknown[];
    const valid: NormalizedBatch[] = [];
    const refused: RefusedBatch[] = [];
    body.forEach((batch, index) => {
      const illFormed = illFormedStrings(batch);
      if (illFormed.length > 0) refused.push({ index, errors: illFormed.map((p) => ({ code: 'BAD_REQUEST', ...p })) });
      else if (checkBatch(batch)) valid.push(normalizeBatch(batch as MparticleBatch, Date.now()));
      else refused.push({ index, errors: validationProblems(checkBatch.errors ?? []).map((p) => ({ code: 'BAD_REQUEST', ...p })) });
    });
    if (refused.length > 0 && valid.length === 0) {
      throw badRequest(
        refused.flatMap((r) => r.errors.map((e) => ({ path: `/${r.index}${e.path === '/' ? '' : e.path}`, message: e.message }))),
      );
    }
    if (refused.length > 0) deps.refused(`${request.method} ${request.url}`, refused, body.length);
    return accepted(request, reply, await acceptAll(deps, valid), refused);
  });
};
