import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { ingestConnection } from '../../ingest/connection.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { emptyProfile } from '../../store/store.ts';
import { StudioProject } from '../../studio/project.ts';
import { buildStudio } from '../../studio/server.ts';

// A send step's panel needs no Temporal (it lists no waiting runs): the studio answers on the log and the profiles alone.
const read: string[] = [];
const app = buildStudio({
  project: new StudioProject(process.cwd()),
  log: new FileStepLog(mkdtempSync(join(tmpdir(), 'step-route-'))),
  profiles: { get: async (id) => (read.push(id), { ...emptyProfile(id), identities: { email: `${id}@example.com` } }) },
  client: new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) }),
  namespace: 'default',
  temporalWeb: 'http://localhost:8233',
});
afterAll(() => app.close());
const panel = (query: string) =>
  app.inject({ url: `/api/flows/sailthru-welcome-series/steps/welcome-email${query}`, headers: { host: 'localhost' } });

it('previews a send for the user asked for, and refuses an empty, an over-long or a repeated ?user= with a 400 that says what it takes', async () => {
  const ok = await panel('?user=cust-1');
  expect(ok.statusCode).toBe(200);
  expect(ok.json().preview.fields).toContainEqual({ label: 'to', text: 'cust-1@example.com' });
  for (const query of ['?user=', `?user=${'x'.repeat(257)}`, '?user=a&user=b']) {
    const refused = await panel(query);
    expect(refused.statusCode, query).toBe(400);
    expect(refused.json().error).toBe('?user= takes a user id of 1 to 256 characters');
  }
  expect(read).toEqual(['cust-1']);
});
