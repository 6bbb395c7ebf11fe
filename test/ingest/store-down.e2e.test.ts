import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { startPostgres, type LocalPostgres } from '../../dev/postgres.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { ingestConnection } from '../../ingest/connection.ts';
import { buildIngest } from '../../ingest/server.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

const PORT = 15577;
const dir = mkdtempSync(join(tmpdir(), 'store-down-'));
chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root
let postgres: LocalPostgres | undefined;
let store: PostgresProfileStore | undefined;
afterAll(async () => {
  await store?.close();
  postgres?.stop();
});

it('answers 503 with Retry-After while the PostgreSQL store is down, naming it, and takes the retried batch once it is back', async () => {
  postgres = startPostgres({ dir, port: PORT });
  store = await PostgresProfileStore.open(postgres.url);
  const project = checkProject({});
  // Events no flow listens to: only the store is needed (Temporal is never asked).
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  const { app } = buildIngest({ client, profiles: store, config: project.config, flows: () => project.flows, key: KEY, secret: SECRET });
  const batch = {
    environment: 'production',
    source_request_id: 'store-down',
    user_identities: { customerid: 'store-down-user' },
    user_attributes: { plan: 'gold' },
    events: [{ event_type: 'custom_event', data: { event_name: 'page_seen', source_message_id: 'seen-1' } }],
  };

  postgres.stop();
  const refused = await postTo(app, '/v2/events', batch);
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.json().errors[0]).toMatchObject({
    code: 'UNAVAILABLE',
    message: expect.stringContaining('the profile store cannot be reached'),
  });

  postgres = startPostgres({ dir, port: PORT }); // back, on the same data
  let accepted = await postTo(app, '/v2/events', batch);
  for (let i = 0; i < 20 && accepted.statusCode !== 202; i++) {
    await new Promise((r) => setTimeout(r, 500)); // the pool connects again
    accepted = await postTo(app, '/v2/events', batch);
  }
  expect(accepted.statusCode).toBe(202);
  expect((await store.get('store-down-user')).attributes).toMatchObject({ plan: 'gold' });
}, 60_000);
