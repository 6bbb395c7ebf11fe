import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../dev/dev-server.ts';
import { manualEvent } from '../../dsl/event.ts';
import { startFlowRun } from '../../ingest/start-run.ts';
import { FileProfileStore } from '../../profiles/file-store.ts';
import { destinationClients, type Clients } from '../../worker/destination-clients.ts';
import { registerSearchAttributes } from '../../worker/search-attributes.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { json } from '../fakes/server.ts';
import { report, retriedAfterTimeout, size, sleep, tally, until } from '../helpers/fault-matrix.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';

const data = mkdtempSync(join(tmpdir(), 'server-restarted-'));
const PORT = 17633;
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

it('Temporal dev server stopped and restarted on its SQLite file mid-wait: every run resumes, nothing arrives twice', async () => {
  const n = size(10, 200);
  const config = repoConfig();
  const profiles = new FileProfileStore(join(data, 'profiles'));
  server = await startServer();
  connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  const client = new Client({ connection });
  clients = await destinationClients(config, { mode: 'fake' });
  workerConnection = await NativeConnection.connect({ address: server.address });
  workers = await startWorkers({ connection: workerConnection, namespace: 'default', config, profiles, destinations: clients.clients });
  const moengage = clients.fakes.get('moengage')!;

  const flow = compile(`flow: server-restarted
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: before }
  - wait: 8s
  - send_event: { destination: moengage, event: after }
`, config);
  const users = Array.from({ length: n }, (_, i) => `restart-${i}`);
  const ids = await Promise.all(users.map(async (u) => (await startFlowRun({ client, profiles, config }, flow, u, manualEvent({ name: 'go' }, `${u}-e`, Date.now()))).workflowId));
  expect(await until(() => moengage.received.length >= n, 60_000)).toBe(true);
  await sleep(500); // the runs enter their wait

  await server.stop(); // SIGTERM, as an operator stops it
  const stoppedAt = Date.now();
  await sleep(10_000); // every timer comes due while the server is down
  server = await startServer();
  const downFor = (Date.now() - stoppedAt) / 1000;

  const handles = ids.map((id) => client.workflow.getHandle(id));
  await Promise.all(handles.map((h) => h.result()));
  const expected = users.flatMap((u) => [`${u}/before`, `${u}/after`]);
  const result = tally(expected, moengage.received.map((r) => `${json(r).customer_id}/${json(r).actions[0].action}`));
  const retried = (await Promise.all(handles.map(retriedAfterTimeout))).flat();
  expect(result).toEqual({ delivered: expected.length, lost: [], duplicated: [], unexpected: [] });
  expect(retried).toEqual([]);
  report({
    case: 'Temporal dev server stopped mid-wait, restarted on its SQLite file',
    runs: n,
    expected: expected.length,
    delivered: result.delivered,
    lost: 0,
    duplicated: 0,
    window: 0,
    notes: `server down ${downFor.toFixed(0)} s while every timer came due; the same worker process reconnected and all runs resumed`,
  });
}, 300_000);
