import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../dev/dev-server.ts';
import type { FlowsConfig } from '../../dsl/language/config.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { destinationClients, type Clients } from '../../worker/destination-clients.ts';
import { registerSearchAttributes } from '../../worker/search-attributes.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import { report, settledCalls, size, sleep, startRuns, until } from '../helpers/fault-matrix.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';

const PORT = 17633;
let data: string;
let profiles: FileProfileStore;
let config: FlowsConfig;
let server: DevServer | undefined;
let connection: Connection | undefined;
let client: Client;
let workerConnection: NativeConnection | undefined;
let workers: RunningWorkers | undefined;
let clients: Clients | undefined;
let moengage: Fake;

const startServer = () => startDevServer({ dataDir: data, port: PORT, uiPort: PORT + 1000 });

/** Our dev server on a fixed port and a SQLite file (so it can come back on both), one worker process: this one. */
beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'server-restarted-'));
  profiles = new FileProfileStore(join(data, 'profiles'));
  config = repoConfig();
  config.destinations.set('moengage', { ...config.destinations.get('moengage')!, timeout: '3s', retry: { attempts: 20, backoff: '1s' } });
  server = await startServer();
  connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  client = new Client({ connection });
  clients = await destinationClients(config, { mode: 'fake' });
  workerConnection = await NativeConnection.connect({ address: server.address });
  workers = await startWorkers({
    connection: workerConnection,
    namespace: 'default',
    config,
    profiles,
    destinations: clients.clients,
    stepLog: new FileStepLog(join(data, 'step-log')),
  });
  moengage = clients.fakes.get('moengage')!;
}, 180_000);
afterAll(async () => {
  await workers?.shutdown();
  await clients?.close();
  await workerConnection?.close();
  await connection?.close();
  await server?.stop();
});
beforeEach(() => moengage.clear());

const runs = (flowText: string, prefix: string, n: number) => startRuns({ client, profiles, config }, compile(flowText, config), prefix, n);

/** Stops the server (SIGTERM, as an operator does), keeps it down, brings it back on the same file; returns the seconds it was down. */
async function restartServer(downMs: number): Promise<number> {
  await server!.stop();
  const stoppedAt = Date.now();
  await sleep(downMs);
  server = await startServer();
  return (Date.now() - stoppedAt) / 1000;
}

it('Temporal dev server stopped mid-wait and restarted on its SQLite file: every run resumes, nothing arrives twice', async () => {
  const n = size(10, 200);
  const waitSeconds = size(8, 30); // long enough for every run to be waiting before the server stops
  const { users, handles } = await runs(
    `flow: server-restarted
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: before }
  - wait: ${waitSeconds}s
  - send_event: { destination: moengage, event: after }
`,
    'mid-wait',
    n,
  );
  for (const handle of handles) await waitForState(handle, (s) => s.waiting !== null); // every run is in its wait
  const allWaiting = Date.now();
  // Down until every timer has come due.
  const downFor = await restartServer(Math.max(3_000, allWaiting + waitSeconds * 1000 + 1_000 - Date.now()));
  const { result, window, counts } = await settledCalls(moengage, users, handles, ['before', 'after']);
  expect(result.duplicated).toEqual([]);
  expect(window.size).toBe(0);
  report('server-stopped-mid-wait', counts, { downSeconds: downFor });
}, 300_000);

it('Temporal dev server stopped mid-step: calls whose answer could not be reported are retried, counted in the window', async () => {
  const n = size(10, 100);
  moengage.inject({ delay: 1_000 }, n); // a slow destination: the first calls are in flight when the server stops
  const { users, handles } = await runs(
    `flow: server-stopped-mid-step
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: first }
  - send_event: { destination: moengage, event: second }
`,
    'mid-step',
    n,
  );
  expect(await until(() => moengage.received.length >= Math.ceil(n / 2), 60_000, 20)).toBe(true);
  const downFor = await restartServer(3_000);
  const { counts } = await settledCalls(moengage, users, handles, ['first', 'second']);
  report('server-stopped-mid-step', counts, { downSeconds: downFor });
}, 300_000);
