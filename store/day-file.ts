import { open } from 'node:fs/promises';
import type { StepEvent } from './step-log.ts';
import { hourOf, rollupBranch } from './step-rollup.ts';

// One day file of a flow's step log (store/file-step-log.ts): reading its lines, and folding its
// events into what a process keeps in memory about the day.

/** Events kept in memory per day, version, step and outcome for `latest()`; a larger limit reads the day files. */
export const LATEST_KEEP = 20;

/** Events and the sum of their values (conversions have values; other events count 0). */
interface Count {
  n: number;
  value: number;
}

/** What the process knows about one day file of one flow: everything up to `offset` is folded in. */
export interface Day {
  file: string;
  offset: number;
  snapshotAt: number;
  /** `${version}\t${step}\t${outcome}\t${branch}\t${goal}\t${hour}` → count and value. */
  rollup: Map<string, Count>;
  /** `${version}\t${step}\t${outcome}` → newest last. */
  latest: Map<string, StepEvent[]>;
  /** Hashes of the workflow ids with events in this day (for `run()`; a collision only costs a needless read). */
  runs: Set<number>;
  /** Hashes of the user ids with events in this day (for `userRuns()`, likewise). */
  users: Set<number>;
  /** Every event id in the day; only while this process writes the day. */
  ids?: Set<string>;
}

/** Adds one event to what the process knows of its day. */
export function fold(day: Day, e: StepEvent): void {
  const key = `${e.version}\t${e.step}\t${e.outcome}\t${rollupBranch(e)}\t${e.goal ?? ''}\t${hourOf(e.at)}`;
  const count = day.rollup.get(key);
  if (count) {
    count.n += 1;
    count.value += e.value ?? 0;
  } else day.rollup.set(key, { n: 1, value: e.value ?? 0 });
  const latestKey = `${e.version}\t${e.step}\t${e.outcome}`;
  const list = day.latest.get(latestKey) ?? [];
  list.push(e);
  if (list.length > LATEST_KEEP) list.shift();
  day.latest.set(latestKey, list);
  day.runs.add(runHash(e.workflowId));
  day.users.add(runHash(e.userId));
  day.ids?.add(e.id);
}

/** FNV-1a, cut to 30 bits: small integers, which a Set holds without boxing. */
export function runHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

function parseEvent(line: string): StepEvent | undefined {
  if (line === '') return undefined;
  try {
    const e = JSON.parse(line) as StepEvent;
    return typeof e?.id === 'string' ? e : undefined;
  } catch {
    return undefined; // a line torn by a crash mid-append: the record never returned, so its run records it again
  }
}

/** Read at most this much at once: a day file may be larger than a string can be. */
const CHUNK = 16 << 20;

/** Complete lines from `from` up to `size`: a line still being appended (no newline yet) is left for the next read. */
export async function readNew(
  file: string,
  from: number,
  size: number,
  keep?: (line: string) => boolean,
): Promise<{ events: StepEvent[]; end: number }> {
  const handle = await open(file, 'r');
  const events: StepEvent[] = [];
  let end = from;
  try {
    while (end < size) {
      const buffer = Buffer.alloc(Math.min(CHUNK, size - end));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, end);
      const last = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (last < 0) {
        if (bytesRead < CHUNK) break;
        throw new Error(`step log: ${file} has a line longer than ${CHUNK} bytes at byte ${end}; it is not a step log`);
      }
      for (const line of buffer.toString('utf8', 0, last).split('\n')) {
        const e = keep && !keep(line) ? undefined : parseEvent(line);
        if (e) events.push(e);
      }
      end += last + 1;
    }
    return { events, end };
  } finally {
    await handle.close();
  }
}

export const readLines = async (file: string, from: number, to: number): Promise<StepEvent[]> => (await readNew(file, from, to)).events;
