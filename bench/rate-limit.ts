/**
 * The rate limiter under twice its load: MoEngage's 15,000 requests/min (250/s) enforced by the
 * Temporal server on the destination's task queue, while calls are offered at twice that rate.
 * Counts requests per second at the fake MoEngage and checks every call is delivered in the end.
 * Usage: npm run bench:rate-limit [-- --seconds 20 --rate 15000/min]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { EffectInput } from '../activities/types.ts';
import { destinationTaskQueue } from '../workflows/task-queues.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { parseRateLimit } from '../dsl/language/durations.ts';
import { manualEvent } from '../dsl/language/event.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rate: { type: 'string', default: '15000/min' } } });
const seconds = Number(values.seconds);
const limitPerSecond = parseRateLimit(values.rate!)!;
const offeredPerSecond = 2 * limitPerSecond;
const total = Math.round(offeredPerSecond * seconds);

installRuntime('ERROR');
const env = await devServerEnvironment([
  '--dynamic-config-value',
  'frontend.rps=100000',
  '--dynamic-config-value',
  'frontend.namespaceRPS=100000',
]);
const config = loadConfig('flows.config.yaml').config;
config.destinations.set('moengage', { ...config.destinations.get('moengage')!, rate_limit: values.rate! });
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'bench-rate-')));
const clients = await destinationClients(config, { mode: 'fake' });
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config,
  profiles,
  destinations: clients.clients,
});
const fake = clients.fakes.get('moengage')!;
const flow = checkFlow(
  'bench.yaml',
  `flow: bench-rate\ntrigger: { event: purchase }\nentry: { reentry: always }\nsteps:\n  - send_event: { destination: moengage, event: bench }\n`,
  config,
).ir!;

try {
  // Offer twice the limit as activity tasks on the MoEngage queue: several workflows, each
  // scheduling its share every second, calling the same sendEvent activity a flow step calls.
  const offerer = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'bench-offer',
    workflowsPath: fileURLToPath(new URL('./fanout-workflow.ts', import.meta.url)),
  });
  const offering = offerer.run();
  const step = flow.steps[0]! as EffectInput['step'];
  const call: EffectInput = {
    workflowId: 'bench',
    runId: 'bench',
    flowId: flow.flow,
    userId: 'bench-user',
    step,
    event: manualEvent({ name: 'purchase' }, 'bench', Date.now()),
    vars: {},
  };
  const shards = 5;
  await Promise.all(
    Array.from({ length: shards }, (_, k) =>
      env.client.workflow.execute('offerLoad', {
        taskQueue: 'bench-offer',
        workflowId: `bench-offer-${k}`,
        args: [{ call, taskQueue: destinationTaskQueue('moengage'), perSecond: offeredPerSecond / shards, seconds, first: k * 1_000_000 }],
      }),
    ),
  );
  const offeredSeconds = seconds;
  offerer.shutdown();
  await offering;

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
    [
      'offered',
      `${total} calls scheduled over ${offeredSeconds} s = ${(total / offeredSeconds).toFixed(1)}/s (${(total / offeredSeconds / limitPerSecond).toFixed(2)}x the limit)`,
    ],
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
