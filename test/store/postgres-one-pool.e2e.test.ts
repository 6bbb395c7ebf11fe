import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openProfileStore, openStepLog } from '../../store/open.ts';
import { startPostgres } from '../helpers/postgres.ts';

// Every process opens the profile store and the step log on FLOWLINE_DATABASE_URL: PostgreSQL
// counts their connections against its limit, so they share one pool (at most 10 connections).
let postgres: ReturnType<typeof startPostgres>;
beforeAll(() => {
  postgres = startPostgres(15491);
}, 60_000);
afterAll(() => postgres?.stop());

const connections = async (): Promise<number> => {
  const probe = new pg.Client({ connectionString: postgres.url });
  await probe.connect();
  try {
    const { rows } = await probe.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return Number(rows[0]!.n);
  } finally {
    await probe.end();
  }
};

it('the profile store and the step log of one process hold one pool of connections between them', async () => {
  const env = { FLOWLINE_DATABASE_URL: postgres.url };
  const profiles = await openProfileStore('unused', env);
  const log = await openStepLog('unused', env);
  // Enough at once to fill two pools of 10 were there two.
  const busy = Array.from({ length: 40 }, (_, i) =>
    i % 2 ? profiles.update(`pool-user-${i}`, (p) => void (p.attributes.n = i)) : log.numbers('no-such-flow'),
  );
  const during = connections();
  await Promise.all(busy);
  expect(await during).toBeLessThanOrEqual(10);
  // Closing one leaves the other working on the pool they share; closing both ends it.
  await log.close?.();
  expect((await profiles.get('pool-user-1')).attributes.n).toBe(1);
  await profiles.close?.();
  await new Promise((r) => setTimeout(r, 200));
  expect(await connections()).toBe(0);
}, 60_000);
