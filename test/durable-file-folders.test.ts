import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { appendDurably, withFileLock, writeDurably } from '../profiles/durable-file.ts';

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
