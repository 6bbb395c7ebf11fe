import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../dev/dev-server.ts';
import { ingestConnection } from '../../ingest/connection.ts';
import { buildIngest } from '../../ingest/server.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { destinationClients, type Clients } from '../../worker/destination-clients.ts';
import { registerSearchAttributes } from '../../worker/search-attributes.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

const data = mkdtempSync(join(tmpdir(), 'ingest-retry-'));
const PORT = 17553;
const USER = 'retry-user';
let server: DevServer | undefined;
let connection: Connection | undefined;
let workerConnection: NativeConnection | undefined;
let workers: RunningWorkers | undefined;
let clients: Clients | undefined;
afterAll(async () => {
  await workers?.shutdown();
  await clients?.close();
  await workerConnection?.close();
  await connection?.close();
  await server?.stop();
});
const startServer = () => startDevServer({ dataDir: data, port: PORT, uiPort: PORT + 1000 });

/**
 * Stops Temporal once the batch's first start was accepted and before its second one goes out,
 * as an outage in mid-batch would: the second flow's entry reservation is the moment (the two
 * starts go out together, so it waits until the first run exists).
 */
class OutageOnSecondStart extends FileProfileStore {
  armed = true;
  client?: Client;
  override async reserveEntry(...args: Parameters<FileProfileStore['reserveEntry']>) {
    if (this.armed && args[0] === 'other') {
      this.armed = false;
      await expect
        .poll(
          () =>
            this.client!.workflow.getHandle(`flow/quick-once/${USER}`)
              .describe()
              .then(
                () => true,
                () => false,
              ),
          { timeout: 10_000 },
        )
        .toBe(true);
      await server!.stop();
    }
    return super.reserveEntry(...args);
  }
}

it('a batch refused with 503 after its first event started an after_exit run: the retry does not start that run again', async () => {
  const config = repoConfig();
  server = await startServer();
  const admin = await Connection.connect({ address: server.address });
  await registerSearchAttributes(admin, 'default');
  await admin.close();
  const profiles = new OutageOnSecondStart(join(data, 'profiles'));
  clients = await destinationClients(config, { mode: 'record' });
  workerConnection = await NativeConnection.connect({ address: server.address });
  workers = await startWorkers({ connection: workerConnection, namespace: 'default', config, profiles, destinations: clients.clients });
  connection = ingestConnection({ address: server.address, namespace: 'default' });
  const client = new Client({ connection });
  profiles.client = client;
  // A quick after_exit flow: by the time the sender retries, its first run has ended, so only "seen" stops a second start.
  const quick = compile(
    'flow: quick-once\ntrigger: { event: go }\nentry: { reentry: after_exit }\nsteps:\n  - send_event: { destination: mparticle, event: hello }\n',
    config,
  );
  // A frequency cap gives `other` an entry reservation, where the outage is staged.
  const other = compile(
    'flow: other\ntrigger: { event: go_on }\nentry: { reentry: always, frequency: { max: 10, per: 1d } }\nsteps:\n  - send_event: { destination: mparticle, event: hi }\n',
    config,
  );
  const { app } = buildIngest({ client, profiles, config, flows: () => [quick, other], key: KEY, secret: SECRET });
  const send = () =>
    postTo(app, '/v2/events', {
      environment: 'production',
      source_request_id: 'retry-batch',
      user_identities: { customerid: USER },
      events: [
        { event_type: 'custom_event', data: { event_name: 'go', source_message_id: 'first' } },
        { event_type: 'custom_event', data: { event_name: 'go_on', source_message_id: 'second' } },
      ],
    });

  const refused = await send();
  expect(refused.statusCode).toBe(503);
  server = await startServer(); // back on the same SQLite file
  // The first event's run finishes once the worker reconnects.
  await expect
    .poll(async () => (await client.workflow.getHandle(`flow/quick-once/${USER}`).describe()).status.name, {
      timeout: 60_000,
      interval: 500,
    })
    .toBe('COMPLETED');

  let accepted = await send();
  for (let i = 0; i < 20 && accepted.statusCode !== 202; i++) {
    await new Promise((r) => setTimeout(r, 500));
    accepted = await send();
  }
  expect(accepted.statusCode).toBe(202);
  const runs = async (flow: string) => {
    const found: string[] = [];
    for await (const r of client.workflow.list({
      query: `WorkflowId = 'flow/${flow}/${USER}' OR WorkflowId STARTS_WITH 'flow/${flow}/${USER}/'`,
    }))
      found.push(r.runId);
    return found.length;
  };
  await expect.poll(() => runs('other'), { timeout: 15_000 }).toBe(1);
  expect(await runs('quick-once')).toBe(1);
}, 180_000);
