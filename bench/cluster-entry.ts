/**
 * A scheduled audience entry on the production-shaped cluster (`flows cluster`: the Temporal server
 * on PostgreSQL, two ingests holding the entries worker, two flow workers), beside the same
 * server's start ceiling, in one run:
 * - the ceiling: a plain Temporal client starting the very workflow an entry starts (the same flow,
 *   input, options and search attributes: ingest/start-run.ts), as many at a time as an entry page
 *   does (32), for `--seconds`; measured before and after the entries, compared with their mean;
 *   and, last, starting as many runs as the large audience has (sustained: the same minutes of
 *   workers running first tasks behind the starts, and of PostgreSQL's checkpoints, as the entry);
 * - a warm-up audience (`--warm`, default 500): the first entry after the stack starts runs on cold
 *   caches (JIT, connection pools, the server's caches), which is not what audience size costs;
 * - a small audience (`--small`, default 2,000) and a large one (`--members`, default 100,000),
 *   each seeded in the PostgreSQL profile store and entered by triggering its flow's Temporal
 *   Schedule once, timed until every member has entered (each run then waits a day);
 * - while the large one enters, batches of 5 events that start nothing posted to both ingests at
 *   `--idle-rate` batches per second: their latency, beside the same rate with nothing else running;
 * - afterwards, the time until every run has reached its wait (the workers run each run's first
 *   task behind the entry), then with every run waiting: each Flowline process's resident memory
 *   and what resuming a run no longer in a worker's cache costs (its history replayed);
 * - idle batches as fast as both ingests take them (64 in flight), then at half that rate: p99,
 *   on the fresh stack (before the large entry) and with its runs waiting (after it).
 * Every phase that starts runs is followed by a wait until they have reached their wait, so that
 * the next phase is not measured against their first tasks; PostgreSQL's WAL, checkpoints and
 * autovacuum are reported beside the phases, as every commit waits on them.
 * Usage: npm run bench:cluster-entry [-- --members 100000 --small 2000 --warm 500 --seconds 20 --idle-rate 20]
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { manualEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { checkProject } from '../dsl/load/project.ts';
import { scheduleId } from '../ingest/schedules.ts';
import { runInput, startOptions } from '../ingest/start-run.ts';
import { emptyProfile } from '../store/store.ts';
import { workflowBundle } from '../worker/bundle.ts';
import type { EntryTotals } from '../workflows/scheduled-entries.ts';
import { percentile, startBenchCluster } from './cluster-process.ts';
import { describePauses, type Sent } from './idle-pauses.ts';
import { countersBetween, describeCounters, postgresCounters, timeWalFlushes, watchAutovacuum } from './postgres-activity.ts';
import { busyShare, machineCpu, settle } from './settle.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    small: { type: 'string', default: '2000' },
    warm: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    'idle-rate': { type: 'string', default: '20' },
  },
});
const members = Number(values.members);
const small = Number(values.small);
const warm = Number(values.warm);
const seconds = Number(values.seconds);
const idleRate = Number(values['idle-rate']);
/** What an entry page starts at a time (ingest/scheduled-entries.ts): the ceiling's lanes too. */
const IN_FLIGHT = 32;

// A project of its own: the repository's config, and two flows entered on a schedule.
const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-entry-'));
mkdirSync(join(dir, 'flows'));
copyFileSync('flows.config.yaml', join(dir, 'flows.config.yaml'));
for (const audience of ['warm', 'small', 'big'])
  writeFileSync(
    join(dir, 'flows', `entry-${audience}.yaml`),
    `flow: entry-${audience}\nname: Entry benchmark (${audience})\ntrigger: { audience: ${audience}, schedule: "mon 10:00" }\nsteps:\n  - wait: 1d\n  - exit\n`,
  );
const project = checkProject({ cwd: dir });
const flowOf = (audience: string): FlowIR => {
  const flow = project.flows.find((f) => f.flow === `entry-${audience}`);
  if (!flow) throw new Error(`flows/entry-${audience}.yaml does not compile: ${project.diagnostics.map((d) => d.message).join('; ')}`);
  return flow;
};
flowOf('small');

// The replay of 100 runs starts and stops a replay worker for each: their state changes at INFO
// would bury the figures.
Runtime.install({ logger: new DefaultLogger('WARN') });

