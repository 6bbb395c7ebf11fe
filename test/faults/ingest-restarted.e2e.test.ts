import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { json, type Received } from '../../destinations/fakes/server.ts';
import { startFlowsProcess, type FlowsProcess } from '../helpers/flows-process.ts';
import { report, size, sleep, tally, until } from '../helpers/fault-matrix.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

const batchOf = (r: Received) =>
  json<{ user_identities: { customerid?: string }; events: Array<{ data: { custom_attributes: { points?: unknown } } }> }>(r);

let data: string;
const PORT = 18180;
const AUTH = `Basic ${Buffer.from('fault-key:fault-secret').toString('base64')}`;
let h: Harness;
let ingest: FlowsProcess | undefined;

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'ingest-restarted-'));
  // Workers in this process share the profile folder with the ingest process.
  h = await harness('dev', { destinations: 'fake', profiles: new FileProfileStore(join(data, 'profiles')) });
}, 180_000);
afterAll(async () => {
  await ingest?.kill();
  await h?.close();
});

/** `flows ingest` on the repository's flows (point_add → antavo-points-to-mparticle, one run per event). */
const startIngest = () =>
  startFlowsProcess(['ingest', '--port', String(PORT), '--data', data], {
    cwd: resolve('.'),
    env: { TEMPORAL_ADDRESS: h.env.address, FLOWLINE_INGEST_KEY: 'fault-key', FLOWLINE_INGEST_SECRET: 'fault-secret' },
    ready: 'ingest listening',
  });

const batch = (i: number) => ({
  environment: 'production',
  source_request_id: `req-${i}`,
  user_identities: { customerid: `ingest-${i}` },
  events: [150, 250].map((points, j) => ({
    event_type: 'custom_event',
    data: {
      event_name: 'point_add',
      custom_event_type: 'transaction',
      source_message_id: `msg-${i}-${j}`,
      custom_attributes: { points: String(points) },
    },
  })),
});

it('ingest SIGKILLed while batches arrive: senders retry until 202, and every event starts exactly one run', async () => {
  const batches = size(60, 600);
  const kills = size(1, 3);
  ingest = await startIngest();
  let next = 0;
  let accepted = 0;
  let failedAttempts = 0;
  const statuses = new Map<string, number>();
  /** A sender as mParticle's SDKs behave: a batch is retried until it is accepted. */
  const sender = async () => {
    while (next < batches) {
      const body = JSON.stringify(batch(next++));
      for (;;) {
        const answer = await fetch(`http://127.0.0.1:${PORT}/v2/events`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/json' },
          body,
        })
          .then((r) => String(r.status))
          .catch((e: Error) => (e.cause as { code?: string } | undefined)?.code ?? 'network error');
        if (answer === '202') break;
        failedAttempts++;
        statuses.set(answer, (statuses.get(answer) ?? 0) + 1);
        expect(['400', '401', '413']).not.toContain(answer); // the sender's mistakes: none here
        await sleep(200);
      }
      accepted++;
    }
  };
  const senderCount = 4;
  const senders = Promise.all(Array.from({ length: senderCount }, sender));
  for (let k = 1; k <= kills; k++) {
    await until(() => accepted >= (k * batches) / (kills + 1), 120_000, 10);
    await ingest.kill();
    await sleep(1_000); // batches keep arriving at a closed port
    ingest = await startIngest();
  }
  await senders;

  const expected = Array.from({ length: batches }, (_, i) => [`ingest-${i}/150`, `ingest-${i}/250`]).flat();
  const mparticle = h.fakes.get('mparticle')!;
  const arrived = () =>
    mparticle.received.map((r) => `${batchOf(r).user_identities!.customerid}/${batchOf(r).events![0]!.data.custom_attributes.points}`);
  await until(() => tally(expected, arrived()).lost.length === 0, 120_000);
  await sleep(2_000); // a late duplicate would show by now
  const result = tally(expected, arrived());
  expect(result).toEqual({ delivered: expected.length, lost: [], duplicated: [], unexpected: [] });
  expect(failedAttempts).toBeGreaterThan(0); // the kills did land while batches arrived
  report(
    'ingest-killed',
    { runs: expected.length, expected: expected.length, delivered: result.delivered, lost: 0, duplicated: 0, window: 0 },
    { kills, senders: senderCount, batches, failedAttempts, failures: Object.fromEntries(statuses) },
  );
}, 400_000);
