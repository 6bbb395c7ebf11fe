/**
 * The full fault matrix: every case under test/faults/ at full size (FLOWLINE_FAULTS=full),
 * then one table of what the fakes received. `npm test` runs the same cases small.
 * With --cluster, the cluster cases instead (test/faults/cluster.e2e.test.ts, FLOWLINE_FAULTS_CLUSTER=1):
 * the same faults on the production-shaped stack of `flows cluster`.
 * Usage: npm run faults [-- --quick] [-- --cluster]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_LOG_LEVEL } from '../dev/test-environments.ts';
import type { CaseId, Counts, FaultCases, MatrixRow } from '../test/helpers/fault-matrix.ts';

/** A sender's failed attempts by answer (a status, or the network error's code). */
const failures = (byAnswer: Record<string, number>): string =>
  Object.entries(byAnswer)
    .map(([answer, n]) => `${answer}: ${n}`)
    .join(', ') || 'none';

/** Each case's title and what happened, in words, from what it measured. */
const WORDING: { [K in CaseId]: (m: FaultCases[K], c: Counts) => [title: string, notes: string] } = {
  'destination-errors-before-acting': (m) => [
    'destination 429 / 500 / 503 / reset / timeout before acting',
    `${m.faulted} faulted answers (${m.kinds.join(', ')} in turn) all retried; ${m.retriedAfterTimeout} retries followed a timeout, none after the destination acted`,
  ],
  'destination-timeout-after-acting': (m) => [
    'destination timeout after acting (the at-least-once window)',
    `${m.late} MoEngage and ${m.late} Customer.io calls acted then timed out: MoEngage received ${m.moengageTwice} twice (no idempotency key); ` +
      `Customer.io received ${m.customerioTwice} twice with the same event id, ${m.customerioIgnoredByDestination} ignored as duplicates by the destination`,
  ],
  'worker-killed-mid-step': (m, c) => [
    `worker SIGKILLed mid-step (${m.kills}x, destination answering in ${m.answerMs / 1000} s)`,
    `${m.inFlightAtKill} requests acted on but unanswered when a worker died (a call can be caught by more than one kill); ` +
      `${c.window} calls retried after an attempt timed out, ${c.duplicated} of them reached MoEngage more than once ` +
      `(${m.extraArrivals} extra arrivals; MoEngage takes no idempotency key)`,
  ],
  'worker-killed-mid-wait': () => ['worker SIGKILLed mid-wait, timers fire with no worker', 'every run resumed on the new worker'],
  'server-stopped-mid-wait': (m) => [
    'Temporal dev server stopped mid-wait, restarted on its SQLite file',
    `server down ${m.downSeconds.toFixed(0)} s while every timer came due; the same worker process reconnected and all runs resumed`,
  ],
  'server-stopped-mid-step': (m, c) => [
    'Temporal dev server stopped mid-step, restarted on its SQLite file',
    `server down ${m.downSeconds.toFixed(0)} s with calls in flight; ${c.window} calls were retried after their attempt timed out ` +
      `(the worker could not report their result), ${c.duplicated} of them reached MoEngage twice ` +
      '(a retry that finds the call recorded as sent in the step log skips it)',
  ],
  'ingest-killed': (m) => [
    `ingest SIGKILLed ${m.kills}x while ${m.senders} senders post batches`,
    `${m.batches} batches of 2 events; ${m.failedAttempts} attempts failed (${failures(m.failures)}) and were retried; retried batches started nothing twice`,
  ],
  'malformed-inputs': (m) => [
    'malformed inputs: flow files, configs, event batches',
    `${m.flowFiles + m.configs + m.batches} malformed inputs (${m.flowFiles} flow files, ${m.configs} configs, ${m.batches} batches) ` +
      `refused with file:line or the field's path; ${m.refused} batches answered 400 and nothing from them ran; the valid batches between them ran once each`,
  ],
  'cluster-server-killed-mid-wait': (m, c) => [
    'cluster: Temporal server SIGKILLed mid-wait, restarted on its PostgreSQL',
    `server down ${m.downSeconds.toFixed(0)} s while every timer came due; both worker processes reconnected and all runs resumed` +
      (c.window ? `; ${c.window} calls were retried after an attempt timed out, none reached MoEngage twice` : ''),
  ],
  'cluster-server-killed-mid-step': (m, c) => [
    'cluster: Temporal server SIGKILLed mid-step, restarted on its PostgreSQL',
    `server down ${m.downSeconds.toFixed(0)} s with calls in flight; ${c.window} calls were retried after their attempt timed out, ` +
      `${c.duplicated} of them reached MoEngage twice`,
  ],
  'cluster-postgres-restarted': (m, c) => [
    'cluster: PostgreSQL restarted mid-run (Temporal and Flowline stores on it)',
    `PostgreSQL down ${m.downSeconds.toFixed(0)} s with runs waiting and batches arriving; the Temporal server and the same ingest and ` +
      `worker processes reconnected; ${m.batches} batches (${m.acceptedBefore} before the stop, the rest during and after): ` +
      `${m.failedAttempts} attempts failed (${failures(m.failures)}) and were retried, none started twice; ${c.duplicated} calls twice`,
  ],
  'cluster-ingest-killed': (m) => [
    `cluster: one of two ingests SIGKILLed ${m.kills}x while ${m.senders} senders post to both`,
    `${m.batches} batches of 2 events; ${m.failedAttempts} attempts failed (${failures(m.failures)}) and were retried on the other ingest; ` +
      'retried batches started nothing twice',
  ],
  'cluster-worker-killed': (m, c) => [
    `cluster: one of two workers SIGKILLed mid-step (destination answering in ${m.answerMs / 1000} s)`,
    `${m.inFlightAtKill} requests acted on but unanswered when it died; every run finished on the other worker; ` +
      `${c.window} calls retried after an attempt timed out, ${c.duplicated} reached MoEngage more than once (${m.extraArrivals} extra arrivals)`,
  ],
};
const words = <K extends CaseId>(row: { case: K; counts: Counts; measured: FaultCases[K] }) => WORDING[row.case](row.measured, row.counts);