const load = loadavg()[0]!.toFixed(1);
const cluster = await startBenchCluster(dir);
const connection = await Connection.connect({ address: cluster.address });
const client = new Client({ connection });
const db = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** n profiles in an audience, in one statement: the store's own profile shape with the id set per row. */
async function seed(audience: string, n: number): Promise<void> {
  const template = { ...emptyProfile(''), audiences: [audience] };
  await db.query(
    `insert into flowline_profiles (user_id, profile)
     select $1 || lpad(i::text, 7, '0'), $2::jsonb || jsonb_build_object('id', $1 || lpad(i::text, 7, '0'))
     from generate_series(1, $3::int) as i`,
    [`${audience}-`, JSON.stringify(template), n],
  );
}

/**
 * The plain client's rate: IN_FLIGHT lanes starting the entry flow's workflow, for `seconds` (a
 * burst, the ceiling) or until `count` have started (sustained, as long as an entry of that many).
 */
let round = 0;
async function plainStarts(
  flow: FlowIR,
  until: { seconds: number } | { count: number },
): Promise<{ perSecond: number; started: number; seconds: number; errors: number }> {
  const r = ++round;
  let started = 0;
  let errors = 0;
  let n = 0;
  const t0 = performance.now();
  const more = 'seconds' in until ? () => performance.now() < t0 + until.seconds * 1000 : () => n < until.count;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (more()) {
        const user = `plain-${r}-${++n}`;
        const event = manualEvent({ name: 'scheduled_entry', attributes: {} }, `c-${r}-${n}`, Date.now());
        const input = runInput(project.config, flow, user, event, Date.now());
        await client.workflow.start('flowRun', startOptions(flow, input, `flow/${flow.flow}/${user}`, true)).then(
          () => started++,
          () => errors++,
        );
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { perSecond: started / s, started, seconds: s, errors };
}

/** Triggers the flow's schedule once and waits for its firing to enter everyone: the totals and the seconds. */
async function enter(
  flow: FlowIR,
): Promise<{ totals: EntryTotals; seconds: number; t0: number; calls: Awaited<ReturnType<typeof callTimes>> }> {
  const schedule = client.schedule.getHandle(scheduleId(flow.flow));
  // The ingests keep the schedules in line with the flows as they start: wait for this one.
  for (let i = 0; ; i++) {
    const found = await schedule.describe().catch(() => undefined);
    if (found) break;
    if (i > 120) throw new Error(`no schedule ${scheduleId(flow.flow)} after 60 s: did the ingests sync it?`);
    await sleep(500);
  }
  const before = (await schedule.describe()).info.recentActions.length;
  const t0 = performance.now();
  await schedule.trigger();
  let action;
  while (!(action = (await schedule.describe()).info.recentActions[before])) await sleep(100);
  const firing = action.action.workflow.workflowId;
  const totals = (await client.workflow.getHandle(firing).result()) as EntryTotals;
  return { totals, seconds: (performance.now() - t0) / 1000, t0, calls: await callTimes(firing) };
}

const eventMs = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
  Number(e.eventTime!.seconds) * 1000 + (e.eventTime!.nanos ?? 0) / 1e6;

/**
 * Where a firing's time went, from its runs' histories (one per continue-as-new): seconds inside
 * its activity calls (each enters a run's pages, from its start by an ingest to its completion)
 * and the seconds between calls (a call's completion to the next one's start: the continue-as-new,
 * the firing's workflow task, the activity's dispatch).
 */
async function callTimes(firing: string): Promise<{ calls: number; inCalls: number; between: number }> {
  await sleep(2_000); // the last run's close reaching visibility
  const spans: Array<[number, number]> = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${firing}'` })) {
    const history = await client.workflow.getHandle(firing, run.runId).fetchHistory();
    let started = 0;
    for (const e of history.events ?? []) {
      if (e.activityTaskStartedEventAttributes) started = eventMs(e);
      if (e.activityTaskCompletedEventAttributes) spans.push([started, eventMs(e)]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const inCalls = spans.reduce((s, [a, b]) => s + (b - a), 0) / 1000;
  const between = spans.slice(1).reduce((s, [a], i) => s + (a - spans[i]![1]), 0) / 1000;
  return { calls: spans.length, inCalls, between };
}

const auth = `Basic ${Buffer.from('flowline-dev:flowline-dev').toString('base64')}`;
let posted = 0;
/** Events in an idle batch: as the dev server's ingest benchmarks send them (docs/benchmarks.md). */
const PER_BATCH = 5;
/** One batch of events no flow listens to, to `ingest` (else to each in turn): its latency in ms, or NaN if refused. */
async function idleEvent(ingest?: number): Promise<number> {
  const i = ++posted;
  const t = performance.now();
  const response = await fetch(`http://127.0.0.1:${ingest ?? cluster.ingests[i % 2]!}/v2/events`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      environment: 'production',
      source_request_id: `idle-${i}`,
      user_identities: { customerid: `idle-${i % 500}` },
      events: Array.from({ length: PER_BATCH }, (_, e) => ({
        event_type: 'custom_event',
        data: { event_name: 'bench_page_view', source_message_id: `idle-${i}-${e}` },
      })),
    }),
  });
  await response.arrayBuffer();
  return response.status === 202 ? performance.now() - t : NaN;
}

