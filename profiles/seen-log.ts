import { createHash } from 'node:crypto';
import { access, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { appendDurably, makeFolders, syncFolder } from './durable-file.ts';

/** Keys are spread over this many files per day, so a lookup reads a small share of a day's keys. */
const BUCKETS = 256;
const DAY_FOLDER = /^\d{4}-\d\d-\d\d$/;

const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
const bucketOf = (key: string): string => (createHash('sha256').update(key).digest()[0]! % BUCKETS).toString(16).padStart(2, '0');
// One JSON string per line; each append starts on a fresh line, so a line torn by a crash
// spoils only itself.
const line = (key: string): string => `\n${JSON.stringify(key)}\n`;

/**
 * The file store's de-duplication records: per day (UTC) a folder, in it one append-only file per
 * hash bucket holding that day's keys, one per line. Marking a batch's keys touches at most
 * BUCKETS files however many keys it has; retention deletes whole day folders. Files named
 * `<key>.json` directly in the folder are the earlier one-file-per-key layout, still honoured.
 */
export class SeenLog {
  /** Earlier days' folders, listed at most once a minute: only today's folder gains keys (see days). */
  private earlier?: { at: number; days: string[] };
  /** Whether the folder holds earlier-layout files at all: none are written any more, so once none, never. */
  private legacy?: Promise<boolean>;
  /** Day folders this process made sure exist. */
  private readonly made = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
    private readonly legacyName: (key: string) => string,
  ) {}

  async has(key: string): Promise<boolean> {
    const bucket = `${bucketOf(key)}.log`;
    const wanted = line(key);
    for (const day of (await this.days()).reverse()) {
      const text = await readFile(join(this.dir, day, bucket), 'utf8').catch(ifMissing(''));
      if (text.includes(wanted)) return true;
    }
    if (!(await (this.legacy ??= this.hasLegacyFiles()))) return false;
    return access(join(this.dir, this.legacyName(key))).then(() => true, ifMissing(false));
  }

  async add(keys: readonly string[]): Promise<void> {
    const day = join(this.dir, dayOf(this.now()));
    const byBucket = new Map<string, string[]>();
    for (const key of new Set(keys)) byBucket.set(bucketOf(key), [...(byBucket.get(bucketOf(key)) ?? []), line(key)]);
    if (!this.made.has(day)) {
      await makeFolders(day);
      this.made.add(day);
    }
    await Promise.all(
      [...byBucket].map(([bucket, lines]) => appendDurably(join(day, `${bucket}.log`), lines.join(''), { folderExists: true })),
    );
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
    this.made.clear();
    return removed;
  }

  /** The day folders to look in, oldest first: today's always (another process may have just made it), the earlier ones as listed. */
  private async days(): Promise<string[]> {
    const today = dayOf(this.now());
    if (!this.earlier || this.earlier.at < this.now() - 60_000 || this.earlier.days.some((d) => d >= today)) {
      const all = (await readdir(this.dir).catch(ifMissing([] as string[]))).filter((d) => DAY_FOLDER.test(d)).sort();
      this.earlier = { at: this.now(), days: all.filter((d) => d < today) };
    }
    return [...this.earlier.days, today];
  }

  private async hasLegacyFiles(): Promise<boolean> {
    return (await readdir(this.dir).catch(ifMissing([] as string[]))).some((name) => name.endsWith('.json'));
  }
}

/** A catch handler: a missing file or folder gives `value`, any other error propagates. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
}
