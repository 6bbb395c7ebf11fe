/**
 * The rate limiter under twice its load: MoEngage's 15,000 requests/min (250/s) enforced by the
 * Temporal server on the destination's task queue, while runs are started at twice that rate.
 * Counts requests per second at the fake MoEngage and checks every call is delivered in the end.
 * Usage: npm run bench:rate-limit [-- --seconds 20 --rate 15000/min]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCli } from '../dev/tools.ts';
import { loadConfig } from '../dsl/config.ts';
import { parseRateLimit } from '../dsl/durations.ts';
import { manualEvent } from '../dsl/event.ts';
import { checkFlow } from '../dsl/validate.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rate: { type: 'string', default: '15000/min' } } });
const seconds = Number(values.seconds);
const limitPerSecond = parseRateLimit(values.rate!)!;
const offeredPerSecond = 2 * limitPerSecond;
const total = Math.round(offeredPerSecond * seconds);

installRuntime('ERROR');
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: temporalCli() }, searchAttributes: [...SEARCH_ATTRIBUTES], ui: false, extraArgs: ['--dynamic-config-value', 'frontend.rps=100000', '--dynamic-config-value', 'frontend.namespaceRPS=100000'] },
});
const config = loadConfig('flows.config.yaml').config;
config.destinations.set('moengage', { ...config.destinations.get('moengage')!, rate_limit: values.rate! });
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'bench-rate-')));
const clients = await destinationClients(config, { mode: 'fake' });
const workers = await startWorkers({ connection: env.nativeConnection, namespace: 'default', config, profiles, destinations: clients.clients });
const fake = clients.fakes.get('moengage')!;
const flow = checkFlow('bench.yaml', `flow: bench-rate\ntrigger: { event: purchase }\nentry: { reentry: always }\nsteps:\n  - send_event: { destination: moengage, event: bench }\n`, config).ir!;

try {
  // Offer twice the limit: start runs at that rate (each run is one MoEngage call).
  const t0 = performance.now();
  const starts: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i / offeredPerSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    starts.push(startFlowRun({ client: env.client, profiles, config }, flow, `user-${i % 1000}`, manualEvent({ name: 'purchase' }, `e-${i}`, Date.now())));
    if (starts.length >= 200) await Promise.all(starts.splice(0));
  }
  await Promise.all(starts);
  const offeredSeconds = (performance.now() - t0) / 1000;

  const deadline = Date.now() + (total / limitPerSecond) * 1000 * 3 + 60_000;
  while (fake.received.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));

  const times = fake.received.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  const perSecond = new Map<number, number>();
  for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  const buckets = [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  const steady = buckets.slice(1, -1); // whole seconds only
  const span = (times.at(-1)! - times[0]!) / 1000;
  const rows: Array<[string, string]> = [
    ['limit', `${values.rate} (${limitPerSecond.toFixed(1)}/s)`],
    ['offered', `${total} runs in ${offeredSeconds.toFixed(1)} s = ${(total / offeredSeconds).toFixed(1)}/s (${((total / offeredSeconds) / limitPerSecond).toFixed(2)}x the limit)`],
    ['delivered', `${fake.received.length} of ${total} calls${fake.received.length === total ? ' (all)' : ''}`],
    ['delivery rate', `${(times.length / span).toFixed(1)}/s over ${span.toFixed(1)} s = ${((times.length / span) * 60).toFixed(0)}/min`],
    ['busiest second', `${Math.max(...steady)} calls (limit ${limitPerSecond.toFixed(0)})`],
    ['median second', `${[...steady].sort((a, b) => a - b)[Math.floor(steady.length / 2)]} calls`],
  ];
  console.log(`rate limit on the moengage task queue, dev server, ${new Date().toISOString()}`);
  console.log('| measurement | value |');
  console.log('| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  await workers.shutdown();
  await clients.close();
  await env.teardown();
}
