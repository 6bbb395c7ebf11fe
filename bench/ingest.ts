/**
 * Ingest throughput and latency on a local stack (dev server, workers with fake destinations,
 * the ingest API): batches posted at rising rates until errors appear; prints accepted events/s,
 * p50/p99 accept latency and workflow starts/s for each step.
 * Usage: npm run bench:ingest [-- --seconds 10 --rates 25,50,100,200]
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { checkProject } from '../dsl/project.ts';
import { ingestConnection } from '../ingest/connection.ts';
import { buildIngest } from '../ingest/server.ts';
import { FileProfileStore } from '../profiles/file-store.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { devServerEnvironment } from '../dev/test-environments.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, rates: { type: 'string', default: '25,50,100,200,400' } },
});
const seconds = Number(values.seconds);
const rates = values.rates!.split(',').map(Number);

installRuntime('ERROR');
const env = await devServerEnvironment();
const project = checkProject({});
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'bench-ingest-')));
const clients = await destinationClients(project.config, { mode: 'fake' });
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config: project.config,
  profiles,
  destinations: clients.clients,
});
const connection = ingestConnection({ address: env.address, namespace: 'default' });
const { app, stats } = buildIngest({
  client: new Client({ connection }),
  profiles,
  config: project.config,
  flows: () => project.flows,
  key: 'k',
  secret: 's',
});
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v2/events`;
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
const rows: string[] = [];
try {
  for (const rate of rates) {
    const latencies: number[] = [];
    let errors = 0;
    const startedBefore = stats.started;
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
    const elapsed = (performance.now() - t0) / 1000;
    const accepted = latencies.length;
    rows.push(
      `| ${rate} | ${(accepted / elapsed).toFixed(1)} | ${((accepted * 2) / elapsed).toFixed(1)} | ${pct(latencies, 50).toFixed(1)} | ${pct(latencies, 99).toFixed(1)} | ${((stats.started - startedBefore) / elapsed).toFixed(1)} | ${errors} |`,
    );
    if (errors > 0 || elapsed > seconds * 1.5) break; // stop once errors appear or the offered rate cannot be kept
  }
  console.log(`ingest on a local stack (dev server, workers, fake destinations), ${new Date().toISOString()}, ${seconds}s per rate`);
  console.log('| offered batches/s | accepted batches/s | events/s (2 per batch) | p50 ms | p99 ms | starts/s | errors |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
} finally {
  await app.close();
  await workers.shutdown();
  await clients.close();
  await connection.close();
  await env.teardown();
}