const quick = process.argv.includes('--quick');
const cluster = process.argv.includes('--cluster');
// The cluster's binaries (the Temporal server, its SQL tool): a no-op once built.
if (cluster && spawnSync('bash', ['scripts/install-temporal.sh', 'cluster'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const reportFile = join(mkdtempSync(join(tmpdir(), 'fault-matrix-')), 'rows.jsonl');
const started = Date.now();
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', cluster ? 'test/faults/cluster.e2e.test.ts' : 'test/faults', '--reporter=dot', '--silent'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...(cluster ? { FLOWLINE_FAULTS_CLUSTER: '1' } : {}),
      FLOWLINE_FAULTS: quick ? 'quick' : 'full',
      FLOWLINE_FAULTS_REPORT: reportFile,
      // Killed workers and stopped servers make the dev server log errors that are the point of the case.
      [SERVER_LOG_LEVEL]: process.env[SERVER_LOG_LEVEL] || 'never',
    },
  },
);
const rows: MatrixRow[] = existsSync(reportFile)
  ? readFileSync(reportFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MatrixRow)
  : [];

console.log(
  `\nfault matrix${cluster ? ' on the cluster' : ''} (${quick ? 'quick' : 'full'}), ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log('| case | runs | calls expected | delivered | lost | delivered twice | in the at-least-once window | what happened |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const row of rows) {
  const [title, notes] = words(row);
  const c = row.counts;
  console.log(`| ${title} | ${c.runs} | ${c.expected} | ${c.delivered} | ${c.lost} | ${c.duplicated} | ${c.window} | ${notes} |`);
}
console.log(vitest.status === 0 ? '\nevery case passed' : `\nFAILED: vitest exited with ${vitest.status}; see above`);
process.exit(vitest.status ?? 1);
