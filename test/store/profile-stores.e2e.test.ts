import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { openProfileStore } from '../../store/open.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import type { ProfileStore } from '../../store/store.ts';
import { startPostgres } from '../helpers/postgres.ts';

let postgres: ReturnType<typeof startPostgres>;
let pgStore: PostgresProfileStore;
beforeAll(async () => {
  postgres = startPostgres(15499);
  pgStore = await PostgresProfileStore.open(postgres.url);
}, 60_000);
afterAll(async () => {
  await pgStore?.close();
  postgres?.stop();
});

const stores: Array<[string, () => ProfileStore]> = [
  ['embedded file store', () => new FileProfileStore(mkdtempSync(join(tmpdir(), 'store-')))],
  ['PostgreSQL store', () => pgStore],
];

describe.each(stores)('%s', (_name, make) => {
  it('returns an empty profile for an unknown user, and keeps what updates write', async () => {
    const store = make();
    const user = `u-${Math.random()}`;
    expect(await store.get(user)).toEqual({ id: user, attributes: {}, identities: {}, lists: [], audiences: [], vars: {} });
    await store.update(user, (p) => {
      p.attributes.tier = 'gold';
      p.identities.email = 'a@example.com';
      p.lists.push('vip');
    });
    expect(await store.get(user)).toMatchObject({ attributes: { tier: 'gold' }, identities: { email: 'a@example.com' }, lists: ['vip'] });
  });

  it('reads back a profile of any size up to the limit, multi-byte text included, whole', async () => {
    const store = make();
    const user = `u-${Math.random()}`;
    // 16 KB, 32 KB… chunks: sizes on both sides of each.
    const sizes = [16 * 1024 - 40, 16 * 1024 + 3, 48 * 1024, 150 * 1024];
    const attributes = Object.fromEntries(sizes.map((n, i) => [`a${i}`, 'é'.repeat(n / 2)]));
    await store.update(user, (p) => Object.assign(p.attributes, attributes));
    expect((await store.get(user)).attributes).toEqual(attributes);
  });

  it('serialises concurrent updates to one user: no increment is lost', async () => {
    const store = make();
    const user = `c-${Math.random()}`;
    await Promise.all(Array.from({ length: 25 }, () => store.update(user, (p) => void (p.vars.n = (Number(p.vars.n) || 0) + 1))));
    expect((await store.get(user)).vars.n).toBe(25);
  });

  it('records entries per flow and user, and delivery ids once seen', async () => {
    const store = make();
    const user = `e-${Math.random()}`;
    await store.recordEntry('welcome', user, 1000);
    await store.recordEntry('welcome', user, 2000);
    await store.recordEntry('other', user, 3000);
    expect(await store.entries('welcome', user)).toEqual([1000, 2000]);
    expect(await store.enteredAmong('welcome', [user, `never-${user}`])).toEqual(new Set([user]));
    expect(await store.enteredAmong('third', [user])).toEqual(new Set());
    const key = `batch:${Math.random()}`;
    expect(await store.seen(key)).toBe(false);
    await store.markSeen([key, key]);
    expect(await store.seen(key)).toBe(true);
  });

  it('answers which of many delivery ids were seen in one lookup, long ones (stored hashed) included', async () => {
    const store = make();
    const long = `event:${'x'.repeat(600)}:${Math.random()}`;
    const seen = [`s:${Math.random()}`, long];
    const unseen = [`u:${Math.random()}`, `event:${'y'.repeat(600)}`];
    await store.markSeen(seen);
    expect(await store.seenAmong([...unseen, ...seen])).toEqual(new Set(seen));
    expect(await store.seenAmong([])).toEqual(new Set());
  });

  it('answers for a whole entry page of members, as many as a page holds', async () => {
    const store = make();
    const run = Math.random();
    const members = Array.from({ length: 500 }, (_, i) => `page-${run}-${i}`);
    const entered = members.filter((_, i) => i % 7 === 3);
    for (const user of entered) await store.recordEntry('page-flow', user, 1000);
    await store.markSeen(entered.map((user) => `made:${user}`));
    expect(await store.enteredAmong('page-flow', members)).toEqual(new Set(entered));
    expect(await store.seenAmong(members.map((user) => `made:${user}`))).toEqual(new Set(entered.map((user) => `made:${user}`)));
  });

  it('writes nothing for an update that changes nothing', async () => {
    const store = make();
    const user = `n-${Math.random()}`;
    await store.update(user, (p) => void (p.attributes.tier = 'gold'));
    let calls = 0;
    const seenBy = await store.update(user, (p) => {
      calls++;
      p.attributes.tier = 'gold';
    });
    expect(calls).toBe(1);
    expect(seenBy.attributes).toEqual({ tier: 'gold' });
    // An unchanged profile is not rewritten: a concurrent reader never waits on it, and the file's time stays.
    if (store instanceof FileProfileStore) {
      const dir = (store as unknown as { dir: string }).dir;
      const file = join(dir, 'profiles', `${user.replace(/\./g, '%2E')}.json`);
      const before = statSync(file).mtimeMs;
      await new Promise((r) => setTimeout(r, 20));
      await store.update(user, (p) => void (p.attributes.tier = 'gold'));
      expect(statSync(file).mtimeMs).toBe(before);
    }
  });

  it("keeps a batch's pending record until it is removed", async () => {
    const store = make();
    const key = `batch:p-${Math.random()}`;
    expect(await store.pendingBatch(key)).toBeUndefined();
    const change = {
      id: 'b:attr:tier',
      name: 'user_attribute_change',
      type: 'user_attribute_change',
      timestamp: 1,
      attributes: {},
      attribute_name: 'tier',
      new: 'gold',
    };
    await store.savePendingBatch(key, { changes: [change] });
    expect(await store.pendingBatch(key)).toEqual({ changes: [change] });
    await store.savePendingBatch(key, undefined);
    expect(await store.pendingBatch(key)).toBeUndefined();
    await store.savePendingBatch(key, undefined); // removing twice is fine
  });

  it("indexes a user's running runs per flow: ids added and removed, other users and flows apart", async () => {
    const store = make();
    const user = `r-${Math.random()}`;
    expect(await store.runningRuns('f', user)).toEqual([]);
    expect(await store.changeRunningRuns('f', user, { add: ['flow/f/u/1', 'flow/f/u/2'] })).toEqual(['flow/f/u/1', 'flow/f/u/2']);
    await store.changeRunningRuns('g', user, { add: ['flow/g/u/1'] });
    await store.changeRunningRuns('f', `${user}-other`, { add: ['flow/f/x/1'] });
    expect(await store.changeRunningRuns('f', user, { add: ['flow/f/u/2'], remove: ['flow/f/u/1'] })).toEqual(['flow/f/u/2']);
    await Promise.all(['3', '4', '5'].map((i) => store.changeRunningRuns('f', user, { add: [`flow/f/u/${i}`] })));
    expect((await store.runningRuns('f', user)).sort()).toEqual(['flow/f/u/2', 'flow/f/u/3', 'flow/f/u/4', 'flow/f/u/5']);
    expect(await store.runningRuns('g', user)).toEqual(['flow/g/u/1']);
    await store.changeRunningRuns('g', user, { remove: ['flow/g/u/1'] });
    expect(await store.runningRuns('g', user)).toEqual([]);
  });

  it('reserves entries under the rule: a cap holds, a redelivered event keeps its own reservation, a release frees it', async () => {
    const store = make();
    const user = `r-${Math.random()}`;
    const rule = { reentry: 'always' as const, frequency: { max: 1, perMs: 60_000 } };
    expect(await store.reserveEntry('capped', user, { at: 1_000, eventId: 'a' }, rule)).toBe('reserved');
    expect(await store.reserveEntry('capped', user, { at: 1_001, eventId: 'b' }, rule)).toBe('frequency-cap');
    expect(await store.reserveEntry('capped', user, { at: 1_002, eventId: 'a' }, rule)).toBe('held'); // retried after a crash
    await store.releaseEntry('capped', user, 'a'); // Temporal did not take the start
    expect(await store.entries('capped', user)).toEqual([]);
    expect(await store.reserveEntry('capped', user, { at: 1_003, eventId: 'b' }, rule)).toBe('reserved');
    await store.confirmEntry('capped', user, 'b');
    await store.releaseEntry('capped', user, 'b'); // a confirmed entry is not released
    expect(await store.reserveEntry('capped', user, { at: 1_004, eventId: 'b' }, rule)).toBe('entered');
    expect(await store.reserveEntry('capped', user, { at: 70_000, eventId: 'c' }, rule)).toBe('reserved'); // the window has passed
    expect(await store.reserveEntry('once', user, { at: 1_000, eventId: 'a' }, { reentry: 'never' })).toBe('reserved');
    expect(await store.reserveEntry('once', user, { at: 9_000, eventId: 'z' }, { reentry: 'never' })).toBe('already-entered');
  });

  it('refuses a change that takes a profile over the attribute limits with a 413 naming the limit, and writes nothing', async () => {
    const store = make();
    const user = `l-${Math.random()}`;
    await store.update(user, (p) => void (p.attributes.kept = 'yes'));
    const many = store.update(user, (p) => {
      for (let i = 0; i < 1_001; i++) p.attributes[`a${i}`] = 'x';
    });
    const named = expect.stringMatching(/1002 attributes; the limit is 1000 per user: .*delete unused/);
    await expect(many).rejects.toMatchObject({ statusCode: 413, message: named });
    const huge = store.update(user, (p) => void (p.attributes.essay = 'x'.repeat(300_000)));
    await expect(huge).rejects.toMatchObject({ statusCode: 413, message: expect.stringMatching(/the limit is 262144 bytes per user/) });
    expect((await store.get(user)).attributes).toEqual({ kept: 'yes' });
    await store.update(user, (p) => void (p.attributes.also = 'fine')); // the user is not stuck
    expect((await store.get(user)).attributes).toEqual({ kept: 'yes', also: 'fine' });
  });
});

it('FLOWLINE_DATABASE_URL selects PostgreSQL, and a bad one is reported with the variable name', async () => {
  const store = await openProfileStore('/unused', { FLOWLINE_DATABASE_URL: postgres.url });
  expect(store).toBeInstanceOf(PostgresProfileStore);
  await (store as PostgresProfileStore).close();
  expect(await openProfileStore(mkdtempSync(join(tmpdir(), 'd-')), {})).toBeInstanceOf(FileProfileStore);
  await expect(openProfileStore('/unused', { FLOWLINE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
    /FLOWLINE_DATABASE_URL/,
  );
});
