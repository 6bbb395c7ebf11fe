/**
 * A scheduled audience entry of N members: seed N profiles in the audience (file store), let the
 * ingest side keep the flow's Temporal Schedule, trigger it once, and time the firing until every
 * member has entered (each run then waits a day). Prints the time, the rate, and the peak memory
 * of this process, which runs the flow worker and the entries worker (maxRSS), with the load
 * average (the machine may be shared).
 * Usage: npm run bench:scheduled [-- --members 100000]
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devServerEnvironment } from '../dev/test-environments.ts';
import { loadConfig } from '../dsl/load/config.ts';
import { checkFlow } from '../dsl/validate/validate.ts';
import { startEntries } from '../ingest/entries-worker.ts';
import { scheduleId } from '../ingest/schedules.ts';
import { FileProfileStore } from '../store/file-store.ts';
import { temporalSettings } from '../temporal/connection.ts';
import { destinationClients } from '../worker/destination-clients.ts';
import { installRuntime } from '../worker/runtime.ts';
import { startWorkers } from '../worker/start.ts';
import { PAGES_PER_RUN, type EntryTotals } from '../workflows/scheduled-entries.ts';

const { values } = parseArgs({ options: { members: { type: 'string', default: '100000' } } });
const members = Number(values.members);

installRuntime('ERROR');
const env = await devServerEnvironment();
const config = loadConfig('flows.config.yaml').config;
const profiles = new FileProfileStore(mkdtempSync(join(tmpdir(), 'bench-scheduled-')));
const clients = await destinationClients(config, { mode: 'fake' });
const workers = await startWorkers({
  connection: env.nativeConnection,
  namespace: 'default',
  config,
  profiles,
  destinations: clients.clients,
});
const flow = checkFlow(
  'bench.yaml',
  'flow: bench-scheduled\ntrigger: { audience: vip, schedule: "mon 10:00" }\nsteps:\n  - wait: 1d\n  - exit\n',
  config,
).ir!;
const entries = await startEntries({
  settings: { ...temporalSettings({}), namespace: 'default' },
  connection: env.nativeConnection,
  client: env.client,
  deps: { client: env.client, profiles, config },
  flows: () => [flow],
  log: (line) => console.error(line),
});

const mb = (kb: number) => (kb / 1024).toFixed(0);
try {
  const seedStart = Date.now();
  for (let i = 0; i < members; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, members - i) }, (_, j) =>
        profiles.update(`member-${String(i + j).padStart(7, '0')}`, (p) => {
          p.audiences.push('vip');
        }),
      ),
    );
  }
  console.error(`seeded ${members} profiles in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);
  const rssBefore = process.resourceUsage().maxRSS;
  await entries.sync([flow]);
  const schedule = env.client.schedule.getHandle(scheduleId(flow.flow));
  const load = loadavg()[0]!.toFixed(1);
  const t0 = Date.now();
  await schedule.trigger();
  let action;
  while (!(action = (await schedule.describe()).info.recentActions[0])) await new Promise((r) => setTimeout(r, 200));
  const totals = (await env.client.workflow.getHandle(action.action.workflow.workflowId).result()) as EntryTotals;
  const seconds = (Date.now() - t0) / 1000;
  console.log(
    '| members | entered | time to enter all (s) | members/s | workflow runs (continue-as-new) | peak RSS before → after (MB) | load average (1 min) at start → end |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  console.log(
    `| ${members} | ${totals.started} | ${seconds.toFixed(0)} | ${(totals.started / seconds).toFixed(0)} | ${Math.ceil(totals.pages / PAGES_PER_RUN)} | ` +
      `${mb(rssBefore)} → ${mb(process.resourceUsage().maxRSS)} | ${load} → ${loadavg()[0]!.toFixed(1)} |`,
  );
} finally {
  await entries.close();
  await workers.shutdown();
  await clients.close();
  await env.teardown();
}