/** Idle batches sent in a phase, and the bench's own longest event-loop delay (a pause here is not the stack's). */
interface Paced {
  sent: Sent[];
  benchDelayMs: number;
}

/** Idle events at `perSecond`, paced (each on its own, never waiting for the last), until `stop` resolves. */
async function paced(perSecond: number, stop: Promise<unknown>): Promise<Paced> {
  const sent: Sent[] = [];
  const pending: Promise<void>[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let done = false;
  void stop.then(() => (done = true));
  const t0 = performance.now();
  for (let k = 0; !done; k++) {
    const due = t0 + (k * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await Promise.race([sleep(wait), stop]);
    if (done) break;
    const ingest = cluster.ingests[k % 2]!;
    const at = performance.now() - t0;
    pending.push(idleEvent(ingest).then((ms) => void sent.push({ at, ms, ingest })));
  }
  await Promise.all(pending);
  delay.disable();
  return { sent, benchDelayMs: delay.max / 1e6 };
}

/** Idle events as fast as `lanes` senders get answers, for `seconds`: the rate. */
async function saturate(lanes: number): Promise<number> {
  let answered = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < until) if (!Number.isNaN(await idleEvent().catch(() => NaN))) answered++;
    }),
  );
  return answered / ((performance.now() - t0) / 1000);
}

/** The visibility query for the flow's runs still running; `waiting` narrows it to those at its first step, a wait. */
const running = (flow: FlowIR, waiting = false) =>
  `WorkflowType = 'flowRun' AND ExecutionStatus = 'Running' AND FlowId = '${flow.flow}'` +
  (waiting ? ` AND FlowStep = '${flow.steps[0]!.id}'` : '');

/**
 * Seconds from `t0` until every running run of the flow has reached its wait: an entry has started
 * every member's run when it ends, but the workers run each run's first task after, behind it.
 */
async function untilAllWaiting(flow: FlowIR, t0: number): Promise<{ seconds: number; waiting: number; running: number }> {
  for (;;) {
    const [all, waiting] = await Promise.all([client.workflow.count(running(flow)), client.workflow.count(running(flow, true))]);
    if (waiting.count >= all.count || performance.now() - t0 > 3_600_000)
      return { seconds: (performance.now() - t0) / 1000, waiting: waiting.count, running: all.count };
    await sleep(5_000);
  }
}

/**
 * What a run that left a worker's cache costs to resume: its history (to its wait) replayed from
 * the start, as a worker does before the run's next task, timed here for `n` waiting runs, one
 * after another.
 */
