import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { hashOf, SeenLog } from '../../store/seen-log.ts';

const T0 = Date.UTC(2026, 5, 1, 12);
const fresh = () => mkdtempSync(join(tmpdir(), 'seen-lookups-'));
// Two logs on one folder are two processes sharing it (ingest and a worker, two ingests).
const pair = (dir: string, now = () => T0) =>
  [new SeenLog(dir, now, (k) => `${k}.json`), new SeenLog(dir, now, (k) => `${k}.json`)] as const;

it('a key marked by one process is seen by another, each way, however often either looked before', async () => {
  const [a, b] = pair(fresh());
  for (let i = 0; i < 50; i++) {
    expect(await b.has(`batch:a-${i}`)).toBe(false);
    await a.add([`batch:a-${i}`]);
    expect(await b.has(`batch:a-${i}`)).toBe(true);
    expect(await a.has(`batch:b-${i}`)).toBe(false);
    await b.add([`batch:b-${i}`]);
    expect(await a.has(`batch:b-${i}`)).toBe(true);
  }
  expect(await a.has('batch:a-50')).toBe(false);
});

it('a key is seen only when it was marked: not another key with the same hash, not a line still being written', async () => {
  const dir = fresh();
  const [log] = pair(dir);
  // Two different keys whose lines share a hash (found by search: 31 bits collide among ~100,000 keys).
  const byHash = new Map<number, string>();
  let twins: [string, string] | undefined;
  for (let i = 0; !twins; i++) {
    const key = `batch:${i}`;
    const other = byHash.get(hashOf(JSON.stringify(key)));
    if (other !== undefined) twins = [other, key];
    else byHash.set(hashOf(JSON.stringify(key)), key);
  }
  await log.add(['batch:first']);
  const day = readdirSync(dir)[0]!;
  // Into every bucket's file, so each key's own is among them.
  const files = Array.from({ length: 256 }, (_, i) => `${i.toString(16).padStart(2, '0')}.log`);
  for (const f of files) appendFileSync(join(dir, day, f), `\n${JSON.stringify(twins[0])}\n`);
  expect(await log.has(twins[0])).toBe(true);
  expect(await log.has(twins[1])).toBe(false);

  // A line half written (or torn by a crash) counts when, and only when, it is whole.
  for (const f of files) appendFileSync(join(dir, day, f), '\n"batch:half');
  expect(await log.has('batch:half')).toBe(false);
  expect(await log.has('batch:first')).toBe(true);
  for (const f of files) appendFileSync(join(dir, day, f), '"\n');
  expect(await log.has('batch:half')).toBe(true);
  const [other] = pair(dir);
  expect(await other.has('batch:half')).toBe(true);
  // A torn line followed by later appends spoils only itself.
  for (const f of files) appendFileSync(join(dir, day, f), '\n"batch:torn');
  await log.add(['batch:after']);
  expect(await log.has('batch:after')).toBe(true);
  expect(await other.has('batch:after')).toBe(true);
  expect(await other.has('batch:torn')).toBe(false);
});

it("keys of earlier days are still seen, and a day's keys go on being found after the day changes", async () => {
  let clock = T0;
  const dir = fresh();
  const [a, b] = pair(dir, () => clock);
  await a.add(['batch:monday']);
  expect(await b.has('batch:monday')).toBe(true);
  clock += 86_400_000;
  await a.add(['batch:tuesday']);
  clock += 3 * 86_400_000;
  expect(await b.has('batch:monday')).toBe(true);
  expect(await b.has('batch:tuesday')).toBe(true);
  expect(await a.has('batch:monday')).toBe(true);
  expect(await b.has('batch:friday')).toBe(false);
});

it("today's folder removed by hand is made again by the next mark into a file this process had made", async () => {
  const dir = fresh();
  const [log] = pair(dir);
  await log.add(['batch:one', 'batch:two']);
  rmSync(join(dir, readdirSync(dir)[0]!), { recursive: true });
  expect(await log.has('batch:one')).toBe(false);
  await log.add(['batch:one']);
  expect(await log.has('batch:one')).toBe(true);
  expect(await log.has('batch:two')).toBe(false);
});
