import { appendFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { manualEvent } from '../../dsl/language/event.ts';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { startFlowRun, type StartDeps } from '../../ingest/start-run.ts';
import { json, type Received } from '../../destinations/fakes/server.ts';

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

/** A MoEngage event call as `<user>/<event>`. */
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
