/**
 * Ingest on a realistic mix, with the ceiling measured in the same run on the same server.
 *
 * One dev server, the workers, and for each profile store (the embedded file store, PostgreSQL)
 * the ingest API over HTTP. 10,000 users, seeded first, send batches of 5 events (`--events`):
 * - `idle`: every event matches no flow (screen views, sessions, custom events nothing listens to),
 *   user attributes as already stored — the common case;
 * - `mix`: 10% of events start a run (`order_placed`, reentry always) or signal one (`order_shipped`);
 * - `starts`: each batch starts one run, to compare ingest's starts/s with the ceiling.
 * The ceiling is a plain Temporal client making the very start ingest makes (same workflow, input,
 * options and search attributes: ingest/start-run.ts), on the
 * same server with the same workers, at 8 and 32 in flight first, then at 32 in flight right before
 * and after each block of rates: each row's ratio is to the mean of those two (the server's start
 * rate falls as runs pile up, so a ceiling taken at the start would flatter nothing and blame ingest).
 * The idle mix starts nothing and has no ceiling. Each measurement (a ceiling, a rate) waits first
 * for the machine to be quiet (bench/settle.ts): seeding and a ceiling leave the server and the
 * workers busy for a while, and the next row would measure that backlog, not itself; then a second
 * at the row's rate goes uncounted (connections opened, code compiled).
 * The batches come from a sender process of its own (bench/mix-sender.ts), as they come from
 * other machines: the sender's HTTP client and garbage collection do not run on the ingest's thread.
 * Each mix runs at rising batch rates until requests fail or the rate cannot be kept. First, for
 * each store, ingest alone takes the idle mix in process, with nothing else running.
 * Each store also holds `--seen` batch ids handled over the week before (the default retention),
 * as a store that has run for a while does: a new batch's id is looked up among them.
 * Usage: npm run bench:ingest-mix [-- --seconds 5 --rates 50,100,200,400,800 --stores file,postgres --server sqlite --events 5 --seen 1000000]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { loadConfig } from '../dsl/load/config.ts';
import { DAY_MS } from '../dsl/language/durations.ts';
import { manualEvent } from '../dsl/language/event.ts';
import type { FlowIR } from '../dsl/language/ir.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { ingestConnection } from '../ingest/connection.ts';
import { buildIngest } from '../ingest/server.ts';
import { runInput, startOptions } from '../ingest/start-run.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { PostgresProfileStore } from '../store/postgres-store.ts';
import type { ProfileStore } from '../store/store.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';
import { attributes, batchMaker } from './mix-batches.ts';
import type { Offer, Offered } from './mix-sender.ts';
import { settle } from './settle.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rates: { type: 'string', default: '50,100,200,400,800' },
    stores: { type: 'string', default: 'file,postgres' },
    mixes: { type: 'string', default: 'idle,mix,starts' },
    server: { type: 'string', default: 'sqlite' },
    users: { type: 'string', default: '10000' },
    // mParticle's SDKs upload what they queued in one batch: per-batch costs dominate, so events/s grows with this.
    events: { type: 'string', default: '5' },
    // Batches already handled, over the week before (a week is the default retention): lookups
    // of new batch ids search these, as they do on a store that has run for a while.
    seen: { type: 'string', default: '1000000' },
  },
});
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);
const USERS = Number(values.users);
const EVENTS_PER_BATCH = Number(values.events);

installRuntime('ERROR');
const config = loadConfig('flows.config.yaml').config;
const compile = (text: string): FlowIR => {
  const { ir, diagnostics } = checkFlow('bench.yaml', text, config);
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return ir;
};
// A run per order that waits for its shipment: what the mix starts and signals.
const ORDER = compile(`flow: bench-order
trigger: { event: order_placed }
entry: { reentry: always }
steps:
  - wait_for:
      event: order_shipped
      timeout: 30m
      then:
        - send_event: { destination: mparticle, event: order_shipped_seen }
`);
const flows = [ORDER];

// What the run writes (a week of seen batches is ~1 GB) goes when it ends.
const scratch: string[] = [];
const scratchDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
const serverArgs = values.server === 'sqlite' ? ['--db-filename', join(scratchDir('bench-mix-temporal-'), 'temporal.sqlite')] : [];
const env = await devServerEnvironment(serverArgs);
const clients = await destinationClients(config, { mode: 'fake' });
const connection = ingestConnection({ address: env.address, namespace: 'default' });
const client = new Client({ connection });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

const shape = { users: USERS, events: EVENTS_PER_BATCH };
const batch = batchMaker(shape);

/** A plain client's starts/s of the same workflow and input as ingest starts, at `inFlight` concurrent starts. */
let ceilingRound = 0;
async function ceiling(inFlight: number): Promise<{ perSecond: number; p50: number }> {
  const round = ++ceilingRound;
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const lane = async () => {
    while (performance.now() < until) {
      const i = ++n;
      const user = `ceiling-${i % USERS}`;
      const event = manualEvent({ name: 'order_placed' }, `c-${process.pid}-${round}-${i}`, Date.now());
      // The very start ingest makes (input, options, search attributes): only ingest's own work differs.
      const input = runInput(config, ORDER, user, event, Date.now());
      const t = performance.now();
      await client.workflow.start('flowRun', startOptions(ORDER, input, `flow/bench-order/${user}/c-${round}-${i}`, true));
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { perSecond: latencies.length / ((performance.now() - t0) / 1000), p50: pct(latencies, 50) };
}

interface OpenStore {
  store: ProfileStore;
  /** The same store with its de-duplication clock at `at`, to mark keys on earlier days. */
  at(at: number): Promise<{ store: ProfileStore; close(): Promise<void> }>;
  close(): Promise<void>;
}

async function openStore(kind: string): Promise<OpenStore> {
  if (kind === 'file') {
    const dir = scratchDir('bench-mix-profiles-');
    const at = async (t: number) => ({ store: new FileProfileStore(dir, { now: () => t }), close: async () => undefined });
    return { store: new FileProfileStore(dir), at, close: async () => undefined };
  }
  const postgres = startPostgres(15_700 + (process.pid % 200));
  const store = await PostgresProfileStore.open(postgres.url);
  const at = async (t: number) => {
    const dated = await PostgresProfileStore.open(postgres.url, { now: () => t });
    return { store: dated, close: () => dated.close() };
  };
  return { store, at, close: async () => (await store.close(), postgres.stop()) };
}

/** `--seen` batch ids marked handled, spread over the seven days before today. */
async function seedSeen(opened: OpenStore): Promise<void> {
  const total = Number(values.seen);
  for (let d = 7; d >= 1; d--) {
    const { store, close } = await opened.at(Date.now() - d * DAY_MS);
    const count = Math.floor(total / 7) + (d === 1 ? total % 7 : 0);
    for (let i = 0; i < count; i += 50_000) {
      await store.markSeen(Array.from({ length: Math.min(50_000, count - i) }, (_, k) => `batch:earlier-${d}-${i + k}`));
    }
    await close();
  }
}

/** The users' profiles as their batches will find them, so the mix measures the steady state. */
async function seed(store: ProfileStore): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let u = next++; u < USERS; u = next++) {
      await store.update(`user-${u}`, (p) => {
        p.identities.customer_id = `user-${u}`;
        Object.assign(p.attributes, attributes(u));
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}

/**
 * Ingest alone on the idle mix: batches handed to the app in process (no HTTP, nothing for
 * Temporal to do), 32 at a time: what ingest and the store can take when nothing else runs.
 */
async function alone(store: ProfileStore): Promise<string> {
  const { app } = buildIngest({ client, profiles: store, config, flows: () => flows, key: 'k', secret: 's' });
  const auth = `Basic ${Buffer.from('k:s').toString('base64')}`;
  const n = 3_000;
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next++ < n) {
        const t = performance.now();
        const r = await app.inject({
          method: 'POST',
          url: '/v2/events',
          headers: { authorization: auth, 'content-type': 'application/json' },
          payload: batch('idle'),
        });
        if (r.statusCode !== 202) throw new Error(`ingest answered ${r.statusCode}: ${r.body}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  await app.close();
  return `${(n / elapsed).toFixed(0)} batches/s = ${((n * EVENTS_PER_BATCH) / elapsed).toFixed(0)} events/s, p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, ${((used.user + used.system) / 1000 / n).toFixed(2)} ms CPU per batch`;
}

/** Waits for the backlog of the phase before (seeded files written back, runs a ceiling started) to drain. */
async function quiet(): Promise<void> {
  console.error(`settled in ${(await settle()).toFixed(0)} s`);
}

// The sender is a process of its own, as senders are: its client's work does not stall the ingest.
const sender = fork(fileURLToPath(new URL('./mix-sender.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const out: string[] = [];
const print = (line: string) => {
  out.push(line);
  console.log(line);
};
try {
  const workersForCeiling = await startWorkers({
    connection: env.nativeConnection,
    namespace: 'default',
    config,
    profiles: new FileProfileStore(scratchDir('bench-mix-c-')),
    destinations: clients.clients,
  });
  const ceilings = [await ceiling(8), await ceiling(32)];
  await new Promise((r) => setTimeout(r, 3_000)); // the workers take the first tasks of those runs before they go
  await workersForCeiling.shutdown();
  print(
    `ingest on a realistic mix, ${new Date().toISOString()}, dev server (${values.server}), ${seconds}s per rate, ${USERS} users, ${EVENTS_PER_BATCH} events per batch, ${values.seen} batches handled in the week before`,
  );
  print(
    `ceiling (plain client, same server, workers running): ${ceilings.map((c, i) => `${[8, 32][i]} in flight ${c.perSecond.toFixed(0)} starts/s (p50 ${c.p50.toFixed(1)} ms)`).join('; ')}`,
  );
  print('');
  const header = () => {
    print('');
    print(
      '| store | mix | offered batches/s | accepted batches/s | events/s | p50 ms | p99 ms | starts/s | ceiling beside | × ceiling | signals/s | errors |',
    );
    print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  };
  // Each store seeded once; then each mix on each store in turn, so every store's idle mix runs
  // on a server that no start has loaded yet, and the queue drains between phases.
  const stores = new Map<string, Awaited<ReturnType<typeof openStore>>>();
  for (const kind of values.stores!.split(',')) {
    const opened = await openStore(kind);
    const seeded = performance.now();
    await seed(opened.store);
    await seedSeen(opened);
    console.error(
      `seeded ${USERS} profiles and ${values.seen} handled batches in the ${kind} store in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );
    print(`ingest alone, idle mix, ${kind} store (in process, 32 at a time, no HTTP): ${await alone(opened.store)}`);
    stores.set(kind, opened);
  }
  header();
  for (const mix of values.mixes!.split(',')) {
    for (const [kind, { store }] of stores) {
      const workers = await startWorkers({
        connection: env.nativeConnection,
        namespace: 'default',
        config,
        profiles: store,
        destinations: clients.clients,
      });
      const { app, stats } = buildIngest({ client, profiles: store, config, flows: () => flows, key: 'k', secret: 's' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v2/events`;
      const auth = `Basic ${Buffer.from('k:s').toString('base64')}`;
      // The ceiling beside each block, on the server as it is now (each block leaves runs behind,
      // and the server's start rate falls as they pile up): the ratio compares like with like. The
      // idle mix starts nothing, so it has none; every measurement starts on a quiet machine.
      const measureCeiling = async () => (mix === 'idle' ? undefined : (await quiet(), (await ceiling(32)).perSecond));
      const ceilingBefore = await measureCeiling();
      const rows: Array<(ceiling: number | undefined) => string> = [];
      const offer = async (rate: number, secs: number): Promise<Offered> => {
        const answer = once(sender, 'message');
        sender.send({ url, auth, mix, rate, seconds: secs, shape } satisfies Offer);
        return (await answer)[0] as Offered;
      };
      for (const rate of rates) {
        await quiet();
        // A second at the rate first, not counted: the client opens the connections this rate needs
        // and the code it runs is compiled; the first hundreds of ms of a new rate measure only that.
        await offer(rate, 1);
        const before = { started: stats.started, signalled: stats.signalled };
        const { latencies, errors, elapsed } = await offer(rate, seconds);
        const accepted = latencies.length / elapsed;
        const starts = (stats.started - before.started) / elapsed;
        const signals = (stats.signalled - before.signalled) / elapsed;
        rows.push(
          (c) =>
            `| ${kind} | ${mix} | ${rate} | ${accepted.toFixed(0)} | ${(accepted * EVENTS_PER_BATCH).toFixed(0)} | ${pct(latencies, 50).toFixed(1)} | ${pct(latencies, 99).toFixed(1)} | ` +
            `${starts.toFixed(0)} | ${c?.toFixed(0) ?? '—'} | ${c ? (starts / c).toFixed(2) : '—'} | ${signals.toFixed(0)} | ${errors} |`,
        );
        if (errors > 0 || elapsed > seconds * 1.5) break; // saturated: the offered rate could not be kept
      }
      const ceilingAfter = await measureCeiling();
      const beside = ceilingBefore === undefined || ceilingAfter === undefined ? undefined : (ceilingBefore + ceilingAfter) / 2;
      for (const row of rows) print(row(beside));
      await app.close();
      await new Promise((r) => setTimeout(r, 10_000)); // the workers catch up with the runs started
      await workers.shutdown();
    }
  }
  for (const { close } of stores.values()) await close();
} finally {
  sender.kill();
  await clients.close();
  await connection.close();
  await env.teardown();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
}
