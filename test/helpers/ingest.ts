import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { ingestConnection } from '../../ingest/connection.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { buildIngest, type IngestOptions } from '../../ingest/server.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import type { ProfileStore } from '../../store/store.ts';

export const KEY = 'ingest-key';
export const SECRET = 'ingest-secret';
export const basic = (credentials = `${KEY}:${SECRET}`, scheme = 'Basic') => `${scheme} ${Buffer.from(credentials).toString('base64')}`;

/**
 * The ingest API over the repository's flows and a scratch file store, for answers that are
 * decided before Temporal is asked: its client points at a port nothing listens on, so Temporal
 * is "down" (a real client, never a mock).
 */
export function offlineIngest(extra: Partial<IngestOptions> & { profiles?: ProfileStore } = {}) {
  const project = checkProject({});
  const profiles = extra.profiles ?? new FileProfileStore(mkdtempSync(join(tmpdir(), 'ingest-offline-')));
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  const built = buildIngest({ client, profiles, config: project.config, flows: () => project.flows, key: KEY, secret: SECRET, ...extra });
  const post = (url: string, payload: unknown, authorization: string | null = basic()) =>
    postTo(built.app, url, payload, { authorization });
  return { ...built, profiles, client, post };
}

/**
 * A POST to an ingest app in process, as a sender makes it: JSON with Basic auth for KEY and
 * SECRET (another `authorization`, or null for none), optionally asking for the batch report.
 */
export function postTo(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  options: { authorization?: string | null; report?: boolean } = {},
) {
  const authorization = options.authorization === undefined ? basic() : options.authorization;
  return app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      ...(options.report ? { 'x-flowline-report': '1' } : {}),
    },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}
