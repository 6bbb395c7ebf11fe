/**
 * The soak (not CI): the production-shaped stack (test/helpers/cluster-stack.ts, the pieces
 * `flows cluster` runs, each killable: the Temporal server on PostgreSQL, two ingests, two workers)
 * under a steady mix of batches at half its saturation for `--minutes`, with a fault every
 * `--fault-every` minutes, in turn: the Temporal server SIGKILLed and restarted, PostgreSQL
 * restarted, an ingest SIGKILLed and restarted, a worker SIGKILLed and restarted.
 *
 * The mix, one event a batch, to both ingests in turn (a refused or failed batch is sent again to
 * the other, as a sender does, until accepted): 10% start a run (`soak_start`: wait 1 minute, one
 * MoEngage call), 10% open one (`soak_open`: wait for `soak_reply` up to 3 minutes, one call either
 * way), 10% reply to an opened run (a signal), 70% start nothing (`soak_view`).
 *
 * Every 10 s: accepted batches/s, p99 of the time to acceptance, each process's memory (PSS).
 * Afterwards, once every run can have ended: each run accounted for (its one call made, none lost,
 * duplicates only inside the at-least-once window) and whether memory stayed flat after warm-up in
 * each life of each process (bench/soak-memory.ts).
 * Writes the plot to docs/benchmarks/soak.svg and the samples beside it (soak.json).
 * Usage: npm run soak [-- --minutes 30 --fault-every 5 --rate N]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FAKE_ENV, FAKES } from '../destinations/fakes/index.ts';
import { CLUSTER_INGEST_KEY, CLUSTER_INGEST_SECRET, startClusterStack } from '../test/helpers/cluster-stack.ts';
import { moengageCall, tally } from '../test/helpers/fault-matrix.ts';
import { moengageAt, scratchProject } from '../test/helpers/flows-process.ts';
import { basic } from '../test/helpers/ingest.ts';
import { percentile } from './cluster-process.ts';
import { timeSeriesSvg, type Mark, type Point } from './plot.ts';
import { busyShare, machineCpu, settle } from './settle.ts';
import { countersBetween, meanWalFlushMs, postgresCounters, timeWalFlushes, type PostgresCounters } from './postgres-activity.ts';
import { FAULT_RESTARTS, lifeMemoryTable } from './soak-memory.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'fault-every': { type: 'string', default: '5' },
    rate: { type: 'string' },
    out: { type: 'string', default: 'docs/benchmarks' },
  },
});
const minutes = Number(values.minutes);
const faultEvery = Number(values['fault-every']) * 60_000;
const SAMPLE_MS = 10_000;
// Below 32768: a listener on a port of the ephemeral range (32768–60999) can find it taken by an outgoing connection.
const PORTS = { temporal: 30533, postgres: 22433, ingests: [22480, 22481], workerFakes: [22600, 22620] };
const AUTH = basic(`${CLUSTER_INGEST_KEY}:${CLUSTER_INGEST_SECRET}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const moengage = await FAKES.moengage();
const project = scratchProject(moengageAt(moengage.url, '3s'));
const flow = (name: string, text: string) => writeFileSync(`${project.dir}/flows/${name}.yaml`, text);
flow(
  'soak-start',
  'flow: soak-start\ntrigger: { event: soak_start }\nsteps:\n  - wait: 1m\n  - send_event: { destination: moengage, event: soak_done }\n',
);
flow(
  'soak-reply',
  `flow: soak-reply
trigger: { event: soak_open }
steps:
  - wait_for:
      event: soak_reply
      timeout: 3m
      then:
        - send_event: { destination: moengage, event: replied }
      else:
        - send_event: { destination: moengage, event: timed_out }
`,
);
const load = loadavg()[0]!.toFixed(1);
const stack = await startClusterStack({ ports: PORTS, project: project.dir, env: FAKE_ENV });
// Time each WAL flush (pg_stat_wal.wal_sync_time), kept across the fault's restart; the cost is two clock reads a flush.
await withPostgres((client) => timeWalFlushes((sql) => client.query(sql)));

// What was accepted, by kind: the expected calls are derived from it.
const started: string[] = [];
const opened: Array<{ user: string; at: number }> = [];
const replied = new Set<string>();
let sent = 0;
let failedAttempts = 0;
/** Batches accepted, with the time from the first attempt to acceptance, and when. */
const accepted: Array<{ at: number; ms: number }> = [];

function nextBatch(): { user: string; event: string; onAccepted: () => void } {
  const i = ++sent;
  const roll = i % 10;
  if (roll === 0) return { user: `s-${i}`, event: 'soak_start', onAccepted: () => void started.push(`s-${i}`) };
  if (roll === 1) return { user: `o-${i}`, event: 'soak_open', onAccepted: () => void opened.push({ user: `o-${i}`, at: Date.now() }) };
  if (roll === 2) {
    // The oldest opened run not replied to yet, opened at least 2 s ago (its run has started).
    const target = opened.find((o) => !replied.has(o.user) && Date.now() - o.at > 2_000 && Date.now() - o.at < 120_000);
    if (target) {
      replied.add(target.user);
      return { user: target.user, event: 'soak_reply', onAccepted: () => undefined };
    }
  }
  return { user: `v-${i % 1000}`, event: 'soak_view', onAccepted: () => undefined };
}