async function replayCost(flow: FlowIR, n: number): Promise<{ events: number; msPerRun: number }> {
  const histories = [];
  for await (const run of client.workflow.list({ query: running(flow, true) })) {
    histories.push({ workflowId: run.workflowId, history: await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory() });
    if (histories.length >= n) break;
  }
  const bundle = await workflowBundle();
  await Worker.runReplayHistory({ workflowBundle: bundle }, histories[0]!.history, histories[0]!.workflowId); // warm
  const t0 = performance.now();
  for (const h of histories) await Worker.runReplayHistory({ workflowBundle: bundle }, h.history, h.workflowId);
  const events = histories.reduce((sum, h) => sum + (h.history.events?.length ?? 0), 0) / histories.length;
  return { events, msPerRun: (performance.now() - t0) / histories.length };
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([name, v]) => [name, v - (before[name] ?? 0)]));
/** CPU seconds per process over a phase, largest first, with each one's share. */
const cpu = (used: Record<string, number>) => {
  const total = Object.values(used).reduce((a, b) => a + b, 0);
  return (
    `${total.toFixed(0)} CPU s: ` +
    Object.entries(used)
      .sort((a, b) => b[1] - a[1])
      .map(([name, v]) => `${name} ${v.toFixed(0)} (${((v / total) * 100).toFixed(0)}%)`)
      .join(', ')
  );
};

const ms = ({ sent }: Paced) => {
  const xs = sent.map((s) => s.ms);
  const ok = xs.filter((x) => !Number.isNaN(x));
  return `${ok.length} batches answered 202, ${xs.length - ok.length} not; p50 ${percentile(ok, 50).toFixed(1)} ms, p99 ${percentile(ok, 99).toFixed(1)} ms, max ${Math.max(...ok).toFixed(0)} ms`;
};
const mb = (m: Record<string, number>) =>
  Object.entries(m)
    .sort()
    .map(([name, v]) => `${name} ${v.toFixed(0)}`)
    .join(', ');

/** A phase's result, with what PostgreSQL and the machine did meanwhile. */
interface Watched<T> {
  value: T;
  postgres: string;
  busyCores: number;
  autovacuum: string;
}

/** Runs `phase`, reading PostgreSQL's counters, its autovacuum workers and the machine's busy cores meanwhile. */
async function watched<T>(phase: () => Promise<T>): Promise<Watched<T>> {
  const query = (sql: string) => db.query(sql);
  const [pgBefore, cpuBefore] = await Promise.all([postgresCounters(query), machineCpu()]);
  const autovacuum = watchAutovacuum(query);
  const t0 = performance.now();
  const value = await phase();
  const s = (performance.now() - t0) / 1000;
  const [pgAfter, cpuAfter, vacuum] = await Promise.all([postgresCounters(query), machineCpu(), autovacuum.stop()]);
  const busy = cpuBefore && cpuAfter ? busyShare(cpuBefore, cpuAfter) : NaN;
  return {
    value,
    postgres: describeCounters(countersBetween(pgAfter, pgBefore), s),
    busyCores: busy * cpus().length,
    autovacuum: vacuum.seconds ? `autovacuum ran ${vacuum.seconds} s (${vacuum.most} at most)` : 'no autovacuum',
  };
}

/** Idle batches as fast as the ingests answer, then at half that rate, watched: the rate and the latencies. */
async function idleSaturation(): Promise<{ saturation: number; half: Watched<Paced> }> {
  const saturation = await saturate(64);
  await settle({ busyBelow: 0.3, maxSeconds: 60 });
  return { saturation, half: await watched(() => paced(saturation / 2, sleep(seconds * 1000))) };
}

/** After a phase that started runs of `flow`: until they are at their wait, then until the machine is quiet. */
async function quietAfter(flow: FlowIR): Promise<void> {
  await untilAllWaiting(flow, performance.now());
  await settle({ busyBelow: 0.3, maxSeconds: 120 });
}

