import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestStats } from './stats.ts';

/** One field a sender must fix: a JSON pointer into the body and what is wrong there. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** A 400 naming each field that is wrong. */
export const badRequest = (fields: FieldProblem[]): Error & { statusCode: 400; fields: FieldProblem[] } =>
  Object.assign(new Error(fields.map((f) => `${f.path} ${f.message}`).join('; ')), { statusCode: 400 as const, fields });

export const RETRY_AFTER_SECONDS = 5;

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
 * Is this the PostgreSQL store out of reach for now (restarting, refusing connections, a connection
 * dropped)? SQLSTATE class 08 (connection exception) and 57P01–57P03 (shut down, starting up), and
 * node-postgres's own words for a dropped connection. A retry gets past it.
 */
function storeUnavailable(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code)) return true;
  const message = (error as Error).message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message);
}

/** Why a batch should be sent again later (Temporal or the PostgreSQL store out of reach for now), as its answer says it; undefined when no retry will help. */
function retryLater(error: unknown): { status: 429 | 503; code: string; what: string } | undefined {
  const kind = temporalUnavailable(error);
  if (kind === 'overloaded') return { status: 429, code: 'TOO_MANY_REQUESTS', what: 'Temporal is overloaded' };
  if (kind) return { status: 503, code: 'UNAVAILABLE', what: 'Temporal cannot be reached' };
  if (storeUnavailable(error)) return { status: 503, code: 'UNAVAILABLE', what: 'the profile store cannot be reached' };
  return undefined;
}

type AjvError = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'> & { parentSchema?: object };

/** An ajv error as the sender should read it: the field's path and the problem, with the schema's description of the value. */
function fieldProblem(v: AjvError): FieldProblem {
  if (v.keyword === 'required')
    return { path: `${v.instancePath}/${(v.params as { missingProperty: string }).missingProperty}`, message: 'is required' };
  const allowed = v.keyword === 'enum' ? `: one of ${(v.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
  const description = (v.parentSchema as { description?: string } | undefined)?.description;
  const described = description ? ` (${description})` : '';
  return { path: v.instancePath || '/', message: `${v.message ?? 'is invalid'}${allowed}${described}` };
}

// Combinator keywords only say that a branch failed; the branch's own errors say what is wrong.
const NOISE = new Set(['if', 'anyOf', 'oneOf', 'allOf']);

/** What a schema validation found, one problem per field, without the combinators' noise. */
export const validationProblems = (validation: readonly AjvError[]): FieldProblem[] =>
  validation.filter((v) => !NOISE.has(v.keyword)).map(fieldProblem);

/**
 * The one error handler: 400 per field for bad input, the status of a 4xx any layer raised
 * (the profile store refusing a profile too big), 503/429 with Retry-After while Temporal or the
 * PostgreSQL store cannot take the batch, and otherwise 500. Every 5xx is logged with its cause; no answer carries
 * internal error text.
 */
export function errorHandler(stats: IngestStats, log: (message: string, error: unknown) => void, bodyLimit: number) {
  return (error: FastifyError & { fields?: FieldProblem[] }, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      const errors = validationProblems(error.validation).map((p) => ({ code: 'BAD_REQUEST', ...p }));
      return reply.code(400).send({ errors });
    }
    if (error.fields) return reply.code(400).send({ errors: error.fields.map((f) => ({ code: 'BAD_REQUEST', ...f })) });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send({ errors: [{ code: 'PAYLOAD_TOO_LARGE', message: `a request may carry at most ${bodyLimit} bytes; split the batches` }] });
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ errors: [{ code: status === 400 ? 'BAD_REQUEST' : (error.code ?? `HTTP_${status}`), message: error.message }] });
    }
    const busy = retryLater(error);
    log(`${request.method} ${request.routeOptions.url ?? request.url} answered ${busy?.status ?? 500}`, error);
    if (busy) {
      stats.unavailable++;
      return reply
        .code(busy.status)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({
          errors: [{ code: busy.code, message: `${busy.what}; nothing from this request was lost; retry after ${RETRY_AFTER_SECONDS}s` }],
        });
    }
    return reply.code(500).send({ errors: [{ code: 'INTERNAL', message: 'an unexpected error; retry later' }] });
  };
}