/** Sends one batch until an ingest accepts it (the other ingest after a failure), as a sender retries. */
async function send(batch: ReturnType<typeof nextBatch>, id: number): Promise<void> {
  const t0 = performance.now();
  for (let attempt = 0; ; attempt++) {
    const port = PORTS.ingests[(id + attempt) % 2]!;
    const ok = await fetch(`http://127.0.0.1:${port}/v2/events`, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({
        environment: 'production',
        source_request_id: `soak-${id}`,
        user_identities: { customerid: batch.user },
        events: [{ event_type: 'custom_event', data: { event_name: batch.event, source_message_id: `soak-${id}` } }],
      }),
      signal: AbortSignal.timeout(30_000),
    }).then(
      async (r) => (await r.arrayBuffer(), r.status === 202),
      () => false,
    );
    if (ok) {
      batch.onAccepted();
      accepted.push({ at: Date.now(), ms: performance.now() - t0 });
      return;
    }
    failedAttempts++;
    await sleep(Math.min(5_000, 200 * 2 ** attempt));
  }
}

/** Sends at `perSecond` until `stop`, each batch on its own (a slow answer never holds the next back). */
async function paced(perSecond: number, stopAt: number): Promise<void> {
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  for (let k = 0; Date.now() < stopAt; k++) {
    const wait = t0 + (k * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    const p = send(nextBatch(), sent + 1).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
}

/**
 * The mix's saturation: the lesser of what both ingests accept from `lanes` senders as fast as
 * they are answered for `seconds`, and what the machine sustains once the work those batches bring
 * later is done too (a started run's wait ends a minute on, and its call is made). Acceptance
 * alone overstates it: ingests accepted 225–246 batches/s while the stack, at 71/s, already kept
 * 1.7 of 2 cores busy. So the burst's whole cost is measured: the machine's busy CPU seconds from
 * the burst until it is quiet again after those minutes, per batch accepted.
 */
async function saturation(lanes: number, seconds: number): Promise<{ accepted: number; sustained: number }> {
  const before = accepted.length;
  const cpu0 = await machineCpu();
  const t0 = Date.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (Date.now() < until) await send(nextBatch(), sent + 1);
    }),
  );
  const batches = accepted.length - before;
  await sleep(Math.max(0, t0 + 70_000 - Date.now())); // the burst's first runs' one-minute waits end
  await settle({ busyBelow: 0.3, maxSeconds: 180 });
  const cpu1 = await machineCpu();
  // The machine's busy share over the span: the batches it could take were it busy all along.
  const busy = cpu0 && cpu1 ? busyShare(cpu0, cpu1) : NaN;
  return { accepted: batches / seconds, sustained: batches / (busy * ((Date.now() - t0) / 1000)) };
}

/** A process's proportional set size in kB (its private pages, plus each shared page divided by the processes mapping it). */
function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // gone between ps and the read
  }
}

/**
 * Memory (MB) of each process of the stack, by name, with its child processes (PostgreSQL's
 * backends): proportional set sizes, so PostgreSQL's shared buffers, mapped by every backend,
 * count once (summed resident sizes count them once per backend and grow with the backends that
 * have touched them); for a single process PSS is its RSS less its share of shared libraries.
 */
function memory(): Record<string, number> {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(stack.pids())) {
    if (!pid) continue;
    const kb = rows.filter(([p, parent]) => p === pid || parent === pid).reduce((sum, [p]) => sum + pssKb(p), 0);
    if (kb) out[name] = kb / 1024;
  }
  return out;
}

let lastWal: PostgresCounters | undefined;
/**
 * PostgreSQL's mean time per WAL flush since the last call: every commit waits for one, so when
 * the disk's flushes slow, every write of the Temporal server and of our stores does. Undefined
 * while PostgreSQL is down (a fault) and on the first call.
 */
async function walSyncMs(): Promise<number | undefined> {
  const now = await withPostgres((client) => postgresCounters((sql) => client.query(sql))).catch(() => undefined);
  if (!now) return undefined;
  const before = lastWal;
  lastWal = now;
  return before ? meanWalFlushMs(countersBetween(now, before)) : undefined;
}

/** A connection of its own to the stack's PostgreSQL for `use`, closed after. */
async function withPostgres<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stack.databaseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const FAULTS: Array<{ label: keyof typeof FAULT_RESTARTS; inject(): Promise<void> }> = [
  { label: 'Temporal server SIGKILL', inject: async () => (await stack.killServer(), await sleep(5_000), await stack.startServer()) },
  { label: 'PostgreSQL restart', inject: async () => (stack.stopPostgres(), await sleep(5_000), stack.startPostgres()) },
  { label: 'ingest-1 SIGKILL', inject: async () => (await stack.killIngest(0), await sleep(2_000), await stack.startIngest(0)) },
  { label: 'worker-1 SIGKILL', inject: async () => (await stack.killWorker(0), await sleep(2_000), await stack.startWorker(0)) },
  { label: 'ingest-2 SIGKILL', inject: async () => (await stack.killIngest(1), await sleep(2_000), await stack.startIngest(1)) },
  { label: 'worker-2 SIGKILL', inject: async () => (await stack.killWorker(1), await sleep(2_000), await stack.startWorker(1)) },
];

