import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { appendDurably, openForAppend, withFileLock, writeDurably } from '../../store/durable-file.ts';

// Writers remember the folders they made (one call fewer per write); a folder removed since (a
// retention sweep, an operator) is made again, and the write still lands.
it('appends, replaces and locks in a folder that was removed after this process made it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-folders-'));
  const folder = join(dir, 'day', 'bucket');
  const log = join(folder, 'a.log');
  expect(await appendDurably(log, 'one\n')).toBe(4);
  expect(await appendDurably(log, 'two\n')).toBe(8);
  rmSync(join(dir, 'day'), { recursive: true });
  expect(await appendDurably(log, 'three\n')).toBe(6);
  expect(readFileSync(log, 'utf8')).toBe('three\n');

  const file = join(dir, 'other', 'p.json');
  await writeDurably(file, '{"a":1}');
  rmSync(join(dir, 'other'), { recursive: true });
  await withFileLock(file, () => writeDurably(file, '{"a":2}'));
  expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
});

// The step log locks without making the folder (it knows it) and appends through one open that
// also gives the size: a removed folder is made again, and a held lock is still waited for.
it('locks in a known folder that was removed, waits for a held lock, and appends through one open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-known-'));
  const file = join(dir, 'flow', 'day.log');
  const appendOnce = (text: string) =>
    withFileLock(
      file,
      async () => {
        const out = await openForAppend(file);
        try {
          const before = out.size;
          return [before, await out.append(text)];
        } finally {
          await out.close();
        }
      },
      { folderKnown: true },
    );
  expect(await appendOnce('one\n')).toEqual([0, 4]);
  expect(await appendOnce('two\n')).toEqual([4, 8]);
  rmSync(join(dir, 'flow'), { recursive: true });
  expect(await appendOnce('three\n')).toEqual([0, 6]);

  const order: string[] = [];
  let letGo!: () => void;
  const held = withFileLock(file, () => {
    order.push('held');
    return new Promise<void>((resolve) => (letGo = resolve));
  });
  while (order.length === 0) await new Promise((r) => setTimeout(r, 5));
  const waiting = appendOnce('four\n').then((sizes) => (order.push('appended'), sizes));
  await new Promise((r) => setTimeout(r, 50));
  order.push('released');
  letGo();
  await held;
  expect(await waiting).toEqual([6, 11]);
  expect(order).toEqual(['held', 'released', 'appended']);
  expect(readFileSync(file, 'utf8')).toBe('three\nfour\n');
});
