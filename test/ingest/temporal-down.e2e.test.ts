import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ingestConnection } from '../../ingest/connection.ts';
import { afterAll, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../dev/dev-server.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { buildIngest } from '../../ingest/server.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { registerSearchAttributes } from '../../worker/search-attributes.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

const data = mkdtempSync(join(tmpdir(), 'ingest-down-'));
const PORT = 17533;
let server: DevServer | undefined;
let connection: Connection | undefined;
afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

it('answers 503 with Retry-After while Temporal is down, and the retried batch runs exactly once when it is back', async () => {
  server = await startDevServer({ dataDir: data, port: PORT, uiPort: PORT + 1000 });
  const admin = await Connection.connect({ address: server.address });
  await registerSearchAttributes(admin, 'default');
  await admin.close();
  connection = ingestConnection({ address: server.address, namespace: 'default' });
  const client = new Client({ connection });
  const project = checkProject({});
  const { app } = buildIngest({
    client,
    profiles: new FileProfileStore(join(data, 'profiles')),
    config: project.config,
    flows: () => project.flows,
    key: KEY,
    secret: SECRET,
  });
  const send = (batch: unknown) => postTo(app, '/v2/events', batch);
  const batch = {
    environment: 'production',
    source_request_id: 'retry-me',
    user_identities: { customerid: 'down-user' },
    events: [
      { event_type: 'custom_event', data: { event_name: 'point_add', source_message_id: 'pts-1', custom_attributes: { points: '500' } } },
    ],
  };

  await server.stop(); // Temporal goes away
  const refused = await send(batch);
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.json().errors[0]).toMatchObject({ code: 'UNAVAILABLE' });
  expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

  server = await startDevServer({ dataDir: data, port: PORT, uiPort: PORT + 1000 }); // back, on the same SQLite file
  let accepted = await send(batch);
  for (let i = 0; i < 20 && accepted.statusCode !== 202; i++) {
    await new Promise((r) => setTimeout(r, 500)); // the client reconnects
    accepted = await send(batch);
  }
  expect(accepted.statusCode).toBe(202);
  expect((await send(batch)).statusCode).toBe(202); // the sender retries once more: still one run
  const runs: string[] = [];
  await expect
    .poll(
      async () => {
        runs.length = 0;
        for await (const r of client.workflow.list({ query: `FlowId = 'antavo-points-to-mparticle' AND UserId = 'down-user'` }))
          runs.push(r.workflowId);
        return runs;
      },
      { timeout: 15_000 },
    )
    .toEqual(['flow/antavo-points-to-mparticle/down-user/pts-1']);
}, 120_000);
