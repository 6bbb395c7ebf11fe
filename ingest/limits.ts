/**
 * What ingest accepts, checked before anything is written, so a bad batch is a 400 with the
 * reason instead of a failure later (a workflow id Temporal refuses, a date that does not
 * format, a parser or a condition that runs away). docs/ingest.md lists them.
 */
export const LIMITS = {
  /** Ids and names: source_request_id, source_message_id, identities, mpid, event and audience names. */
  idChars: 256,
  /** Any other string in a body (attribute values): mParticle's own cap on attribute values. */
  stringChars: 4096,
  /** Object keys (attribute names). */
  keyChars: 256,
  /** Nesting of objects and arrays; mParticle batches are a few levels deep. */
  depth: 32,
  /** Timestamps are epoch milliseconds from 1970 to 2100. */
  minTimestampMs: 0,
  maxTimestampMs: Date.UTC(2100, 0, 1),
} as const;

/** How bodies are checked against the schemas: every error reported, nothing coerced, added or removed. */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  allowUnionTypes: true,
} as const;

/** A capped id or name in a JSON Schema. */
export const idString = { type: 'string', maxLength: LIMITS.idChars } as const;

/** An epoch-milliseconds timestamp in a JSON Schema. */
export const epochMs = {
  type: 'number',
  minimum: LIMITS.minTimestampMs,
  maximum: LIMITS.maxTimestampMs,
  description: 'epoch milliseconds between 1970 and 2100',
} as const;

/**
 * Timeouts that keep a slow sender from holding a connection: all headers within `headersMs`,
 * the whole request (headers and body) within `requestMs`, an idle socket closed after `idleMs`.
 * Keep-alive outlives a load balancer's usual 60 s idle timeout, as Fastify's default does.
 */
export interface IngestTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: IngestTimeouts = { headersMs: 10_000, requestMs: 30_000, idleMs: 75_000, keepAliveMs: 65_000 };
