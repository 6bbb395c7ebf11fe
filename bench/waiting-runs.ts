/**
 * Many waiting runs: start N runs that each wait (a durable timer), and print this process's
 * memory (the workers) and the dev server's memory as N grows, then how long the runs take to
 * finish once their timers fire.
 * Usage: npm run bench:waiting [-- --counts 1000,5000 --wait 60]
 */
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { temporalCli } from '../dev/tools.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { manualEvent } from '../dsl/language/event.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({ options: { counts: { type: 'string', default: '1000,5000' }, wait: { type: 'string', default: '60' } } });
const counts = values.counts!.split(',').map(Number);
const waitSeconds = Number(values.wait);

/** Resident memory of the dev server: the `temporal` process listening on the environment's port. */
function serverRssMb(): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('start-dev') && cmd.includes(temporalCli())) {
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return Number(rss) / 1024;
      }
    } catch {
      // the process went away while reading
    }
  }
  return NaN;
}

installRuntime('ERROR');
const env = await devServerEnvironment();
const config = loadConfig('flows.config.yaml').config;
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'bench-wait-')));
const clients = await destinationClients(config, { mode: 'fake' });
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config,
  profiles,
  destinations: clients.clients,
});
const flow = checkFlow(
  'bench.yaml',
  `flow: bench-waiting\ntrigger: { event: sign_up }\nentry: { reentry: always }\nsteps:\n  - wait: ${waitSeconds}s\n  - send_event: { destination: moengage, event: resumed }\n`,
  config,
).ir!;
const fake = clients.fakes.get('moengage')!;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

const rows: string[] = [];
let started = 0;
const firstStart = Date.now();
try {
  for (const n of counts) {
    const t0 = Date.now();
    while (started < n) {
      const batch = Array.from({ length: Math.min(100, n - started) }, () => started++);
      await Promise.all(
        batch.map((i) =>
          startFlowRun({ client: env.client, profiles, config }, flow, `user-${i}`, manualEvent({ name: 'sign_up' }, `e-${i}`, Date.now())),
        ),
      );
    }
    global.gc?.();
    rows.push(`| ${n} | ${((Date.now() - t0) / 1000).toFixed(1)} | ${mb(process.memoryUsage().rss)} | ${serverRssMb().toFixed(0)} |`);
    console.error(`${n} runs waiting: ${rows.at(-1)}`); // progress, for long runs
  }
  // Resume: every run's timer fires `wait` seconds after it started; count until all have called MoEngage.
  const lastStart = Date.now();
  while (fake.received.length < started && Date.now() - lastStart < (waitSeconds + 600) * 1000)
    await new Promise((r) => setTimeout(r, 250));
  const allDone = Date.now();
  // From the first timer that could fire to the last run done: how fast a backlog of due timers drains.
  const resumeSpan = (allDone - (firstStart + waitSeconds * 1000)) / 1000;
  console.log(`many waiting runs (wait: ${waitSeconds}s each), dev server, ${new Date().toISOString()}`);
  console.log('| runs waiting | s to start this step | worker process RSS MB | dev server RSS MB |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  const span = (allDone - firstStart) / 1000;
  console.log(
    `\nresumed: ${fake.received.length} of ${started} runs finished; the last ${((allDone - lastStart) / 1000 - waitSeconds).toFixed(1)} s after the last timer could fire (${span.toFixed(1)} s from the first start; ${(fake.received.length / resumeSpan).toFixed(0)} runs resumed per second from the first timer on)`,
  );
} finally {
  await workers.shutdown();
  await clients.close();
  await env.teardown();
}
