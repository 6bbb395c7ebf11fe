/**
 * Ingest throughput and latency on a local stack (dev server, workers with fake destinations,
 * the ingest API): batches posted at rising rates until errors appear; prints accepted events/s,
 * p50/p99 accept latency and workflow starts/s for each step.
 *
 * Each rate runs twice, side by side: once with the workers and ingest writing the step-event
 * log (as `npm start` runs them) and once without it (no `stepLog` given to either), on a fresh
 * set of workers and a fresh ingest app each time, the order alternating from rate to rate so a
 * drift in the machine's load does not always fall on the same variant. Between the two, the
 * runs started are let finish, so the next variant starts on an idle worker. The first table is
 * the run with the log; the second sets starts/s and latency with and without it side by side.
 * `--step-log with` or `--step-log without` runs one variant only.
 *
 * Usage: npm run bench:ingest [-- --seconds 10 --rates 25,50,100,200 --step-log both|with|without]
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { checkProject } from '../dsl/load/project.ts';
import { ingestConnection } from '../ingest/connection.ts';
import { buildIngest } from '../ingest/server.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { openStepLog } from '../store/open.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rates: { type: 'string', default: '25,50,100,200,400' },
    'step-log': { type: 'string', default: 'both' },
  },
});
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);
const mode = values['step-log']!;
if (!['both', 'with', 'without'].includes(mode)) throw new Error(`--step-log is both, with or without, not ${mode}`);
const variants = mode === 'both' ? [true, false] : [mode === 'with'];

installRuntime('ERROR');
const env = await devServerEnvironment();
const project = checkProject({});
const dataDir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
const profiles = new FileProfileStore(join(dataDir, 'profiles'));
// The backend `npm start` would use: files under the data folder, PostgreSQL when FLOWLINE_DATABASE_URL is set.
const stepLog = await openStepLog(dataDir);
const clients = await destinationClients(project.config, { mode: 'fake' });
const mparticle = clients.fakes.get('mparticle')!;
const connection = ingestConnection({ address: env.address, namespace: 'default' });
const client = new Client({ connection });
const auth = `Basic ${Buffer.from('k:s').toString('base64')}`;

let n = 0;
/** A batch with one point_add event (starts antavo-points-to-mparticle, reentry always) and a page view (ignored). */
const batch = () => {
  const i = ++n;
  return JSON.stringify({
    environment: 'production',
    source_request_id: `bench-${i}`,
    user_identities: { customerid: `user-${i % 500}` },
    user_attributes: { tier: i % 3 ? 'silver' : 'gold' },
    events: [
      {
        event_type: 'custom_event',
        data: { event_name: 'point_add', source_message_id: `pts-${i}`, custom_attributes: { points: '150' } },
      },
      { event_type: 'screen_view', data: { screen_name: 'home' } },
    ],
  });
};

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

interface Step {
  rate: number;
  accepted: number;
  p50: number;
  p99: number;
  starts: number;
  errors: number;
  elapsed: number;
  /** Seconds from the last 202 until every run started in this step had made its mParticle call. */
  drain: number;
}

let runsStarted = 0;

/** One rate on a fresh set of workers and a fresh ingest app, with or without the step-event log. */
async function step(rate: number, withLog: boolean): Promise<Step> {
  const log = withLog ? { stepLog } : {};
  const workers = await startWorkers({
    connection: env.nativeConnection,
    namespace: 'default',
    config: project.config,
    profiles,
    destinations: clients.clients,
    ...log,
  });
  const { app, stats } = buildIngest({
    client,
    profiles,
    config: project.config,
    flows: () => project.flows,
    key: 'k',
    secret: 's',
    ...log,
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v2/events`;
    const latencies: number[] = [];
    let errors = 0;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < rate * seconds; i++) {
      const due = t0 + (i / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      inflight.push(
        fetch(url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: batch() }).then(
          (r) => {
            if (r.status === 202) latencies.push(performance.now() - sent);
            else errors++;
          },
          () => void errors++,
        ),
      );
    }
    await Promise.all(inflight);
    const t1 = performance.now();
    const elapsed = (t1 - t0) / 1000;
    // Let this step's runs finish (each makes one mParticle call, then ends) before the next step starts.
    runsStarted += stats.started;
    while (mparticle.received.length < runsStarted && performance.now() - t1 < 120_000) await new Promise((r) => setTimeout(r, 100));
    const drain = (performance.now() - t1) / 1000;
    await new Promise((r) => setTimeout(r, 500)); // the runs' last step (the end's step events) after their call
    return {
      rate,
      accepted: latencies.length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      starts: stats.started,
      errors,
      elapsed,
      drain,
    };
  } finally {
    await app.close();
    await workers.shutdown();
  }
}

const results = new Map<boolean, Step[]>(variants.map((v) => [v, []]));
try {
  for (const [i, rate] of rates.entries()) {
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    let stop = false;
    for (const withLog of order) {
      const s = await step(rate, withLog);
      results.get(withLog)!.push(s);
      if (s.errors > 0 || s.elapsed > seconds * 1.5) stop = true; // errors, or the offered rate cannot be kept
    }
    if (stop) break;
  }
  const perSecond = (s: Step, x: number) => x / s.elapsed;
  const backend = stepLog.constructor.name;
  for (const [withLog, steps] of results) {
    const label = withLog ? `with the step-event log (${backend})` : 'without the step-event log';
    console.log(
      `ingest on a local stack (dev server, workers, fake destinations), ${label}, ${new Date().toISOString()}, ${seconds}s per rate`,
    );
    console.log('| offered batches/s | accepted batches/s | events/s (2 per batch) | p50 ms | p99 ms | starts/s | errors |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of steps)
      console.log(
        `| ${s.rate} | ${perSecond(s, s.accepted).toFixed(1)} | ${perSecond(s, s.accepted * 2).toFixed(1)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${perSecond(s, s.starts).toFixed(1)} | ${s.errors} |`,
      );
    console.log('');
  }
  const on = results.get(true);
  const off = results.get(false);
  if (on && off) {
    console.log(`starts/s and accept latency with the step-event log (${backend}) and without it, same run, same offered rates`);
    console.log(
      '| offered batches/s | starts/s without | starts/s with | with / without | p50 ms without | p50 ms with | p99 ms without | p99 ms with | runs done s after last 202, without / with | errors without / with |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [i, a] of off.entries()) {
      const b = on[i];
      if (!b) break;
      const sa = perSecond(a, a.starts);
      const sb = perSecond(b, b.starts);
      console.log(
        `| ${a.rate} | ${sa.toFixed(1)} | ${sb.toFixed(1)} | ${(sb / sa).toFixed(2)} | ${a.p50.toFixed(1)} | ${b.p50.toFixed(1)} | ${a.p99.toFixed(1)} | ${b.p99.toFixed(1)} | ${a.drain.toFixed(1)} / ${b.drain.toFixed(1)} | ${a.errors} / ${b.errors} |`,
      );
    }
  }
} finally {
  await clients.close();
  await connection.close();
  await (stepLog as { close?: () => Promise<void> }).close?.();
  await env.teardown();
}
