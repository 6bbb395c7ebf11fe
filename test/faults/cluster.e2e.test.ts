import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_ENV, FAKES } from '../../destinations/fakes/index.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import { CLUSTER_INGEST_KEY, CLUSTER_INGEST_SECRET, startClusterStack, type ClusterStack } from '../helpers/cluster-stack.ts';
import {
  ingestKilledCase,
  pointsBatch,
  report,
  sendBatches,
  settledCalls,
  settledPointsCalls,
  size,
  sleep,
  startRuns,
  until,
} from '../helpers/fault-matrix.ts';
import { moengageAt, scratchProject, type ScratchProject } from '../helpers/flows-process.ts';
import { basic } from '../helpers/ingest.ts';
import { compile } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';

/**
 * The fault matrix on the production-shaped stack (`flows cluster`): the Temporal server on
 * PostgreSQL, two ingests and two workers as processes of their own on the PostgreSQL stores.
 * Slow to start and heavy, so only with FLOWLINE_FAULTS_CLUSTER=1 (`npm run faults -- --cluster`).
 * Ports of its own, away from every other test's and bench/cluster.ts's. The server's membership
 * ports (300 below its frontend's) go into a PostgreSQL smallint, so its frontend stays under 32768.
 */
// Below 32768: a listener on a port of the ephemeral range (32768–60999) can find it taken by an outgoing connection.
const PORTS = { temporal: 31533, postgres: 21433, ingests: [21480, 21481], workerFakes: [21600, 21620] };
const AUTH = basic(`${CLUSTER_INGEST_KEY}:${CLUSTER_INGEST_SECRET}`);
const INGEST_URLS = PORTS.ingests.map((p) => `http://127.0.0.1:${p}/v2/events`);

