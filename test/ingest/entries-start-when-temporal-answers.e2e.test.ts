import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { serveIngest } from '../../cli/ingest.ts';
import { startDevServer, type DevServer } from '../../dev/dev-server.ts';
import { scheduleId } from '../../ingest/schedules.ts';
import { FileProfileStore } from '../../store/file-store.ts';
import { registerSearchAttributes } from '../../worker/search-attributes.ts';

const PORT = 17561;
const dir = mkdtempSync(join(tmpdir(), 'entries-late-'));
let server: DevServer | undefined;
let ingest: Awaited<ReturnType<typeof serveIngest>>;
let connection: Connection | undefined;
afterAll(async () => {
  await ingest?.close();
  await connection?.close();
  await server?.stop();
});

it('ingest started while Temporal is down keeps its scheduled flows: their schedule appears once Temporal answers, with no restart', async () => {
  mkdirSync(join(dir, 'flows'));
  writeFileSync(join(dir, 'flows.config.yaml'), readFileSync('flows.config.yaml', 'utf8'));
  writeFileSync(
    join(dir, 'flows', 'vip-weekly.yaml'),
    'flow: vip-weekly\ntrigger: { audience: vip, schedule: "mon 10:00" }\nsteps:\n  - wait: 1d\n',
  );
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${PORT}`; // nothing listens there yet
  let err = '';
  let out = '';
  ingest = await serveIngest(
    { cwd: dir, out: (t) => (out += t), err: (t) => (err += t) },
    { port: 0, host: '127.0.0.1', profiles: new FileProfileStore(join(dir, 'profiles')), key: 'k', secret: 's' },
  );
  expect(ingest, err).toBeDefined();
  expect(err).toContain('scheduled and date entries wait for Temporal');

  server = await startDevServer({ dataDir: join(dir, 'temporal'), port: PORT, uiPort: PORT + 1000 });
  connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  const schedule = new Client({ connection }).schedule.getHandle(scheduleId('vip-weekly'));
  await expect
    .poll(
      async () =>
        await schedule.describe().then(
          () => 'exists',
          () => 'missing',
        ),
      { timeout: 60_000, interval: 1_000 },
    )
    .toBe('exists');
  expect(out).toContain('scheduled and date entries started');
  expect(err.match(/wait for Temporal/g)).toHaveLength(1); // said once, not on every try
}, 120_000);
