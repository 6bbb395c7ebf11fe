import type { FastifyReply, FastifyRequest } from 'fastify';
import { hostOriginRefusal, type HostPolicy } from './host-origin.ts';

/**
 * The Host and Origin checks as a Fastify `onRequest` hook, registered on the root so it holds
 * for every route however its path is spelled. `body` shapes the answer as the server's other
 * errors are shaped.
 */
export function hostOriginHook(policy: HostPolicy, body: (error: string) => unknown = (error) => ({ error })) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refusal = hostOriginRefusal(policy, request.method, request.headers);
    if (refusal) return reply.code(refusal.status).send(body(refusal.error));
    return undefined;
  };
}