const throughput: Point[] = [];
const p99: Point[] = [];
const pss: Point[] = [];
const walSync: Point[] = [];
const marks: Mark[] = [];
try {
  await settle({ busyBelow: 0.3, maxSeconds: 60 });
  const burst = await saturation(64, 20);
  const saturated = Math.min(burst.accepted, burst.sustained);
  const rate = values.rate ? Number(values.rate) : saturated / 2;
  console.error(
    `saturation ${saturated.toFixed(0)} batches/s (accepted ${burst.accepted.toFixed(0)}/s, sustained ${burst.sustained.toFixed(0)}/s); soaking at ${rate.toFixed(0)}/s for ${minutes} min`,
  );
  // The saturation's runs are accounted for with the soak's (their calls come during it); only the rates start afresh.
  accepted.length = 0;

  const t0 = Date.now();
  const stopAt = t0 + minutes * 60_000;
  const sampler = setInterval(() => {
    const t = (Date.now() - t0) / 1000;
    const recent = accepted.filter((a) => a.at > Date.now() - SAMPLE_MS);
    throughput.push({ t, value: recent.length / (SAMPLE_MS / 1000) });
    if (recent.length)
      p99.push({
        t,
        value: percentile(
          recent.map((a) => a.ms),
          99,
        ),
      });
    for (const [series, value] of Object.entries(memory())) pss.push({ t, value, series });
    void walSyncMs().then((ms) => ms !== undefined && walSync.push({ t, value: ms }));
  }, SAMPLE_MS);
  const faults = (async () => {
    for (let k = 0; Date.now() + faultEvery < stopAt; k++) {
      await sleep(t0 + (k + 1) * faultEvery - Date.now());
      const fault = FAULTS[k % FAULTS.length]!;
      marks.push({ t: (Date.now() - t0) / 1000, label: fault.label });
      console.error(`${new Date().toISOString()} ${fault.label}`);
      await fault.inject();
    }
  })();
  await paced(rate, stopAt);
  await faults;
  clearInterval(sampler);

  // Every run can end: soak-start after its minute, soak-reply after its 3-minute timeout.
  const expected = [
    ...started.map((u) => `${u}/soak_done`),
    ...opened.map((o) => `${o.user}/${replied.has(o.user) ? 'replied' : 'timed_out'}`),
  ];
  const drainStart = Date.now();
  while (Date.now() - drainStart < 8 * 60_000) {
    const got = new Set(moengage.received.map(moengageCall));
    if (expected.every((k) => got.has(k))) break;
    await sleep(5_000);
  }
  const result = tally(expected, moengage.received.map(moengageCall));

  const p99s = p99.map((p) => p.value);

  console.log(
    `soak: ${minutes} min at ${rate.toFixed(0)} batches/s (saturation ${saturated.toFixed(0)}: accepted ${burst.accepted.toFixed(0)}/s, sustained ${burst.sustained.toFixed(0)}/s), a fault every ${values['fault-every']} min; ` +
      `${cpus().length} CPUs, load ${load} → ${loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`,
  );
  console.log(
    `batches accepted during the soak: ${accepted.length}; ${sent} sent in all (saturation included), ${failedAttempts} attempts failed and were sent again`,
  );
  console.log(`runs: ${started.length} started, ${opened.length} opened (${[...replied].length} replied to)`);
  console.log(
    `calls: ${expected.length} expected, ${result.delivered} delivered, ${result.lost.length} lost, ${result.duplicated.length} twice, ${result.unexpected.length} unexpected`,
  );
  if (result.lost.length) console.log(`lost (first 10): ${result.lost.slice(0, 10).join(', ')}`);
  console.log(`p99 per 10 s window: median ${percentile(p99s, 50).toFixed(0)} ms, worst ${Math.max(...p99s).toFixed(0)} ms`);
  // Flat after warm-up, judged per life: a process a fault restarted warms up again.
  console.log(lifeMemoryTable(pss, marks, minutes * 60));
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(`${values.out}/soak.json`, JSON.stringify({ throughput, p99, pss, walSync, marks }));
  writeFileSync(
    `${values.out}/soak.svg`,
    await timeSeriesSvg(
      `Soak on the cluster: ${minutes} min at ${rate.toFixed(0)} batches/s, a fault every ${values['fault-every']} min`,
      [
        { title: 'batches accepted', unit: 'batches/s', points: throughput },
        { title: 'p99 time to acceptance (10 s windows)', unit: 'ms', points: p99 },
        { title: 'memory (proportional set size)', unit: 'MB', points: pss },
        { title: "PostgreSQL's mean WAL flush (10 s windows)", unit: 'ms', points: walSync },
      ],
      marks,
    ),
  );
  console.log(`plot: ${values.out}/soak.svg`);
} finally {
  await stack.close();
  await moengage.close();
}
