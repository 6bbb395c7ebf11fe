/**
 * The flow page's numbers with many recorded runs: records N runs of a flow in the step-event
 * log (the backend `openStepLog` picks: files, or PostgreSQL with FLOWLINE_DATABASE_URL), then
 * times GET /api/flows/:id/numbers on the studio against a real dev server (the "now" counts
 * come from its visibility). Goal: under 300 ms with 100,000 runs.
 * Usage: npm run bench:studio [-- --runs 100000 --days 30 --repeat 20]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devServerEnvironment } from '../dev/test-environments.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { openStepLog } from '../store/open.ts';
import { FLOW_STEP, type StepEvent, type StepLog } from '../store/step-log.ts';
import { StudioProject } from '../studio/project.ts';
import { buildStudio } from '../studio/server.ts';
import { installRuntime } from '../worker/runtime.ts';
import { scratchRepo } from '../test/helpers/scratch-repo.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    days: { type: 'string', default: '30' },
    repeat: { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const days = Number(values.days);
const repeat = Number(values.repeat);

const FLOW = `flow: bench-studio
trigger: { event: sign_up }
steps:
  - id: welcome
    send_email: { destination: sailthru, template: welcome-1 }
    on_error: continue
  - id: wait-open
    wait_for:
      event: app_open
      timeout: 2d
      then:
        - id: engaged
          add_to_list: { destination: sailthru, list: engaged }
      else:
        - id: nudge
          add_to_list: { destination: sailthru, list: quiet }
`;
const configText = readFileSync('flows.config.yaml', 'utf8');
const ir = checkFlow('bench.yaml', FLOW, loadConfig('flows.config.yaml').config).ir!;

/** The events one run leaves: entered, welcome sent (1 in 50 failed), the wait's branch, the branch step, completed. */
function runEvents(i: number, at: number): StepEvent[] {
  const workflowId = `flow/bench-studio/user-${i}`;
  const runId = `run-${i}`;
  const base = { flowId: 'bench-studio', version: ir.version, workflowId, runId, userId: `user-${i}` };
  const ev = (step: string, outcome: StepEvent['outcome'], extra: Partial<StepEvent> = {}, dt = 0): StepEvent => ({
    ...base,
    id: `${workflowId}/${runId}/${step}/${outcome}${extra.branch ? `/${extra.branch}` : ''}`,
    step,
    outcome,
    at: at + dt,
    ...extra,
  });
  const branch = i % 3 === 0 ? 'event' : 'timeout';
  const next = branch === 'event' ? 'engaged' : 'nudge';
  return [
    ev(FLOW_STEP, 'entered'),
    ev('welcome', 'entered'),
    i % 50 === 0 ? ev('welcome', 'failed', { message: 'HTTP 400' }, 200) : ev('welcome', 'sent', {}, 200),
    ev('wait-open', 'entered', {}, 300),
    ev('wait-open', 'branch', { branch }, 3600_000),
    ev(next, 'entered', {}, 3600_100),
    ev(next, 'sent', {}, 3600_300),
    ev(FLOW_STEP, 'completed', {}, 3600_400),
  ];
}

async function fill(log: StepLog): Promise<number> {
  const t0 = performance.now();
  const now = Date.now();
  const span = days * 24 * 3600_000;
  await log.recordVersion(ir, now - span);
  const batch = 500;
  for (let i = 0; i < runs; i += batch) {
    const events: StepEvent[] = [];
    for (let j = i; j < Math.min(runs, i + batch); j++)
      events.push(...runEvents(j, now - span + Math.floor((j / runs) * (span - 2 * 3600_000))));
    await log.record(events);
    if ((i / batch) % 40 === 0) process.stdout.write(`\r  recorded ${i.toLocaleString()} runs`);
  }
  process.stdout.write(
    `\r  recorded ${runs.toLocaleString()} runs (${8 * runs} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return runs;
}

installRuntime('ERROR');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-studio-'));
const env = await devServerEnvironment();
try {
  const repo = scratchRepo(configText, { 'bench-studio.yaml': FLOW });
  await fill(await openStepLog(dataDir));
  const url = `/api/flows/bench-studio/numbers?window=`;
  const rows: string[] = [];
  const time = async (log: StepLog, window: string) => {
    const deps = { project: new StudioProject(repo), log, client: env.client, namespace: 'default', temporalWeb: 'http://localhost:8233' };
    const app = buildStudio(deps);
    const first = performance.now();
    const answer = await app.inject({ url: `${url}${window}` });
    const cold = performance.now() - first;
    if (answer.statusCode !== 200) throw new Error(`numbers answered ${answer.statusCode}: ${answer.body}`);
    const body = answer.json() as { flow: { entered: number } };
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t = performance.now();
      await app.inject({ url: `${url}${window}` });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(0);
    rows.push(`| ${window} | ${body.flow.entered.toLocaleString()} | ${cold.toFixed(0)} | ${p(0.5)} | ${p(0.95)} |`);
    await app.close();
  };
  // A fresh log object reads what is on disk, as a restarted studio would; then the same one again, warm.
  for (const window of ['all', '7d', '24h']) await time(await openStepLog(dataDir), window);
  const backend = process.env.FLOWLINE_DATABASE_URL ? 'PostgreSQL' : 'file';
  console.log(
    `\nflow page numbers, ${runs.toLocaleString()} recorded runs over ${days} days (${backend} step log), ${repeat} requests each`,
  );
  console.log('| window | entered | first request ms | median ms | p95 ms |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await env.teardown();
}
