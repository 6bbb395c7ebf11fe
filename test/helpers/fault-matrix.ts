import { appendFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { manualEvent } from '../../dsl/language/event.ts';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { startFlowRun, type StartDeps } from '../../ingest/start-run.ts';
import { json, type Fake, type Received } from '../../destinations/fakes/server.ts';

/**
 * The fault matrix runs quick in `npm test` and full with `npm run faults`
 * (FLOWLINE_FAULTS=full), which also collects every row in FLOWLINE_FAULTS_REPORT.
 */
const FULL = process.env.FLOWLINE_FAULTS === 'full';
export const size = (quick: number, full: number): number => (FULL ? full : quick);

/** What every case counts: the columns of the fault-matrix table. */
export interface Counts {
  /** Runs (or events, for ingest) the case drove through the fault. */
  runs: number;
  /** Calls the fakes should have received exactly once. */
  expected: number;
  /** Distinct expected calls that arrived at least once. */
  delivered: number;
  lost: number;
  /** Calls that arrived more than once. */
  duplicated: number;
  /** Calls inside the at-least-once window: the destination acted, then the attempt timed out. */
  window: number;
}

/** Each case by id, with the measurements it reports beside its counts (scripts/fault-matrix.ts words them). */
export interface FaultCases {
  'destination-errors-before-acting': { faulted: number; kinds: string[]; retriedAfterTimeout: number };
  'destination-timeout-after-acting': {
    late: number;
    moengageTwice: number;
    customerioTwice: number;
    customerioIgnoredByDestination: number;
  };
  'worker-killed-mid-step': { kills: number; answerMs: number; inFlightAtKill: number; extraArrivals: number };
  'worker-killed-mid-wait': Record<string, never>;
  'server-stopped-mid-wait': { downSeconds: number };
  'server-stopped-mid-step': { downSeconds: number };
  'ingest-killed': { kills: number; senders: number; batches: number; failedAttempts: number; failures: Record<string, number> };
  'malformed-inputs': { flowFiles: number; configs: number; batches: number; refused: number };
  'cluster-server-killed-mid-wait': { downSeconds: number };
  'cluster-server-killed-mid-step': { downSeconds: number };
  'cluster-postgres-restarted': {
    downSeconds: number;
    batches: number;
    acceptedBefore: number;
    failedAttempts: number;
    failures: Record<string, number>;
  };
  'cluster-ingest-killed': FaultCases['ingest-killed'];
  'cluster-worker-killed': { answerMs: number; inFlightAtKill: number; extraArrivals: number };
}
export type CaseId = keyof FaultCases;

/** One line of the report file: a case, its counts and its measurements. */
export type MatrixRow<K extends CaseId = CaseId> = K extends CaseId ? { case: K; counts: Counts; measured: FaultCases[K] } : never;

/**
 * Records what a case measured: one JSON line in FLOWLINE_FAULTS_REPORT when it is set
 * (`npm run faults` makes the table from them), else one line in the test output.
 */
export function report<K extends CaseId>(id: K, counts: Counts, measured: FaultCases[K]): void {
  const line = JSON.stringify({ case: id, counts, measured });
  const file = process.env.FLOWLINE_FAULTS_REPORT;
  if (file) appendFileSync(file, `${line}\n`);
  else console.log(`fault matrix ${line}`);
}

export interface Tally {
  delivered: number;
  lost: string[];
  /** Keys that arrived more than once. */
  duplicated: string[];
  /** Keys that arrived but were never expected. */
  unexpected: string[];
}

/** What the fakes received, by key, against what should have arrived once each. */
export function tally(expected: string[], arrived: string[]): Tally {
  const counts = new Map<string, number>();
  for (const key of arrived) counts.set(key, (counts.get(key) ?? 0) + 1);
  const wanted = new Set(expected);
  return {
    delivered: expected.filter((k) => counts.has(k)).length,
    lost: expected.filter((k) => !counts.has(k)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([k]) => k),
    unexpected: [...counts.keys()].filter((k) => !wanted.has(k)),
  };
}

const timedOut = (failure: { message?: string | null; timeoutFailureInfo?: unknown } | null | undefined): boolean =>
  !!failure && (!!failure.timeoutFailureInfo || /no answer from .* within/.test(failure.message ?? ''));

/**
 * The activities of a run (in the order they were scheduled) whose successful attempt came
 * after an attempt that timed out: the calls that may have reached the destination twice.
 * Temporal records the last failure on the attempt that finally ran.
 */
export async function retriedAfterTimeout(handle: WorkflowHandle): Promise<number[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => Number(e.eventId));
  const found: number[] = [];
  for (const e of events) {
    const started = e.activityTaskStartedEventAttributes;
    if (started && (started.attempt ?? 1) > 1 && timedOut(started.lastFailure))
      found.push(scheduled.indexOf(Number(started.scheduledEventId)));
  }
  return found;
}

