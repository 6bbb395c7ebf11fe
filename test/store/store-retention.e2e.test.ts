import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import { DEFAULT_SEEN_RETENTION_MS, seenRetention, startSweeper } from '../../store/retention.ts';
import type { ProfileStore } from '../../store/store.ts';
import { startPostgres } from '../helpers/postgres.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12);
// The stores' clock for marking keys seen; each test sets it.
let clock = T0;
const now = () => clock;

let postgres: ReturnType<typeof startPostgres>;
let pgStore: PostgresProfileStore;
beforeAll(async () => {
  postgres = startPostgres(15497);
  pgStore = await PostgresProfileStore.open(postgres.url, { now });
}, 60_000);
afterAll(async () => {
  await pgStore?.close();
  postgres?.stop();
});

const stores: Array<[string, () => ProfileStore]> = [
  ['embedded file store', () => new FileProfileStore(mkdtempSync(join(tmpdir(), 'retention-')), { now })],
  ['PostgreSQL store', () => pgStore],
];

describe.each(stores)('%s', (_name, make) => {
  it('forgets de-duplication records past the retention, and keeps the recent ones', async () => {
    const store = make();
    const id = Math.random();
    clock = T0;
    await store.markSeen([`old:${id}`]);
    clock = T0 + 6 * DAY;
    await store.markSeen([`recent:${id}`]);
    clock = T0 + 8 * DAY;
    const removed = await store.sweep({ seenBefore: clock - DEFAULT_SEEN_RETENTION_MS, now: clock });
    expect(removed.seen).toBeGreaterThanOrEqual(1);
    expect(await store.seen(`old:${id}`)).toBe(false);
    expect(await store.seen(`recent:${id}`)).toBe(true);
  });

  it('deletes frequency entries once their window (30 days at least) has passed, and keeps never entries forever', async () => {
    const store = make();
    const user = `u-${Math.random()}`;
    const weekly = { reentry: 'always' as const, frequency: { max: 1, perMs: 7 * DAY } };
    expect(await store.reserveEntry('weekly', user, { at: T0, eventId: 'w1' }, weekly)).toBe('reserved');
    await store.confirmEntry('weekly', user, 'w1');
    expect(await store.reserveEntry('once', user, { at: T0, eventId: 'o1' }, { reentry: 'never' })).toBe('reserved');
    await store.confirmEntry('once', user, 'o1');

    await store.sweep({ seenBefore: 0, now: T0 + 20 * DAY }); // inside the 30-day floor: kept
    expect(await store.entries('weekly', user)).toEqual([T0]);
    const later = T0 + 400 * DAY;
    expect((await store.sweep({ seenBefore: 0, now: later })).entries).toBeGreaterThanOrEqual(1);
    expect(await store.entries('weekly', user)).toEqual([]);
    expect(await store.entries('once', user)).toEqual([T0]);
    expect(await store.reserveEntry('once', user, { at: later, eventId: 'o2' }, { reentry: 'never' })).toBe('already-entered');
  });
});

it('the file store keeps a request of 12,001 event ids in a bounded number of files, and recognises each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'seen-count-'));
  const store = new FileProfileStore(dir, { now });
  clock = T0;
  const keys = Array.from({ length: 12_001 }, (_, i) => `event:cust-1001:msg-${i}`);
  await store.markSeen(keys);
  const files = readdirSync(join(dir, 'seen'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  expect(files.length).toBeLessThanOrEqual(256);
  for (const key of [keys[0]!, keys[6_000]!, keys[12_000]!]) expect(await store.seen(key)).toBe(true);
  expect(await store.seen('event:cust-1001:msg-12001')).toBe(false);
  expect(await store.seen('event:cust-1001:msg-1')).toBe(true);
  expect(await store.seen('event:cust-1001:msg-')).toBe(false);
});

it('the sweeper runs at start and on its interval, and FLOWLINE_SEEN_RETENTION is read with a clear error', async () => {
  const store = new FileProfileStore(mkdtempSync(join(tmpdir(), 'sweeper-')), { now });
  clock = T0;
  await store.markSeen(['batch:stale']);
  const lines: string[] = [];
  const sweeper = startSweeper(store, { retentionMs: 2 * DAY, now: () => T0 + 3 * DAY, log: (l) => lines.push(l) });
  await sweeper.first;
  await sweeper.stop();
  expect(await store.seen('batch:stale')).toBe(false);
  expect(lines).toEqual(['profile store: swept 1 de-duplication records older than 2d and 0 expired entry records']);

  expect(seenRetention({})).toBe(7 * DAY);
  expect(seenRetention({ FLOWLINE_SEEN_RETENTION: '2w' })).toBe(14 * DAY);
  expect(() => seenRetention({ FLOWLINE_SEEN_RETENTION: '5 days' })).toThrow(
    /FLOWLINE_SEEN_RETENTION="5 days" is not a duration of at least 1d: .*7d/,
  );
  expect(() => seenRetention({ FLOWLINE_SEEN_RETENTION: '2h' })).toThrow(/at least 1d/);
});
