/**
 * The step-event log at studio scale: records 100,000 runs of one flow (about 1M events, spread
 * over 30 days) into each backend, then times `numbers()` — what the flow page asks on every
 * refresh — warm, after a restart (a new instance), and for the file log with its saved
 * counters deleted (a full rebuild). Goal: numbers() under 300 ms.
 * Usage: npm run bench:step-log [-- --runs 100000] (PostgreSQL: FLOWLINE_DATABASE_URL, else a private one)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileStepLog } from '../store/file-step-log.ts';
import { PostgresStepLog } from '../store/postgres-step-log.ts';
import { FLOW_STEP, type StepEvent, type StepLog, type StepOutcome } from '../store/step-log.ts';
import { stepEventId } from '../store/step-rollup.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);
const DAYS = 30;
const BATCH = 2_000;
const now = Date.now();
const start = now - DAYS * 86_400_000;

/** One run's events: entered, a send, a check, a split, a wait_for, a second send, and its end. */
function runEvents(i: number): StepEvent[] {
  const at = start + Math.floor((i / RUNS) * DAYS * 86_400_000);
  const base = {
    flowId: 'bench-studio',
    version: i < RUNS / 2 ? 'v1' : 'v2',
    workflowId: `flow/bench-studio/user-${i}`,
    runId: `run-${i}`,
    userId: `user-${i}`,
  };
  const out: StepEvent[] = [];
  const add = (step: string, outcome: StepOutcome, t: number, extra: { branch?: string; message?: string } = {}) => {
    const e = { ...base, step, outcome, ...extra, at: t };
    out.push({ id: stepEventId(e), ...e });
  };
  add(FLOW_STEP, 'entered', at);
  add('welcome', 'entered', at);
  add('welcome', 'sent', at + 200);
  add('tier', 'entered', at + 300);
  add('tier', 'branch', at + 300, { branch: i % 3 === 0 ? 'then' : 'else' });
  add('ab', 'entered', at + 300);
  add('ab', 'branch', at + 300, { branch: i % 2 ? 'a' : 'b' });
  add('opened', 'entered', at + 300);
  add('opened', 'branch', at + 60_000, { branch: i % 4 ? 'timeout' : 'event' });
  add('nudge', 'entered', at + 60_000);
  if (i % 50 === 0) {
    add('nudge', 'failed', at + 60_100, { message: 'moengage: 400: bad request' });
    add(FLOW_STEP, 'failed', at + 60_100, { message: 'step nudge failed: moengage: 400: bad request' });
  } else {
    add('nudge', 'sent', at + 60_100);
    add(FLOW_STEP, 'completed', at + 60_100);
  }
  return out;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

async function bench(name: string, open: () => Promise<StepLog>, afterRecord?: () => void): Promise<string[]> {
  const log = await open();
  let events = 0;
  let pending: StepEvent[] = [];
  const [, recordMs] = await time(async () => {
    for (let i = 0; i < RUNS; i++) {
      pending.push(...runEvents(i));
      if (pending.length >= BATCH || i === RUNS - 1) {
        events += pending.length;
        await log.record(pending);
        pending = [];
      }
    }
  });
  const since = now - 7 * 86_400_000;
  const rows: string[] = [];
  const row = (what: string, ms: number, entered: number) => rows.push(`| ${name} | ${what} | ${ms.toFixed(0)} | ${entered} |`);
  const [all, warmFirst] = await time(() => log.numbers('bench-studio'));
  row('numbers(), all time, the writing process', warmFirst, all.entered);
  const [again, warm] = await time(() => log.numbers('bench-studio'));
  row('numbers(), all time, again', warm, again.entered);
  const [week, weekMs] = await time(() => log.numbers('bench-studio', { version: 'v2', since }));
  row('numbers(), version v2, last 7 days', weekMs, week.entered);
  const fresh = await open();
  const [restarted, restartMs] = await time(() => fresh.numbers('bench-studio'));
  row('numbers(), all time, first call of a new process', restartMs, restarted.entered);
  const [, freshAgain] = await time(() => fresh.numbers('bench-studio'));
  row('numbers(), all time, its second call', freshAgain, restarted.entered);
  if (afterRecord) {
    afterRecord();
    const [rebuilt, rebuildMs] = await time(async () => (await open()).numbers('bench-studio'));
    row('numbers(), first call, saved counters deleted (full rebuild)', rebuildMs, rebuilt.entered);
  }
  const [latest, latestMs] = await time(() => log.latest('bench-studio', 'nudge', 'failed'));
  row(`latest('nudge', 'failed') (${latest.length} events)`, latestMs, all.entered);
  const [path, runMs] = await time(() => log.run(`flow/bench-studio/user-${RUNS - 7}`));
  row(`run() of one run (${path.length} events)`, runMs, all.entered);
  console.log(
    `${name}: recorded ${events} events of ${RUNS} runs in ${(recordMs / 1000).toFixed(1)} s (${Math.round(events / (recordMs / 1000))} events/s, batches of ${BATCH})`,
  );
  await (log as { close?: () => Promise<void> }).close?.();
  await (fresh as { close?: () => Promise<void> }).close?.();
  return rows;
}

const rows: string[] = [];
if (values.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'bench-step-log-'));
  rows.push(
    ...(await bench(
      'file',
      async () => new FileStepLog(dir),
      () => {
        const flowDir = join(dir, 'flows', 'bench-studio');
        for (const f of readdirSync(flowDir)) if (f.endsWith('.sum.json')) rmSync(join(flowDir, f));
      },
    )),
  );
  rmSync(dir, { recursive: true, force: true });
}
if (values.only !== 'file') {
  const own = process.env.FLOWLINE_DATABASE_URL ? undefined : startPostgres(15495);
  const url = process.env.FLOWLINE_DATABASE_URL ?? own!.url;
  try {
    rows.push(...(await bench('PostgreSQL', () => PostgresStepLog.open(url))));
  } finally {
    own?.stop();
  }
}
console.log(`\nstep log, ${RUNS} runs of one flow, ${new Date().toISOString()}`);
console.log('| backend | query | ms | runs entered |');
console.log('| --- | --- | ---: | ---: |');
for (const r of rows) console.log(r);
