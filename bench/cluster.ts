/**
 * The production-shaped cluster's start rate, in one run: `flows cluster` (the Temporal server on
 * PostgreSQL, two ingests, two workers; what `npm run cluster` starts) on ports of its own with a
 * fresh data folder, then
 * - the ceiling: a plain Temporal client starting the interpreter workflow as fast as it can, the
 *   very start ingest makes (the antavo-points-to-mparticle flow, same input, options and search
 *   attributes: ingest/start-run.ts), `--in-flight` starts at a time;
 * - ingest: batches posted to both ingests alternately over HTTP (the mParticle Events API),
 *   `--in-flight` at a time, each starting one run of that flow (a point_add event, a new user);
 * - the ceiling again: the server's start rate falls as runs pile up, so ingest is compared with
 *   the mean of the ceilings before and after it.
 * Each phase runs `--seconds` after the machine is quiet (bench/settle.ts); the workers run the
 * started runs all along (each makes one mParticle call to its worker's fake). Prints a table.
 * Usage: npm run bench:cluster [-- --seconds 10 --in-flight 16 --shards 8]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { manualEvent } from '../dsl/language/event.ts';
import { checkProject } from '../dsl/load/project.ts';
import { runInput, startOptions } from '../ingest/start-run.ts';
import type { IngestStats } from '../ingest/stats.ts';
import { percentile, startBenchCluster } from './cluster-process.ts';
import { settle } from './settle.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'in-flight': { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const inFlight = Number(values['in-flight']);
const project = checkProject({});
const flow = project.flows.find((f) => f.flow === 'antavo-points-to-mparticle');
if (!flow) throw new Error('flows/antavo-points-to-mparticle.yaml is needed');

const cluster = await startBenchCluster();
const { address, ingests: INGESTS, startedInSeconds: startedIn, shards } = cluster;
const connection = await Connection.connect({ address });
const client = new Client({ connection });

interface Rate {
  perSecond: number;
  p50: number;
  errors: number;
}

/** `inFlight` lanes repeating `once` for `seconds`; the rate of successes and their p50 latency. */
async function lanes(once: (i: number) => Promise<boolean>): Promise<Rate> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const lane = async () => {
    while (performance.now() < until) {
      const i = ++n;
      const t = performance.now();
      if (await once(i).catch(() => false)) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { perSecond: latencies.length / ((performance.now() - start) / 1000), p50: percentile(latencies, 50), errors };
}

let round = 0;
async function ceiling(): Promise<Rate> {
  const r = ++round;
  return lanes(async (i) => {
    const user = `ceiling-${r}-${i}`;
    const event = manualEvent({ name: 'point_add', attributes: { points: '150' } }, `c-${r}-${i}`, Date.now());
    const input = runInput(project.config, flow!, user, event, Date.now());
    await client.workflow.start('flowRun', startOptions(flow!, input, `flow/${flow!.flow}/${user}/${event.id}`, true));
    return true;
  });
}

const auth = `Basic ${Buffer.from('flowline-dev:flowline-dev').toString('base64')}`;
const stats = async () => {
  const all = await Promise.all(INGESTS.map(async (p) => (await (await fetch(`http://127.0.0.1:${p}/stats`)).json()) as IngestStats));
  return all.reduce((sum, s) => sum + s.started, 0);
};
async function ingest(): Promise<Rate & { started: number }> {
  const before = await stats();
  const rate = await lanes(async (i) => {
    const body = JSON.stringify({
      environment: 'production',
      source_request_id: `bench-${i}`,
      user_identities: { customerid: `ingest-${i}` },
      events: [
        {
          event_type: 'custom_event',
          data: { event_name: 'point_add', source_message_id: `p-${i}`, custom_attributes: { points: '150' } },
        },
      ],
    });
    const response = await fetch(`http://127.0.0.1:${INGESTS[i % 2]}/v2/events`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    return response.status === 202;
  });
  return { ...rate, started: (await stats()) - before };
}

try {
  const load = loadavg()[0]!.toFixed(1);
  await settle({ busyBelow: 0.3, maxSeconds: 60 });
  const before = await ceiling();
  await settle({ busyBelow: 0.3, maxSeconds: 90 });
  const viaIngest = await ingest();
  await settle({ busyBelow: 0.3, maxSeconds: 90 });
  const after = await ceiling();
  const mean = (before.perSecond + after.perSecond) / 2;
  const ingestStarts = viaIngest.started / seconds;
  console.log(
    `flows cluster: Temporal server v1.29.1 on PostgreSQL (${shards ?? '?'} history shards, SQL visibility), 2 ingests, 2 workers; ` +
      `${cpus().length} CPUs, load ${load} → ${loadavg()[0]!.toFixed(1)}; started in ${startedIn.toFixed(0)} s; ${seconds} s per phase, ${inFlight} in flight; ${new Date().toISOString()}`,
  );
  console.log('| phase | starts/s | p50 ms | errors | × ceiling (mean of before and after) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const row = (name: string, perSecond: number, r: Rate, ratio = '') =>
    console.log(`| ${name} | ${perSecond.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.errors} | ${ratio} |`);
  row('ceiling before (plain client, interpreter workflow)', before.perSecond, before);
  row('ingest, both ingests over HTTP (1 start per batch)', ingestStarts, viaIngest, `${(ingestStarts / mean).toFixed(2)}×`);
  row('ceiling after', after.perSecond, after);
} finally {
  await connection.close();
  await cluster.stop();
}
