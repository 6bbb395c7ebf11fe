import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { startFlowsProcess, type FlowsProcess } from '../helpers/flows-process.ts';
import { ingestKilledCase, report, size } from '../helpers/fault-matrix.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

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

it('ingest SIGKILLed while batches arrive: senders retry until 202, and every event starts exactly one run', async () => {
  ingest = await startIngest();
  const row = await ingestKilledCase({
    urls: [`http://127.0.0.1:${PORT}/v2/events`],
    authorization: AUTH,
    mparticle: h.fakes.get('mparticle')!,
    prefix: 'ingest',
    batches: size(60, 600),
    kills: size(1, 3),
    kill: () => ingest!.kill(),
    restart: async () => void (ingest = await startIngest()),
  });
  report('ingest-killed', row.counts, row.measured);
}, 400_000);
