import type { FastifyPluginAsync } from 'fastify';
import { epochMs, idString, LIMITS } from '../limits.ts';
import { audienceBatches, type AudienceRequest } from '../normalize.ts';
import { accepted } from '../report.ts';
import { badRequest } from '../errors.ts';
import { illFormedStrings } from '../well-formed.ts';
import type { IngestDeps } from './deps.ts';

/** mParticle's `audience_membership_change_request`; ids and names capped as in event batches. */
const audienceSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    id: idString,
    timestamp_ms: epochMs,
    user_profiles: {
      type: 'array',
      items: {
        type: 'object',
        required: ['audiences'],
        properties: {
          mpid: { type: ['string', 'integer'], maxLength: LIMITS.idChars },
          user_identities: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'value'],
              properties: { type: idString, encoding: { type: 'string' }, value: idString },
            },
          },
          audiences: {
            type: 'array',
            items: {
              type: 'object',
              required: ['audience_id', 'action'],
              properties: {
                audience_id: { type: ['string', 'integer'], maxLength: LIMITS.idChars },
                audience_name: idString,
                action: { type: 'string', enum: ['add', 'delete', 'attribute_update'] },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** POST /audiences: membership changes become `audience_added` / `audience_removed` events; an empty request is a health check. */
export const audienceRoutes: FastifyPluginAsync<IngestDeps> = async (app, deps) => {
  app.post('/audiences', { schema: { body: audienceSchema } }, async (request, reply) => {
    const body = request.body as AudienceRequest;
    const illFormed = illFormedStrings(body);
    if (illFormed.length > 0) throw badRequest(illFormed);
    if (!body.user_profiles?.length) return reply.code(200).send({ type: 'audience_membership_change_response', timestamp_ms: Date.now() });
    const reports = [];
    for (const batch of audienceBatches(body, Date.now())) reports.push(await deps.accept(batch));
    return accepted(request, reply, reports);
  });
};
