/**
 * Interpreter overhead: one flow (set var → email → wait 1s → check → push) run N times at once as
 * a Flowline flow and N times as a hand-written Temporal workflow calling the same activities, on
 * the same dev server in one process: two warm-up blocks each, then four measured blocks each (in
 * the order Flowline, hand, hand, Flowline, hand, Flowline, Flowline, hand). Prints CPU time per
 * run (this process: client, workers, activities, fake destinations, the step log) and history
 * events per run, and their ratios.
 * Usage: npm run bench:interpreter [-- --runs 100]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import type { EffectStep } from '../activities/types.ts';
import { createActivities } from '../activities/index.ts';
import { loadConfig } from '../dsl/config.ts';
import { manualEvent } from '../dsl/event.ts';
import { checkFlow } from '../dsl/validate.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileStepLog } from '../profiles/file-step-log.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' } } });
const runs = Number(values.runs);

installRuntime('ERROR');
const env = await devServerEnvironment();
const config = loadConfig('flows.config.yaml').config;
const data = mkdtempSync(join(tmpdir(), 'bench-interp-'));
const profiles = new FileProfileStore(join(data, 'profiles'));
// The runs record their step events, as under `flows start` (the file log, synced on every record).
const stepLog = new FileStepLog(join(data, 'step-log'));
const clients = await destinationClients(config, { mode: 'fake' });
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config,
  profiles,
  destinations: clients.clients,
  stepLog,
});
const handWrittenWorker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue: 'bench-handwritten',
  workflowsPath: fileURLToPath(new URL('./handwritten-workflow.ts', import.meta.url)),
  activities: createActivities({ profiles, destinations: clients.clients }),
});
const handWrittenRunning = handWrittenWorker.run();

const flow = checkFlow(
  'bench.yaml',
  `flow: bench-overhead
trigger: { event: sign_up }
entry: { reentry: always }
steps:
  - set_var: { destination: sailthru, vars: { stage: started } }
  - send_email: { destination: sailthru, template: welcome, vars: { name: "{{ profile.attributes.FirstName }}" } }
  - wait: 1s
  - check:
      if: { profile.attributes.tier: { eq: gold } }
      then: [ { send_push: { destination: clevertap, body: "Hi {{ profile.attributes.FirstName }}" } } ]
`,
  config,
).ir!;
const [setVar, email, , check] = flow.steps as [EffectStep, EffectStep, unknown, { then: EffectStep[] }];
const steps = { setVar, email, push: check.then[0]! };

for (let i = 0; i < runs; i++) {
  await profiles.update(`user-${i}`, (p) => {
    p.attributes.FirstName = 'Ada';
    p.attributes.tier = 'gold';
    p.identities.email = `user-${i}@example.com`;
  });
}

interface Block {
  cpuMs: number;
  wallMs: number;
  ids: string[];
}

async function measure(start: (i: number) => Promise<string>): Promise<Block> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, (_, i) => start(i)));
  await Promise.all(ids.map((id) => env.client.workflow.getHandle(id).result()));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, ids };
}

async function summary(name: string, blocks: Block[]) {
  const events = (await env.client.workflow.getHandle(blocks[0]!.ids[0]!).fetchHistory()).events?.length ?? 0;
  const cpuMs = blocks.reduce((sum, b) => sum + b.cpuMs, 0);
  const wallMs = blocks.reduce((sum, b) => sum + b.wallMs, 0);
  return { name, cpuMsPerRun: cpuMs / (runs * blocks.length), events, wallMs: wallMs / blocks.length };
}

try {
  const flowlineBlock = (block: number | string) =>
    measure(async (i) => {
      const o = await startFlowRun(
        { client: env.client, profiles, config, stepLog },
        flow,
        `user-${i}`,
        manualEvent({ name: 'sign_up' }, `e-${block}-${i}`, Date.now()),
      );
      if (!o.started) throw new Error(o.reason);
      return o.workflowId;
    });
  const handBlock = (block: number | string) =>
    measure(async (i) => {
      const handle = await env.client.workflow.start('handWritten', {
        taskQueue: 'bench-handwritten',
        workflowId: `hand-${block}-${i}`,
        args: [{ userId: `user-${i}`, event: manualEvent({ name: 'sign_up' }, `e-${block}-${i}`, Date.now()), steps }],
      });
      return handle.workflowId;
    });
  // Two blocks of each first, not measured, warm both paths (bundles, connections, the JIT, the
  // heap): with one, the first measured block of each still cost 10-20% more than its second,
  // which weighed on whichever variant went first.
  for (const warm of ['warm-0', 'warm-1']) {
    await flowlineBlock(warm);
    await handBlock(warm);
  }
  // Then four blocks each, in the order F H H F H F F H: the machine's load and the process's own
  // state drift during a run, and this order gives both variants the same share of early and late
  // (it balances a drift that is linear or quadratic in time).
  const flowBlocks: Block[] = [];
  const handBlocks: Block[] = [];
  let block = 0;
  for (const variant of 'FHHFHFFH') {
    if (variant === 'F') flowBlocks.push(await flowlineBlock(block++));
    else handBlocks.push(await handBlock(block++));
  }
  const flowline = await summary('Flowline flow', flowBlocks);
  const hand = await summary('hand-written workflow', handBlocks);
  console.log(`interpreter overhead, ${runs} runs at once, four blocks each, dev server, ${new Date().toISOString()}`);
  console.log('| variant | CPU ms per run | history events per run | wall s per block of runs |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of [flowline, hand])
    console.log(`| ${r.name} | ${r.cpuMsPerRun.toFixed(2)} | ${r.events} | ${(r.wallMs / 1000).toFixed(1)} |`);
  const perRun = (b: Block) => (b.cpuMs / runs).toFixed(2);
  console.log(
    `| ratio Flowline / hand-written | ${(flowline.cpuMsPerRun / hand.cpuMsPerRun).toFixed(2)}x | ${(flowline.events / hand.events).toFixed(2)}x | ${(flowline.wallMs / hand.wallMs).toFixed(2)}x |`,
  );
  console.log(
    `CPU ms per run of each block: Flowline ${flowBlocks.map(perRun).join(', ')}; hand-written ${handBlocks.map(perRun).join(', ')}`,
  );
} finally {
  handWrittenWorker.shutdown();
  await handWrittenRunning;
  await workers.shutdown();
  await clients.close();
  await env.teardown();
}
