import { createHash } from 'node:crypto';
import { access, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { appendDurably, syncFolder } from './durable-file.ts';
import { IntSet } from './int-set.ts';

/** Keys are spread over this many files per day, so a lookup reads a small share of a day's keys. */
const BUCKETS = 256;
const DAY_FOLDER = /^\d{4}-\d\d-\d\d$/;
/**
 * A day gains keys while some writer's clock is in it: past its end by at most this (clocks of one
 * deployment agree far better). Later its files are read on at most every CLOSED_DAY_REREAD_MS, so
 * a key from a writer further behind is seen within that, and a lookup spends no stat on the day.
 */
const CLOCK_SKEW_MS = 10 * 60_000;
const CLOSED_DAY_REREAD_MS = 60_000;

const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
const bucketOf = (key: string): string => (createHash('sha256').update(key).digest()[0]! % BUCKETS).toString(16).padStart(2, '0');
// One JSON string per line; each append starts on a fresh line, so a line torn by a crash
// spoils only itself.
const line = (key: string): string => `\n${JSON.stringify(key)}\n`;

/** What this process has read of one bucket file: up to `offset`, the hashes of the keys there. */
interface BucketRead {
  offset: number;
  hashes: IntSet;
  /** When it was last read on (performance.now()). */
  readAt: number;
  /** The last read of it asked for: reads go one at a time, each started after its lookup began. */
  turn?: Promise<void>;
}

/**
 * The file store's de-duplication records: per day (UTC) a folder, in it one append-only file per
 * hash bucket holding that day's keys, one per line. Marking a batch's keys touches at most
 * BUCKETS files however many keys it has; retention deletes whole day folders. Files named
 * `<key>.json` directly in the folder are the earlier one-file-per-key layout, still honoured.
 *
 * A lookup does not read the files whole: the process keeps, per file, a 31-bit hash of each
 * line it has read and where it stopped, and reads only what was appended since (by any process).
 * A hash found is confirmed in the file itself (a redelivery, or one lookup in millions that
 * shares a hash), so a key is never taken for another. Memory: a hash per key in the retention.
 * Appends go through appendDurably (durable-file.ts), which makes a removed folder again.
 */
export class SeenLog {
  /** Earlier days' folders, listed at most once a minute: only today's folder gains keys (see days). */
  private earlier?: { at: number; days: string[] };
  /** Whether the folder holds earlier-layout files at all: none are written any more, so once none, never. */
  private legacy?: Promise<boolean>;
  private readonly reads = new Map<string, BucketRead>();

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
    private readonly legacyName: (key: string) => string,
  ) {}

  async has(key: string): Promise<boolean> {
    const bucket = bucketOf(key);
    const wanted = line(key);
    // The hash of the line as readNew sees it: without the newlines around it.
    const hash = hashOf(wanted.slice(1, -1));
    const liveFrom = dayOf(this.now() - CLOCK_SKEW_MS);
    for (const day of (await this.days()).reverse()) {
      const file = join(this.dir, day, `${bucket}.log`);
      const read = await this.readOn(file, day >= liveFrom);
      if (read.hashes.has(hash) && (await readFile(file, 'utf8').catch(ifMissing(''))).includes(wanted)) return true;
    }
    if (!(await (this.legacy ??= this.hasLegacyFiles()))) return false;
    return access(join(this.dir, this.legacyName(key))).then(() => true, ifMissing(false));
  }

  async add(keys: readonly string[]): Promise<void> {
    const day = dayOf(this.now());
    const byBucket = new Map<string, string[]>();
    for (const key of new Set(keys)) {
      const bucket = bucketOf(key);
      const lines = byBucket.get(bucket);
      if (lines) lines.push(line(key));
      else byBucket.set(bucket, [line(key)]);
    }
    await Promise.all([...byBucket].map(([bucket, lines]) => appendDurably(join(this.dir, day, `${bucket}.log`), lines.join(''))));
  }

  /** Deletes the days wholly before `before` (and earlier-layout files older than it); returns the keys removed. */
  async sweep(before: number): Promise<number> {
    const cutoff = dayOf(before);
    let removed = 0;
    for (const day of await this.days()) {
      if (day >= cutoff) continue;
      for (const file of await readdir(join(this.dir, day)).catch(ifMissing([] as string[]))) {
        const text = await readFile(join(this.dir, day, file), 'utf8').catch(ifMissing(''));
        removed += text.split('\n').filter((l) => l !== '').length;
      }
      await rm(join(this.dir, day), { recursive: true, force: true });
    }
    for (const name of await readdir(this.dir).catch(ifMissing([] as string[]))) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      const info = await stat(file).catch(ifMissing(undefined));
      if (info && info.mtimeMs < before) removed += await unlink(file).then(() => 1, ifMissing(0));
    }
    if (removed > 0) await syncFolder(this.dir);
    this.earlier = undefined;
    return removed;
  }

  /** The day folders to look in, oldest first: today's always (another process may have just made it), the earlier ones as listed. */
  private async days(): Promise<string[]> {
    const today = dayOf(this.now());
    if (!this.earlier || this.earlier.at < this.now() - 60_000 || this.earlier.days.some((d) => d >= today)) {
      const all = (await readdir(this.dir).catch(ifMissing([] as string[]))).filter((d) => DAY_FOLDER.test(d)).sort();
      this.earlier = { at: this.now(), days: all.filter((d) => d < today) };
      // What was read of days swept since (here or by another process) is of no more use.
      const kept = new Set([...this.earlier.days, today]);
      for (const file of this.reads.keys()) if (!kept.has(basename(dirname(file)))) this.reads.delete(file);
    }
    return [...this.earlier.days, today];
  }

  /** A bucket file as read on to its end now: one read at a time per file, each after the lookup asked. */
  private async readOn(file: string, live: boolean): Promise<BucketRead> {
    let read = this.reads.get(file);
    if (!read) this.reads.set(file, (read = { offset: 0, hashes: new IntSet(), readAt: -Infinity }));
    if (!live && performance.now() - read.readAt < CLOSED_DAY_REREAD_MS) return read;
    const turn = (read.turn ?? Promise.resolve()).then(() => this.readNew(file, read));
    read.turn = turn.catch(() => undefined);
    await turn;
    return read;
  }

  private async readNew(file: string, read: BucketRead): Promise<void> {
    read.readAt = performance.now();
    // A stat says whether there is anything new before the file is opened.
    const size = (await stat(file).catch(ifMissing(undefined)))?.size;
    if (size === undefined || size === read.offset) return;
    const handle = await open(file, 'r').catch(ifMissing(undefined));
    if (!handle) return;
    try {
      if (size < read.offset) {
        // Shorter than read: replaced (a restore, a hand edit). Read it from the start.
        read.offset = 0;
        read.hashes.clear();
      }
      const buffer = Buffer.alloc(size - read.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, read.offset);
      // Whole lines only: a line being written (or torn by a crash) does not end in a newline yet.
      const end = buffer.lastIndexOf(10, bytesRead - 1);
      if (end < 0) return;
      for (const text of buffer.toString('utf8', 0, end).split('\n')) if (text !== '') read.hashes.add(hashOf(text));
      read.offset += end + 1;
    } finally {
      await handle.close();
    }
  }

  private async hasLegacyFiles(): Promise<boolean> {
    return (await readdir(this.dir).catch(ifMissing([] as string[]))).some((name) => name.endsWith('.json'));
  }
}

/** FNV-1a of a line's text, 31 bits (a small integer in V8): a filter, confirmed in the file on a match. */
export function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 1;
}

/** A catch handler: a missing file or folder gives `value`, any other error propagates. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
}
