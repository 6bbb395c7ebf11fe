import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { syncSchedules } from '../../ingest/schedules.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev');
}, 180_000);
afterAll(async () => h?.close());

it('flows status shows when each scheduled flow is entered next, from its Temporal Schedule', async () => {
  const dir = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), {
    'vip.yaml': 'flow: vip-monday\ntrigger: { audience: vip, schedule: "mon 10:00" }\nsteps:\n  - wait: 1d\n',
    'signup.yaml': 'flow: signup-hello\ntrigger: { event: sign_up }\nsteps:\n  - wait: 1h\n',
  });
  const status = async () => {
    let out = '';
    process.env.TEMPORAL_ADDRESS = h.env.address;
    expect(await main(['status'], { cwd: dir, out: (t) => (out += t), err: (t) => (out += t) })).toBe(0);
    return out;
  };
  expect(await status()).toMatch(/^FLOW +STATUS +WINDOW +RUNNING +NEXT ENTRY\n/);
  expect(await status()).toMatch(/\nvip-monday +active +0 +no schedule yet \(an ingest process makes it\)\n/);

  const project = checkProject({ cwd: dir });
  await syncSchedules(h.env.client, project.flows, project.config);
  const row = /\nvip-monday +active +0 +(\S+)\n/.exec(await status());
  const next = new Date(row?.[1] ?? '');
  expect(next.getTime()).toBeGreaterThan(Date.now());
  expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
  expect(await status()).toMatch(/\nsignup-hello +active +0 *\n/); // an event flow has no next entry
});
