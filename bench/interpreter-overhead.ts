/**
 * Interpreter overhead: one flow (set var → email → wait 1s → check → push) run N times at once as
 * a Flowline flow and N times as a hand-written Temporal workflow calling the same activities, on
 * the same dev server in one process: two warm-up blocks each, then `pairs` pairs of measured
 * blocks (one of each, in the Thue-Morse order F H H F H F F H …). Prints CPU time per run (this
 * process: client, workers, activities, fake destinations, the step log) and history events per
 * run, their ratios, and the spread of the ratio over the pairs. `--step-log off` runs Flowline
 * without the step-event log (the studio's numbers), to tell the interpreter's cost from the log's.
 * Usage: npm run bench:interpreter [-- --runs 100 --pairs 8 --step-log on|off]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from '@temporalio/worker';
import type { EffectStep } from '../activities/types.ts';
import { createActivities } from '../activities/index.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { manualEvent } from '../dsl/language/event.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { startFlowRun } from '../ingest/start-run.ts';
import { FileStepLog } from '../store/file-step-log.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    pairs: { type: 'string', default: '8' },
    'step-log': { type: 'string', default: 'on' },
  },
});
const runs = Number(values.runs);
const pairs = Number(values.pairs);
if (values['step-log'] !== 'on' && values['step-log'] !== 'off') throw new Error(`--step-log takes on or off, not ${values['step-log']}`);

// A full collection at the end of each block charges the block with the garbage it made, instead
// of whichever block runs when the collector gets to it (flag set at run time: tsx takes no node flags).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** What a block leaves the workers to do after its last result (evictions, the last completions). */
const TAIL_MS = 500;

installRuntime('ERROR');
const env = await devServerEnvironment();
const config = loadConfig('flows.config.yaml').config;
const data = mkdtempSync(join(tmpdir(), 'bench-interp-'));
const profiles = new FileProfileStore(join(data, 'profiles'));
// The runs record their step events, as under `flows start` (the file log, synced on every record),
// unless `--step-log off`: then the activities record none (the runs carry them all the same).
const stepLog = values['step-log'] === 'on' ? new FileStepLog(join(data, 'step-log')) : undefined;
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
  /** Of cpuMs, the kernel's (system calls: the files, the sockets). */
  systemMs: number;
  wallMs: number;
  ids: string[];
}

async function measure(start: (i: number) => Promise<string>): Promise<Block> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, (_, i) => start(i)));
  await Promise.all(ids.map((id) => env.client.workflow.getHandle(id).result()));
  const wallMs = performance.now() - t0;
  // The block's tail and its garbage are its own: idle waiting costs no CPU, the rest is this block's.
  await new Promise((resolve) => setTimeout(resolve, TAIL_MS));
  collectGarbage();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, systemMs: cpu.system / 1000, wallMs, ids };
}

async function summary(name: string, blocks: Block[]) {
  const events = (await env.client.workflow.getHandle(blocks[0]!.ids[0]!).fetchHistory()).events?.length ?? 0;
  const cpuMs = blocks.reduce((sum, b) => sum + b.cpuMs, 0);
  const wallMs = blocks.reduce((sum, b) => sum + b.wallMs, 0);
  const systemMs = blocks.reduce((sum, b) => sum + b.systemMs, 0);
  return {
    name,
    cpuMsPerRun: cpuMs / (runs * blocks.length),
    systemMsPerRun: systemMs / (runs * blocks.length),
    events,
    wallMs: wallMs / blocks.length,
  };
}

/** 0 or 1: the parity of the ones in n's binary form. */
function thueMorse(n: number): number {
  let ones = 0;
  for (let m = n; m > 0; m >>= 1) ones += m & 1;
  return ones % 2;
}

/** The mean of the values and its 95% interval (Student's t, two-sided). */
function meanInterval(values: number[]): { mean: number; low: number; high: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, low: mean, high: mean };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  // t(0.975) for 1..10 degrees of freedom, then the normal's value as an approximation
  const t = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23][n - 2] ?? 2.0;
  const half = (t * sd) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
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
  // Then pairs of blocks in the Thue-Morse order (F H H F H F F H H F F H …): the machine's load
  // and the process's own state drift during a run, and this order gives both variants the same
  // share of early and late (it balances drifts that are polynomial in time). Each pair of
  // neighbours (blocks 2k, 2k+1) holds one block of each: one ratio per pair.
  const flowBlocks: Block[] = [];
  const handBlocks: Block[] = [];
  for (let block = 0; block < 2 * pairs; block++) {
    if (thueMorse(block) === 0) flowBlocks.push(await flowlineBlock(block));
    else handBlocks.push(await handBlock(block));
  }
  const flowline = await summary('Flowline flow', flowBlocks);
  const hand = await summary('hand-written workflow', handBlocks);
  console.log(
    `interpreter overhead, ${runs} runs at once, ${pairs} blocks each, step log ${values['step-log']}, dev server, ${new Date().toISOString()}`,
  );
  console.log('| variant | CPU ms per run | of it system | history events per run | wall s per block of runs |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of [flowline, hand])
    console.log(
      `| ${r.name} | ${r.cpuMsPerRun.toFixed(2)} | ${r.systemMsPerRun.toFixed(2)} | ${r.events} | ${(r.wallMs / 1000).toFixed(1)} |`,
    );
  const perRun = (b: Block) => (b.cpuMs / runs).toFixed(2);
  console.log(
    `| ratio Flowline / hand-written | ${(flowline.cpuMsPerRun / hand.cpuMsPerRun).toFixed(2)}x | ${(flowline.systemMsPerRun / hand.systemMsPerRun).toFixed(2)}x | ${(flowline.events / hand.events).toFixed(2)}x | ${(flowline.wallMs / hand.wallMs).toFixed(2)}x |`,
  );
  console.log(
    `CPU ms per run of each block: Flowline ${flowBlocks.map(perRun).join(', ')}; hand-written ${handBlocks.map(perRun).join(', ')}`,
  );
  const ratios = flowBlocks.map((f, i) => f.cpuMs / handBlocks[i]!.cpuMs);
  const { mean, low, high } = meanInterval(ratios);
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(
    `CPU ratio per pair of blocks: ${ratios.map((r) => r.toFixed(2)).join(', ')}; mean ${mean.toFixed(3)}x (95% interval ${low.toFixed(3)}–${high.toFixed(3)}), median ${median.toFixed(2)}x`,
  );
} finally {
  handWrittenWorker.shutdown();
  await handWrittenRunning;
  await workers.shutdown();
  await clients.close();
  await env.teardown();
}
