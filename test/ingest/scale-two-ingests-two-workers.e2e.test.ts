import { Client, type Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import type { DestinationClient } from '../../destinations/types.ts';
import { devServerEnvironment } from '../../dev/test-environments.ts';
import { ingestConnection } from '../../ingest/connection.ts';
import { buildIngest } from '../../ingest/server.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import { PostgresStepLog } from '../../store/postgres-step-log.ts';
import { destinationClients, type Clients } from '../../worker/destination-clients.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { compile, repoConfig } from '../helpers/temporal.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

/**
 * Scale past one machine: two ingest instances and two worker sets, each with connections and
 * PostgreSQL pools of its own (as separate machines would have), share one Temporal server and
 * one PostgreSQL store. Everything a sender or a destination sees must be as with one of each.
 */

const USERS = Array.from({ length: 16 }, (_, i) => `scale-u${String(i).padStart(2, '0')}`);
const CAPPED_USER = 'scale-capped';
const config = repoConfig();

let env: TestWorkflowEnvironment;
let postgres: ReturnType<typeof startPostgres>;
let fakes: Clients;
const closers: Array<() => Promise<unknown> | unknown> = [];
const workerSets: RunningWorkers[] = [];
/** Destination calls each worker set performed, to show both took work. */
const performedBy = [0, 0];
const ingests: Array<ReturnType<typeof buildIngest>> = [];

const welcome: FlowIR = compile(
  `flow: scale-welcome
trigger: { event: scale_sign_up }
entry: { reentry: always }
steps:
  - send_event: { destination: mparticle, event: scale_hello }
  - send_event: { destination: mparticle, event: scale_followup }
`,
  config,
);
const capped: FlowIR = compile(
  `flow: scale-capped
trigger: { event: scale_offer }
entry: { reentry: always, frequency: { max: 1, per: 1d } }
steps:
  - send_event: { destination: mparticle, event: scale_offer_sent }
`,
  config,
);

/** Every call goes to the same fake servers; each worker set counts what it performed. */
function counted(clients: ReadonlyMap<string, DestinationClient>, set: number): Map<string, DestinationClient> {
  return new Map(
    [...clients].map(([name, client]) => [
      name,
      {
        name: client.name,
        type: client.type,
        perform: (call, context) => {
          performedBy[set]!++;
          return client.perform(call, context);
        },
      } satisfies DestinationClient,
    ]),
  );
}

beforeAll(async () => {
  postgres = startPostgres(15493);
  env = await devServerEnvironment();
  fakes = await destinationClients(config, { mode: 'fake' });
  for (const set of [0, 1]) {
    const profiles = await PostgresProfileStore.open(postgres.url);
    const stepLog = await PostgresStepLog.open(postgres.url);
    const connection = await NativeConnection.connect({ address: env.address });
    const workers = await startWorkers({
      connection,
      namespace: 'default',
      config,
      profiles,
      stepLog,
      destinations: counted(fakes.clients, set),
    });
    workerSets.push(workers);
    closers.push(
      () => workers.shutdown(),
      () => connection.close(),
      () => profiles.close(),
      () => stepLog.close(),
    );
  }
  for (let i = 0; i < 2; i++) {
    const profiles = await PostgresProfileStore.open(postgres.url);
    const stepLog = await PostgresStepLog.open(postgres.url);
    const connection: Connection = ingestConnection({ address: env.address, namespace: 'default' });
    const client = new Client({ connection });
    const ingest = buildIngest({
      client,
      profiles,
      stepLog,
      config,
      flows: () => [welcome, capped],
      key: KEY,
      secret: SECRET,
      searchAttributes: true,
    });
    ingests.push(ingest);
    closers.push(
      () => ingest.app.close(),
      () => connection.close(),
      () => profiles.close(),
      () => stepLog.close(),
    );
  }
}, 180_000);

afterAll(async () => {
  // Workers first (they drain in-flight activities), then the rest.
  for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
  await fakes?.close();
  await env?.teardown();
  postgres?.stop();
});

const batch = (requestId: string, user: string, event: string, messageId: string) => ({
  environment: 'production',
  source_request_id: requestId,
  user_identities: { customerid: user },
  events: [{ event_type: 'custom_event', data: { event_name: event, source_message_id: messageId } }],
});

const send = (ingest: number, payload: unknown) => postTo(ingests[ingest]!.app, '/v2/events', payload, { report: true });

async function runsOf(flow: string): Promise<Array<{ id: string; status: string }>> {
  const runs: Array<{ id: string; status: string }> = [];
  for await (const r of env.client.workflow.list({ query: `FlowId = '${flow}'` })) runs.push({ id: r.workflowId, status: r.status.name });
  return runs;
}

/** What the mParticle fake received, as `user event` lines (one per request it handled). */
function delivered(): string[] {
  return fakes.fakes.get('mparticle')!.received.map((r) => {
    const body = JSON.parse(r.body) as { user_identities?: Record<string, string>; events?: Array<{ data?: { event_name?: string } }> };
    return `${Object.values(body.user_identities ?? {})[0]} ${body.events?.[0]?.data?.event_name}`;
  });
}

it('two ingests and two worker sets on one Temporal server and one PostgreSQL store run every run once and deliver every call once', async () => {
  expect(workerSets).toHaveLength(2);
  // Batches alternate between the two ingests, as a load balancer in front of them would send them.
  const answers = await Promise.all(
    USERS.map((user, i) => send(i % 2, batch(`scale-batch-${i}`, user, 'scale_sign_up', `scale-msg-${i}`))),
  );
  expect(answers.map((a) => a.statusCode)).toEqual(USERS.map(() => 202));

  // A sender retries a batch (its answer was lost) and the balancer sends the retry to the other ingest.
  const retried = await send(1, batch('scale-batch-0', USERS[0]!, 'scale_sign_up', 'scale-msg-0'));
  expect(retried.statusCode).toBe(202);
  expect(retried.json()).toMatchObject({ batches: [{ duplicate: true, started: 0 }] });

  // A flow capped at one entry a day, triggered for one user on both ingests at the same moment.
  const both = await Promise.all([
    send(0, batch('scale-offer-a', CAPPED_USER, 'scale_offer', 'scale-offer-a')),
    send(1, batch('scale-offer-b', CAPPED_USER, 'scale_offer', 'scale-offer-b')),
  ]);
  expect(both.map((a) => a.statusCode)).toEqual([202, 202]);
  const outcomes = both.map((a) => (a.json() as { batches: Array<{ started: number; notStarted: Record<string, number> }> }).batches[0]!);
  expect(outcomes.map((o) => o.started).sort()).toEqual([0, 1]);
  expect(outcomes.find((o) => o.started === 0)!.notStarted).toEqual({ 'frequency-cap': 1 });

  // Every run completes, exactly one per batch (the retry started none), one for the capped user.
  await expect
    .poll(async () => (await runsOf('scale-welcome')).filter((r) => r.status === 'COMPLETED').length, { timeout: 60_000, interval: 500 })
    .toBe(USERS.length);
  const welcomeRuns = await runsOf('scale-welcome');
  expect(welcomeRuns.map((r) => r.id).sort()).toEqual(USERS.map((user, i) => `flow/scale-welcome/${user}/scale-msg-${i}`).sort());
  await expect
    .poll(async () => (await runsOf('scale-capped')).map((r) => r.status), { timeout: 30_000, interval: 500 })
    .toEqual(['COMPLETED']);

  // Each destination call reached the destination exactly once, whichever worker performed it.
  const expected = [...USERS.flatMap((user) => [`${user} scale_hello`, `${user} scale_followup`]), `${CAPPED_USER} scale_offer_sent`];
  expect(delivered().sort()).toEqual(expected.sort());
  // Both worker sets took work from the shared task queues.
  expect(performedBy[0]).toBeGreaterThan(0);
  expect(performedBy[1]).toBeGreaterThan(0);
  expect(performedBy[0]! + performedBy[1]!).toBe(expected.length);
}, 180_000);