/** The calls of each run (`<user>/<event of step i>`) whose activity was retried after a timeout: the window. */
export async function windowKeys(users: string[], handles: WorkflowHandle[], stepEvents: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const [i, handle] of handles.entries())
    for (const step of await retriedAfterTimeout(handle)) keys.add(`${users[i]}/${stepEvents[step]}`);
  return keys;
}

/**
 * Waits for every run, then tallies what MoEngage received against one call per user and step
 * event: nothing lost or unexpected, and a call that arrived twice only inside the window.
 */
export async function settledCalls(moengage: Fake, users: string[], handles: WorkflowHandle[], steps: string[]) {
  await Promise.all(handles.map((h) => h.result()));
  const expected = users.flatMap((u) => steps.map((s) => `${u}/${s}`));
  const result = tally(expected, moengage.received.map(moengageCall));
  const window = await windowKeys(users, handles, steps);
  expect(result).toMatchObject({ delivered: expected.length, lost: [], unexpected: [] });
  for (const key of result.duplicated) expect(window).toContain(key);
  const counts: Counts = {
    runs: users.length,
    expected: expected.length,
    delivered: result.delivered,
    lost: result.lost.length,
    duplicated: result.duplicated.length,
    window: window.size,
  };
  return { expected, result, window, counts };
}

/** One run of the flow per user `<prefix>-<i>`, each started by its own `go` event. */
export async function startRuns(
  deps: StartDeps,
  flow: FlowIR,
  prefix: string,
  n: number,
): Promise<{ users: string[]; handles: WorkflowHandle[] }> {
  const users = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const handles = await Promise.all(
    users.map(async (user) =>
      deps.client.workflow.getHandle(
        (await startFlowRun(deps, flow, user, manualEvent({ name: 'go' }, `${user}-e`, Date.now()))).workflowId,
      ),
    ),
  );
  return { users, handles };
}

