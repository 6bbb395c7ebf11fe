import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { connectionOptions, type TemporalSettings } from '../temporal/connection.ts';

/**
 * Ingest's connection gives up on an unreachable Temporal after a few quick attempts, so the
 * sender hears "503, retry" within seconds instead of waiting on the SDK's long default backoff;
 * the sender's own retry does the rest. A lazy connection lets ingest start, and answer 503,
 * while Temporal is down.
 */
export function ingestConnection(settings: TemporalSettings): Connection {
  return Connection.lazy({
    ...connectionOptions(settings),
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, maxIntervalMs: () => 500 }))],
  });
}