try {
  await timeWalFlushes((sql) => db.query(sql));
  const seedStart = performance.now();
  await seed('warm', warm);
  await seed('small', small);
  await seed('big', members);
  console.error(`seeded ${warm} + ${small} + ${members} profiles in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
  const memoryAtStart = cluster.memory();

  await settle({ busyBelow: 0.3, maxSeconds: 90 });
  const ceilingBefore = await watched(() => plainStarts(flowOf('big'), { seconds }));
  const before = ceilingBefore.value;
  console.error(`ceiling before: ${before.perSecond.toFixed(1)} starts/s`);
  await quietAfter(flowOf('big'));
  const warmEntry = await enter(flowOf('warm'));
  console.error(`warm-up audience: ${warmEntry.totals.started} in ${warmEntry.seconds.toFixed(0)} s`);
  await quietAfter(flowOf('warm'));
  const smallEntry = await watched(() => enter(flowOf('small')));
  console.error(`small audience: ${smallEntry.value.totals.started} in ${smallEntry.value.seconds.toFixed(0)} s`);
  await quietAfter(flowOf('small'));
  const fresh = await idleSaturation();
  await settle({ busyBelow: 0.3, maxSeconds: 60 });
  const quietIdle = await paced(idleRate, sleep(15_000));
  await settle({ busyBelow: 0.3, maxSeconds: 60 });
  const cpuBefore = cluster.cpuSeconds();
  const big = watched(() => enter(flowOf('big')));
  const busyIdle = paced(idleRate, big);
  const bigWatched = await big;
  const bigEntry = bigWatched.value;
  const duringEntry = await busyIdle;
  console.error(`large audience: ${bigEntry.totals.started} in ${bigEntry.seconds.toFixed(0)} s`);
  const cpuEntry = difference(cluster.cpuSeconds(), cpuBefore);
  const memoryEntered = cluster.memory();
  const cpuEntered = cluster.cpuSeconds();
  const catchUp = await watched(() => untilAllWaiting(flowOf('big'), bigEntry.t0));
  const allWaiting = catchUp.value;
  const cpuCatchUp = difference(cluster.cpuSeconds(), cpuEntered);
  console.error(`every run at its wait ${allWaiting.seconds.toFixed(0)} s after the trigger`);
  const memoryWaiting = cluster.memory();
  const replay = await replayCost(flowOf('big'), 100);
  await settle({ busyBelow: 0.3, maxSeconds: 180 });
  const ceilingAfter = await watched(() => plainStarts(flowOf('big'), { seconds }));
  const after = ceilingAfter.value;
  await quietAfter(flowOf('big'));
  const waiting = await idleSaturation();
  // Last, so that the phases above see the large audience's runs alone: the plain client starting
  // as many runs as the large entry did, beside the same idle batches, against the same workers
  // running each run's first task behind it (a 20-s ceiling has most of those still to come).
  await settle({ busyBelow: 0.3, maxSeconds: 180 });
  const cpuBeforePlain = cluster.cpuSeconds();
  const plain = watched(() => plainStarts(flowOf('big'), { count: members }));
  const plainIdle = paced(idleRate, plain);
  const sustained = await plain;
  const duringPlain = await plainIdle;
  const cpuPlain = difference(cluster.cpuSeconds(), cpuBeforePlain);
  console.error(`plain client: ${sustained.value.started} in ${sustained.value.seconds.toFixed(0)} s`);

  const mean = (before.perSecond + after.perSecond) / 2;
  const rate = (e: { totals: EntryTotals; seconds: number }) => e.totals.started / e.seconds;
  console.log(
    `flows cluster: Temporal server v1.29.1 on PostgreSQL (${cluster.shards ?? '?'} history shards, SQL visibility), 2 ingests, 2 workers; ` +
      `${cpus().length} CPUs, load ${load} → ${loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`,
  );
  console.log('| phase | runs started | s | starts/s | × mean ceiling | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ceiling before (plain client, ${IN_FLIGHT} in flight) | | ${seconds} | ${before.perSecond.toFixed(1)} | | ${before.errors} |`,
  );
  for (const [name, e] of [
    [`warm-up entry, ${warm} members (the first after the stack started)`, warmEntry],
    [`scheduled entry, ${small} members`, smallEntry.value],
    [`scheduled entry, ${members} members`, bigEntry],
  ] as const) {
    console.log(
      `| ${name} | ${e.totals.started} | ${e.seconds.toFixed(0)} | ${rate(e).toFixed(1)} | ${(rate(e) / mean).toFixed(2)}× | ${Object.entries(
        e.totals.notStarted,
      )
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')} |`,
    );
  }
  console.log(`| ceiling after | | ${seconds} | ${after.perSecond.toFixed(1)} | | ${after.errors} |`);
  const p = sustained.value;
  console.log(
    `| plain client, ${members} starts (sustained, ${IN_FLIGHT} in flight; last, with the runs above waiting) | ${p.started} | ${p.seconds.toFixed(0)} | ${p.perSecond.toFixed(1)} | ${(p.perSecond / mean).toFixed(2)}× | ${p.errors} |`,
  );
  console.log(
    `\nthe ${members} members' entry against the plain client starting as many: ${(rate(bigEntry) / p.perSecond).toFixed(2)}× ` +
      `(${rate(bigEntry).toFixed(1)} against ${p.perSecond.toFixed(1)} starts/s)`,
  );
  console.log(`large vs small audience, members/s: ${(rate(bigEntry) / rate(smallEntry.value)).toFixed(2)}×`);
  for (const [name, e] of [
    [`${small}`, smallEntry.value],
    [`${members}`, bigEntry],
  ] as const)
    console.log(
      `the ${name} members' firing: ${e.totals.pages} pages in ${e.calls.calls} activity calls, ${e.calls.inCalls.toFixed(1)} s inside them, ` +
        `${e.calls.between.toFixed(1)} s between them (the rest of ${e.seconds.toFixed(0)} s: the schedule's trigger to the first call, the last call to the result)`,
    );
  console.log(
    `every run of the large audience's flow at its wait (first task run by a worker): ${allWaiting.seconds.toFixed(0)} s after the trigger ` +
      `(${allWaiting.waiting} of ${allWaiting.running} running runs, ceiling runs included; ${(members / allWaiting.seconds).toFixed(1)} members/s end to end)`,
  );
  console.log(`CPU while the large audience entered (${bigEntry.seconds.toFixed(0)} s): ${cpu(cpuEntry)}`);
  console.log(`CPU while the plain client started ${members} (${p.seconds.toFixed(0)} s): ${cpu(cpuPlain)}`);
  console.log(
    `CPU from then until every run was at its wait (${(allWaiting.seconds - bigEntry.seconds).toFixed(0)} s): ${cpu(cpuCatchUp)}`,
  );
  const batches = (perSecond: number) => `${perSecond.toFixed(0)} batches/s (${(perSecond * PER_BATCH).toFixed(0)} events/s)`;
  console.log(`batches of ${PER_BATCH} events that start nothing, ${batches(idleRate)}, nothing else running: ${ms(quietIdle)}`);
  console.log(`the same, while ${members} members enter: ${ms(duringEntry)}`);
  console.log(`the same, while the plain client starts ${members}: ${ms(duringPlain)}`);
  for (const [when, idle] of [
    ['on the fresh stack (before the large entry)', fresh],
    [`with the large audience's runs waiting`, waiting],
  ] as const) {
    const h = idle.half;
    console.log(`idle batches ${when}, 64 in flight to both ingests: ${batches(idle.saturation)}`);
    console.log(`  at half that, ${batches(idle.saturation / 2)}: ${ms(h.value)}`);
    console.log(`  ${describePauses(h.value.sent)}`);
    console.log(`  the bench's own event loop delayed ${h.value.benchDelayMs.toFixed(0)} ms at most`);
    console.log(`  meanwhile: ${h.busyCores.toFixed(2)} cores busy; PostgreSQL ${h.postgres}; ${h.autovacuum}`);
  }
  for (const [phase, w] of [
    ['the ceiling before', ceilingBefore],
    ['the ceiling after', ceilingAfter],
    [`the ${small} members' entry`, smallEntry],
    [`the ${members} members' entry`, bigWatched],
    ['the catch-up until every run was at its wait', catchUp],
    [`the plain client's ${members} starts`, sustained],
  ] as const)
    console.log(`during ${phase}: ${w.busyCores.toFixed(2)} cores busy; PostgreSQL ${w.postgres}; ${w.autovacuum}`);
  console.log(
    `a waiting run that left the cache, replayed to resume: ${replay.events.toFixed(0)} history events, ${replay.msPerRun.toFixed(1)} ms each (100 runs, one after another)`,
  );
  console.log(`resident memory (MB) at start: ${mb(memoryAtStart)}`);
  console.log(`resident memory (MB) when the large entry ended: ${mb(memoryEntered)}`);
  console.log(
    `resident memory (MB) with ${bigEntry.totals.started + smallEntry.value.totals.started + warmEntry.totals.started}+ runs waiting: ${mb(memoryWaiting)}`,
  );
} finally {
  await db.end();
  await connection.close();
  await cluster.stop();
}
