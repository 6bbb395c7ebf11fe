import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Day } from './day-file.ts';
import { makeFolders } from './durable-file.ts';
import type { StepEvent } from './step-log.ts';

/**
 * A day file's counters saved beside it (`<day>.sum.json`): a cache, so a restarted process reads
 * only what was appended after the save. A missing or unreadable one is rebuilt from the log.
 * The layout's number goes up whenever what a day's counters hold changes (3: exits counted by
 * their reason), so a snapshot saved by an older Flowline is read again from the log.
 */
const SNAPSHOT_FORMAT = 3;

interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  offset: number;
  rollup: Array<[string, number, number]>;
  latest: Array<[string, StepEvent[]]>;
  runs: number[];
  users: number[];
}

/** A day's saved counters, or undefined when there are none to trust (missing, of another layout, ahead of the log). */
export async function loadSnapshot(file: string): Promise<Day | undefined> {
  try {
    const saved = JSON.parse(await readFile(`${file.slice(0, -4)}.sum.json`, 'utf8')) as Snapshot;
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (saved.format !== SNAPSHOT_FORMAT) return undefined; // saved by an older Flowline: rebuild
    if (saved.offset > size) return undefined; // the log lost data the save had seen: rebuild
    return {
      file,
      offset: saved.offset,
      snapshotAt: saved.offset,
      rollup: new Map(saved.rollup.map(([key, n, value]) => [key, { n, value }])),
      latest: new Map(saved.latest),
      runs: new Set(saved.runs),
      users: new Set(saved.users),
    };
  } catch {
    return undefined;
  }
}

/** Saves a day's counters beside its log, as read so far. */
export async function saveSnapshot(day: Day): Promise<void> {
  const target = `${day.file.slice(0, -4)}.sum.json`;
  const temp = `${target}.${process.pid}.tmp`;
  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    offset: day.offset,
    rollup: [...day.rollup].map(([key, { n, value }]) => [key, n, value]),
    latest: [...day.latest],
    runs: [...day.runs],
    users: [...day.users],
  };
  // A cache, not synced: after a crash it is older than the log (then the rest is read) or missing (then rebuilt).
  await makeFolders(join(day.file, '..'));
  await writeFile(temp, JSON.stringify(snapshot));
  await rename(temp, target);
  day.snapshotAt = day.offset;
}