describe.skipIf(process.env.FLOWLINE_FAULTS_CLUSTER !== '1')('fault matrix on the cluster', () => {
  let stack: ClusterStack | undefined;
  let connection: Connection | undefined;
  let client: Client;
  let profiles: PostgresProfileStore | undefined;
  let project: ScratchProject;
  const fakes: Fake[] = [];
  let moengage: Fake;
  let mparticle: Fake;

  beforeAll(async () => {
    [moengage, mparticle] = await Promise.all([FAKES.moengage(), FAKES.mparticle()]);
    const antavo = await FAKES.antavo();
    fakes.push(moengage, mparticle, antavo);
    // The destinations have credentials (FAKE_ENV) and point at the test's fakes, which outlive a
    // killed worker and count everything every worker sent; --fake-missing then fakes nothing.
    project = scratchProject(`${moengageAt(moengage.url, '3s')}  mparticle:
    type: mparticle
    pod: us1
    environment: development
    api_key: \${MPARTICLE_API_KEY}
    api_secret: \${MPARTICLE_API_SECRET}
    base_url: ${mparticle.url}
  antavo:
    type: antavo
    region: eu
    api_key: \${ANTAVO_API_KEY}
    api_secret: \${ANTAVO_API_SECRET}
    base_url: ${antavo.url}
`);
    // What the ingests route point_add to: the repository's flow, one mParticle call per event.
    copyFileSync(resolve('flows/antavo-points-to-mparticle.yaml'), join(project.dir, 'flows', 'antavo-points-to-mparticle.yaml'));
    stack = await startClusterStack({ ports: PORTS, project: project.dir, env: FAKE_ENV });
    connection = await Connection.connect({ address: stack.address });
    client = new Client({ connection, namespace: stack.namespace });
    profiles = await PostgresProfileStore.open(stack.databaseUrl);
  }, 400_000);
  afterAll(async () => {
    await profiles?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await stack?.close();
    for (const fake of fakes) await fake.close();
  }, 120_000);
  beforeEach(() => {
    moengage.clear();
    mparticle.clear();
  });

  const runs = (flowText: string, prefix: string, n: number) =>
    startRuns({ client, profiles: profiles!, config: project.config }, compile(flowText, project.config), prefix, n);
  const waitFlow = (name: string, seconds: number) => `flow: ${name}
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: before }
  - wait: ${seconds}s
  - send_event: { destination: moengage, event: after }
`;
  const twoStepFlow = (name: string) => `flow: ${name}
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: first }
  - send_event: { destination: moengage, event: second }
`;

  it('Temporal server SIGKILLed mid-wait and restarted on the same PostgreSQL: every run resumes, each call made once', async () => {
    const n = size(10, 200);
    const waitSeconds = size(10, 30); // long enough for every run to be waiting before the kill
    const { users, handles } = await runs(waitFlow('cluster-killed-mid-wait', waitSeconds), 'c-mid-wait', n);
    for (const handle of handles) await waitForState(handle, (s) => s.waiting !== null);
    const allWaiting = Date.now();
    await stack!.killServer();
    const killedAt = Date.now();
    await sleep(Math.max(3_000, allWaiting + waitSeconds * 1000 + 1_000 - Date.now())); // every timer comes due while it is down
    await stack!.startServer();
    const downSeconds = (Date.now() - killedAt) / 1000;
    const { result, counts } = await settledCalls(moengage, users, handles, ['before', 'after']);
    // The kill caught no call in flight, so none arrives twice. At full size a few calls time out
    // once when every timer fires together after the restart: counted in the window, not failed.
    expect(result.duplicated).toEqual([]);
    report('cluster-server-killed-mid-wait', counts, { downSeconds });
  }, 300_000);

  it('Temporal server SIGKILLed mid-step and restarted: nothing lost, a call arrives twice only inside the at-least-once window', async () => {
    const n = size(10, 100);
    moengage.inject({ delay: 1_000 }, n); // a slow destination: calls are in flight when the server dies
    const { users, handles } = await runs(twoStepFlow('cluster-killed-mid-step'), 'c-mid-step', n);
    expect(await until(() => moengage.received.length >= Math.ceil(n / 2), 60_000, 20)).toBe(true);
    await stack!.killServer();
    const killedAt = Date.now();
    await sleep(3_000);
    await stack!.startServer();
    const downSeconds = (Date.now() - killedAt) / 1000;
    const { counts } = await settledCalls(moengage, users, handles, ['first', 'second']);
    report('cluster-server-killed-mid-step', counts, { downSeconds });
  }, 300_000);

  it('PostgreSQL restarted mid-run: Temporal and the same ingest and worker processes reconnect; runs waiting and batches sent before, during and after all complete', async () => {
    const n = size(10, 100);
    const waitSeconds = size(15, 30); // the timers come due after PostgreSQL is back
    const batches = size(60, 400);
    const { users, handles } = await runs(waitFlow('cluster-postgres-restarted', waitSeconds), 'c-pg', n);
    for (const handle of handles) await waitForState(handle, (s) => s.waiting !== null);
    const flowline = () => [0, 1].flatMap((i) => [stack!.ingest(i), stack!.worker(i)]);
    const pids = flowline().map((p) => p.child.pid);
    // Batches keep coming through both ingests, so their connections (and the workers', running
    // the runs the batches start) are in use when PostgreSQL goes.
    const sent = sendBatches({ urls: INGEST_URLS, authorization: AUTH, batches, senders: 2, body: (i) => pointsBatch('c-pg', i) });
    await until(() => sent.progress.accepted >= batches / 4, 60_000, 10);
    const acceptedBefore = sent.progress.accepted;
    stack!.stopPostgres();
    const stoppedAt = Date.now();
    await sleep(3_000);
    stack!.startPostgres();
    const downSeconds = (Date.now() - stoppedAt) / 1000;
    await sent.done;
    const waited = await settledCalls(moengage, users, handles, ['before', 'after']);
    const sentThrough = await settledPointsCalls(mparticle, 'c-pg', batches);
    // Each recovered by itself: the same processes, still running.
    expect(flowline().map((p) => p.child.pid)).toEqual(pids);
    for (const p of flowline()) expect(p.child.exitCode ?? p.child.signalCode, p.name).toBeNull();
    expect(acceptedBefore).toBeLessThan(batches); // some batches came after the restart
    const c = waited.counts;
    report(
      'cluster-postgres-restarted',
      {
        runs: c.runs + sentThrough.delivered,
        expected: c.expected + sentThrough.delivered,
        delivered: c.delivered + sentThrough.delivered,
        lost: c.lost,
        duplicated: c.duplicated,
        window: c.window,
      },
      { downSeconds, batches, acceptedBefore, failedAttempts: sent.progress.failedAttempts, failures: sent.progress.failures },
    );
  }, 300_000);

  it('one of two ingests SIGKILLed while senders post to both: senders retry, no event is lost and none starts twice', async () => {
    const row = await ingestKilledCase({
      urls: INGEST_URLS,
      authorization: AUTH,
      mparticle,
      prefix: 'c-ingest',
      batches: size(40, 400),
      kills: size(1, 3),
      kill: () => stack!.killIngest(0),
      restart: () => stack!.startIngest(0),
    });
    report('cluster-ingest-killed', row.counts, row.measured);
  }, 400_000);

  it('one of two workers SIGKILLed with runs in flight: every run finishes on the other, a call arrives twice only inside the window', async () => {
    const n = size(20, 200);
    const answerMs = 1_500; // a slow destination, so both workers have calls in flight at the kill
    moengage.inject({ delay: answerMs }, n * 2);
    const { users, handles } = await runs(twoStepFlow('cluster-worker-killed'), 'c-worker', n);
    expect(await until(() => moengage.received.length >= Math.ceil(n / 2), 60_000, 20)).toBe(true);
    const before = moengage.unanswered.length;
    await stack!.killWorker(0);
    await sleep(300); // the fake sees the connections close
    const inFlightAtKill = moengage.unanswered.length - before;
    const { expected, counts } = await settledCalls(moengage, users, handles, ['first', 'second']);
    expect(inFlightAtKill).toBeGreaterThan(0); // the kill did land mid-call
    expect(stack!.worker(0).child.exitCode ?? stack!.worker(0).child.signalCode).toBe('SIGKILL'); // finished without it
    report('cluster-worker-killed', counts, { answerMs, inFlightAtKill, extraArrivals: moengage.received.length - expected.length });
  }, 300_000);
});
