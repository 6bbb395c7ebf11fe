import { mkdtempSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import { MAX_PAGE, type ProfileFilter, type ProfileStore } from '../../store/store.ts';
import { startPostgres } from '../helpers/postgres.ts';

let postgres: ReturnType<typeof startPostgres>;
let pgStore: PostgresProfileStore;
beforeAll(async () => {
  postgres = startPostgres(15561);
  pgStore = await PostgresProfileStore.open(postgres.url);
}, 60_000);
afterAll(async () => {
  await pgStore?.close();
  postgres?.stop();
});

const stores: Array<[string, () => ProfileStore]> = [
  ['embedded file store', () => new FileProfileStore(mkdtempSync(join(tmpdir(), 'paging-')))],
  ['PostgreSQL store', () => pgStore],
];

/** Every page of a scan, in order, as the entries workflow walks it. */
async function scan(store: ProfileStore, limit: number, filter?: ProfileFilter): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.pageProfiles({ limit, ...(after ? { after } : {}), ...(filter ? { filter } : {}) });
    pages++;
    ids.push(...page.profiles.map((p) => p.id));
    after = page.next;
  } while (after !== undefined);
  return { ids, pages };
}

describe.each(stores)('%s', (_name, make) => {
  it('pages every profile once with a keyset cursor, and only the members a filter asks for', async () => {
    const store = make();
    const prefix = `p${Math.random().toString(36).slice(2, 8)}-`;
    // Ids that sort differently as text and as numbers, one with a slash, one long enough to be hashed by the file store.
    const ids = [...Array.from({ length: 23 }, (_, i) => `${prefix}${i}`), `${prefix}a/b`, `${prefix}${'x'.repeat(300)}`];
    await Promise.all(
      ids.map((id, i) =>
        store.update(id, (p) => {
          p.attributes.n = i;
          if (i % 3 === 0) p.audiences.push('vip');
          if (i % 4 === 0) p.attributes.birthday = '1990-05-01';
        }),
      ),
    );
    const mine = (list: string[]) => list.filter((id) => id.startsWith(prefix));

    const all = await scan(store, 4);
    expect(mine(all.ids).sort()).toEqual([...ids].sort());
    expect(new Set(all.ids).size).toBe(all.ids.length); // none twice
    expect(all.pages).toBeGreaterThanOrEqual(Math.ceil(ids.length / 4));

    const vip = await scan(store, 4, { audience: 'vip' });
    expect(mine(vip.ids).sort()).toEqual(ids.filter((_, i) => i % 3 === 0).sort());
    const dated = await scan(store, 5, { has: ['attributes', 'birthday'] });
    expect(mine(dated.ids).sort()).toEqual(ids.filter((_, i) => i % 4 === 0).sort());

    // A scan resumes from a cursor: the pages after it are the rest of the scan.
    const first = await store.pageProfiles({ limit: 10 });
    const rest = await scan(store, 10_000);
    const resumed: string[] = [];
    for (let after = first.next; after !== undefined;) {
      const page = await store.pageProfiles({ limit: 7, after });
      resumed.push(...page.profiles.map((p) => p.id));
      after = page.next;
    }
    expect([...first.profiles.map((p) => p.id), ...resumed]).toEqual(rest.ids);
  });

  it('reads at most MAX_PAGE profiles per page, whatever the limit asks', async () => {
    const store = make();
    const page = await store.pageProfiles({ limit: 10 * MAX_PAGE });
    expect(page.profiles.length).toBeLessThanOrEqual(MAX_PAGE);
  });
});

it('PostgreSQL finds an audience among many profiles through its index, without reading the others', async () => {
  const db = new pg.Client({ connectionString: postgres.url });
  await db.connect();
  try {
    // 5,000 profiles, 50 of them in a rare audience.
    await db.query(
      `insert into flowline_profiles (user_id, profile)
       select 'bulk-' || lpad(i::text, 5, '0'), jsonb_build_object('audiences', case when i % 100 = 0 then '["rare"]'::jsonb else '["common"]'::jsonb end)
       from generate_series(1, 5000) i on conflict do nothing`,
    );
    await db.query('analyze flowline_profiles');
    const plan = await db.query(
      `explain (format json) select user_id, profile from flowline_profiles
       where profile->'audiences' @> '["rare"]'::jsonb and user_id > 'bulk-' order by user_id limit 500`,
    );
    expect(JSON.stringify(plan.rows)).toContain('flowline_profiles_by_audience');
  } finally {
    await db.end();
  }
  const rare = await scan(pgStore, 20, { audience: 'rare' });
  expect(rare.ids).toEqual(Array.from({ length: 50 }, (_, i) => `bulk-${String((i + 1) * 100).padStart(5, '0')}`));
  expect(rare.pages).toBe(3); // pages of matching profiles: 20, 20, 10
});