/** A MoEngage event request's fields the tests read. */
export const moengageBody = (r: Received) => json<{ customer_id: string; actions: Array<{ action: string }> }>(r);
export const moengageCall = (r: Received): string => `${moengageBody(r).customer_id}/${moengageBody(r).actions![0]!.action}`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` holds or the time runs out (then returns false, for the caller's assertion to report). */
export async function until(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return done();
}

/**
 * An mParticle Events API batch for user `<prefix>-<i>`: two point_add events (150 and 250
 * points), each starting one run of antavo-points-to-mparticle, which makes one mParticle call.
 */
export const pointsBatch = (prefix: string, i: number) => ({
  environment: 'production',
  source_request_id: `${prefix}-req-${i}`,
  user_identities: { customerid: `${prefix}-${i}` },
  events: [150, 250].map((points, j) => ({
    event_type: 'custom_event',
    data: {
      event_name: 'point_add',
      custom_event_type: 'transaction',
      source_message_id: `${prefix}-msg-${i}-${j}`,
      custom_attributes: { points: String(points) },
    },
  })),
});
/** The calls pointsBatch(prefix, i) should make, as mparticleCall reads them. */
const pointsCalls = (prefix: string, batches: number): string[] =>
  Array.from({ length: batches }, (_, i) => [`${prefix}-${i}/150`, `${prefix}-${i}/250`]).flat();

const mparticleBody = (r: Received) =>
  json<{ user_identities: { customerid?: string }; events: Array<{ data: { custom_attributes: { points?: unknown } } }> }>(r);
/** An mParticle call as `<user>/<points>`. */
const mparticleCall = (r: Received): string =>
  `${mparticleBody(r).user_identities!.customerid}/${String(mparticleBody(r).events![0]!.data.custom_attributes.points)}`;

/**
 * Waits until mParticle has received every call of `batches` pointsBatch(prefix, …) batches, and
 * a little longer for a late duplicate; then each must have arrived exactly once.
 */
export async function settledPointsCalls(mparticle: Fake, prefix: string, batches: number): Promise<Tally> {
  const expected = pointsCalls(prefix, batches);
  const arrived = () => mparticle.received.map(mparticleCall);
  await until(() => tally(expected, arrived()).lost.length === 0, 120_000);
  await sleep(2_000); // a late duplicate would show by now
  const result = tally(expected, arrived());
  expect(result).toEqual({ delivered: expected.length, lost: [], duplicated: [], unexpected: [] });
  return result;
}

/**
 * Senders as mParticle's SDKs behave: each batch is posted until it is accepted (202), after a
 * pause on any other answer. Each sender's attempts go to each of `urls` in turn (a load balancer
 * over several ingests): a retry goes to the next ingest. `progress` counts as they go; `done`
 * resolves once every batch is in.
 */
export function sendBatches(options: {
  urls: string[];
  authorization: string;
  batches: number;
  senders: number;
  body: (i: number) => unknown;
}) {
  const progress = { accepted: 0, failedAttempts: 0, failures: {} as Record<string, number> };
  let next = 0;
  const sender = async (first: number) => {
    let attempts = first;
    while (next < options.batches) {
      const body = JSON.stringify(options.body(next++));
      for (;;) {
        const url = options.urls[attempts++ % options.urls.length]!;
        const answer = await fetch(url, {
          method: 'POST',
          headers: { authorization: options.authorization, 'content-type': 'application/json' },
          body,
        })
          .then((r) => String(r.status))
          .catch((e: Error) => (e.cause as { code?: string } | undefined)?.code ?? 'network error');
        if (answer === '202') break;
        progress.failedAttempts++;
        progress.failures[answer] = (progress.failures[answer] ?? 0) + 1;
        expect(['400', '401', '413']).not.toContain(answer); // the sender's mistakes: none here
        await sleep(200);
      }
      progress.accepted++;
    }
  };
  const done = Promise.all(Array.from({ length: options.senders }, (_, i) => sender(i))).then(() => undefined);
  /**
   * SIGKILLs a process `kills` times while the batches arrive, each time once a further share of
   * them is accepted; it stays down a second (batches keep arriving at its closed port), then
   * `restart` brings it back. Resolves once every batch is in.
   */
  const killing = async (kills: number, kill: () => Promise<void>, restart: () => Promise<void>) => {
    for (let k = 1; k <= kills; k++) {
      await until(() => progress.accepted >= (k * options.batches) / (kills + 1), 120_000, 10);
      await kill();
      await sleep(1_000);
      await restart();
    }
    await done;
  };
  return { progress, done, killing };
}

/**
 * The ingest-killed case, on whatever runs the ingests: 4 senders post `batches` batches to
 * `urls` while `kill` and `restart` take an ingest down `kills` times; the senders retry, and
 * every event must start exactly one run (one mParticle call). Returns the case's row.
 */
export async function ingestKilledCase(options: {
  urls: string[];
  authorization: string;
  mparticle: Fake;
  prefix: string;
  batches: number;
  kills: number;
  kill: () => Promise<void>;
  restart: () => Promise<void>;
}): Promise<{ counts: Counts; measured: FaultCases['ingest-killed'] }> {
  const { batches, kills, prefix } = options;
  const senders = 4;
  const sent = sendBatches({
    urls: options.urls,
    authorization: options.authorization,
    batches,
    senders,
    body: (i) => pointsBatch(prefix, i),
  });
  await sent.killing(kills, options.kill, options.restart);
  const result = await settledPointsCalls(options.mparticle, prefix, batches);
  expect(sent.progress.failedAttempts).toBeGreaterThan(0); // the kills did land while batches arrived
  const n = result.delivered;
  return {
    counts: { runs: n, expected: n, delivered: n, lost: 0, duplicated: 0, window: 0 },
    measured: { kills, senders, batches, failedAttempts: sent.progress.failedAttempts, failures: sent.progress.failures },
  };
}
