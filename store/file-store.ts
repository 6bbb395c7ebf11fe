import { createHash } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { makeFolders, syncFolder, withFileLock, writeDurably } from './durable-file.ts';
import { decideEntry, reservationRecord, type EntryRecord, type EntryRule, type Reservation } from './entry-records.ts';
import { applyWithinLimits } from './limits.ts';
import { SeenLog } from './seen-log.ts';
import { claimCutoff, decideClaim, type ClaimAnswer, type ClaimRecord, type SendCap, type SendClaim } from './send-claims.ts';
import { emptyProfile, matchesFilter, pageSize } from './store.ts';
import type { PageQuery, PendingBatch, Profile, ProfilePage, ProfileStore, SweepCutoffs, SweepResult } from './store.ts';
import { KeyQueue } from './key-queue.ts';

/** How long a listing of the profile folder serves pages (profiles added meanwhile wait for the next listing). */
const LISTING_TTL_MS = 10_000;

/** The newest entries kept per user and flow, beyond what the rules need (a frequency cap's max may be more). */
const ENTRY_HISTORY = 200;
// Files read at once by a lookup over many keys: an entry page asks about 500 members at a time.
const FILES_AT_ONCE = 32;

export interface FileStoreOptions {
  /** The clock for de-duplication records (tests move it). */
  now?: () => number;
}

type Loaded<T> = { value: T | undefined; corrupt?: true };

/**
 * The embedded store: one JSON file per user under a folder. Each write is durable (temp file,
 * fsync, rename, fsync of the folder); each read-modify-write of a user holds a lock that other
 * processes on the folder respect, so `flows ingest` and `flows worker` may share it. A file
 * that cannot be parsed (a crash on a filesystem that lost the data, a hand edit) is moved to
 * `quarantine/` with a log line, and the store goes on as if it were missing.
 */
export class FileProfileStore implements ProfileStore {
  private readonly queue = new KeyQueue();
  private readonly seenLog: SeenLog;
  private listing?: { at: number; names: string[] };

  constructor(
    private readonly dir: string,
    options: FileStoreOptions = {},
  ) {
    this.seenLog = new SeenLog(join(dir, 'seen'), options.now ?? Date.now, (key) => `${encode(key)}.json`);
  }

  async get(userId: string): Promise<Profile> {
    const file = this.path('profiles', userId);
    const loaded = await this.load(file, asProfile(userId));
    const value = loaded.corrupt ? await this.locked(file, () => this.loadOrQuarantine(file, asProfile(userId))) : loaded.value;
    return value ?? emptyProfile(userId);
  }

  update(userId: string, change: (profile: Profile) => void): Promise<Profile> {
    const file = this.path('profiles', userId);
    return this.locked(file, async () => {
      const profile = (await this.loadOrQuarantine(file, asProfile(userId))) ?? emptyProfile(userId);
      const text = applyWithinLimits(profile, change);
      if (text !== undefined) await writeDurably(file, text);
      return profile;
    });
  }

  async entries(flowId: string, userId: string): Promise<number[]> {
    const file = this.entryPath(flowId, userId);
    const loaded = await this.load(file, asEntries);
    const records = loaded.corrupt ? await this.locked(file, () => this.loadOrQuarantine(file, asEntries)) : loaded.value;
    return (records ?? []).map((r) => r.at).sort((a, b) => a - b);
  }

  enteredAmong(flowId: string, userIds: readonly string[]): Promise<Set<string>> {
    return filesAmong(userIds, async (u) => (await this.entries(flowId, u)).length > 0);
  }

  async recordEntry(flowId: string, userId: string, at: number): Promise<void> {
    await this.changeEntries(flowId, userId, (records) => [...records, { at }]);
  }

  async reserveEntry(flowId: string, userId: string, entry: { at: number; eventId: string }, rule: EntryRule): Promise<Reservation> {
    let verdict: Reservation = 'reserved';
    await this.changeEntries(flowId, userId, (records) => {
      const live = records.filter((r) => r.until === undefined || r.until >= entry.at);
      verdict = decideEntry(live, rule, entry.at, entry.eventId);
      if (verdict !== 'reserved') return undefined;
      return [...live, reservationRecord(rule, entry.at, entry.eventId)].slice(-Math.max(ENTRY_HISTORY, rule.frequency?.max ?? 0));
    });
    return verdict;
  }

  async confirmEntry(flowId: string, userId: string, eventId: string): Promise<void> {
    await this.changeEntries(flowId, userId, (records) =>
      records.some((r) => r.event === eventId && r.pending) ? records.map((r) => (r.event === eventId ? withoutPending(r) : r)) : undefined,
    );
  }

  async releaseEntry(flowId: string, userId: string, eventId: string): Promise<void> {
    await this.changeEntries(flowId, userId, (records) =>
      records.some((r) => r.event === eventId && r.pending) ? records.filter((r) => !(r.event === eventId && r.pending)) : undefined,
    );
  }

  claimSend(userId: string, claim: SendClaim, caps: readonly SendCap[]): Promise<ClaimAnswer> {
    const file = this.path(join('claims', encode(claim.channel)), userId);
    return this.locked(file, async () => {
      const cutoff = claimCutoff(caps, claim.at);
      const records = ((await this.loadOrQuarantine(file, asClaims)) ?? []).filter((r) => r.at > cutoff);
      const answer = decideClaim(records, caps, claim);
      if (answer.allowed && !records.some((r) => r.id === claim.id)) {
        await writeDurably(file, JSON.stringify([...records, { id: claim.id, at: claim.at }]));
      }
      return answer;
    });
  }

  seen(key: string): Promise<boolean> {
    return this.seenLog.has(key);
  }

  seenAmong(keys: readonly string[]): Promise<Set<string>> {
    return filesAmong(keys, (k) => this.seenLog.has(k));
  }

  markSeen(keys: readonly string[]): Promise<void> {
    return this.seenLog.add(keys);
  }

  async pendingBatch(key: string): Promise<PendingBatch | undefined> {
    const loaded = await this.load(this.pendingPath(key), asPending);
    return loaded.value; // a torn record (a crash while writing it) reads as none: the batch is redone from the profile
  }

  async savePendingBatch(key: string, pending: PendingBatch | undefined): Promise<void> {
    const file = this.pendingPath(key);
    if (pending) return writeDurably(file, JSON.stringify(pending));
    // Not synced: a removal lost in a crash leaves a record only a batch already marked seen names.
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async runningRuns(flowId: string, userId: string): Promise<string[]> {
    const file = this.runningPath(flowId, userId);
    const loaded = await this.load(file, asIds);
    return (loaded.corrupt ? await this.locked(file, () => this.loadOrQuarantine(file, asIds)) : loaded.value) ?? [];
  }

  changeRunningRuns(flowId: string, userId: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<string[]> {
    const file = this.runningPath(flowId, userId);
    return this.locked(file, async () => {
      const before = (await this.loadOrQuarantine(file, asIds)) ?? [];
      const removed = new Set(change.remove ?? []);
      const after = [...new Set([...before, ...(change.add ?? [])])].filter((id) => !removed.has(id));
      if (after.length === before.length && after.every((id, i) => id === before[i])) return after;
      if (after.length > 0) await writeDurably(file, JSON.stringify(after));
      else await unlink(file);
      return after;
    });
  }

  async pageProfiles(query: PageQuery): Promise<ProfilePage> {
    const names = await this.profileNames();
    // Keyset: the first name after the cursor, found by binary search in the sorted listing.
    let lo = 0;
    let hi = names.length;
    while (query.after !== undefined && lo < hi) {
      const mid = (lo + hi) >> 1;
      if (names[mid]! <= query.after) lo = mid + 1;
      else hi = mid;
    }
    const slice = names.slice(lo, lo + pageSize(query));
    const read = await Promise.all(
      slice.map(async (name) => {
        const file = join(this.dir, 'profiles', `${name}.json`);
        const raw = await this.load(file, (v) => (isRecord(v) && typeof v.id === 'string' ? asProfile(v.id)(v) : undefined));
        return raw.value; // a torn or vanished file is skipped, as a missing profile
      }),
    );
    const profiles = read.filter((p): p is Profile => p !== undefined && matchesFilter(p, query.filter));
    const last = slice.at(-1);
    return { profiles, ...(last !== undefined && lo + slice.length < names.length ? { next: last } : {}) };
  }

  /**
   * The profile folder's file names (sans .json), sorted: listed again at most every few seconds,
   * so paging a big folder does not list it once per page.
   */
  private async profileNames(): Promise<string[]> {
    const now = Date.now();
    if (this.listing && now - this.listing.at < LISTING_TTL_MS) return this.listing.names;
    const entries = await readdir(join(this.dir, 'profiles')).catch(() => [] as string[]);
    const names = entries.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.listing = { at: now, names };
    return names;
  }

  async sweep(cutoffs: SweepCutoffs): Promise<SweepResult> {
    const seen = (await this.seenLog.sweep(cutoffs.seenBefore)) + (await this.sweepPending(cutoffs.seenBefore));
    let entries = 0;
    const root = join(this.dir, 'entries');
    for (const flow of await readdir(root).catch(() => [] as string[])) {
      for (const name of await readdir(join(root, flow)).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) continue;
        const file = join(root, flow, name);
        const expired = (r: EntryRecord) => r.until !== undefined && r.until < cutoffs.now;
        const peek = await this.load(file, asEntries);
        if (peek.corrupt || !(peek.value ?? []).some(expired)) continue;
        await this.locked(file, async () => {
          const records = (await this.loadOrQuarantine(file, asEntries)) ?? [];
          const kept = records.filter((r) => !expired(r));
          entries += records.length - kept.length;
          if (kept.length > 0) await writeDurably(file, JSON.stringify(kept));
          else {
            await unlink(file);
            await syncFolder(dirname(file));
          }
        });
      }
    }
    return { seen, entries };
  }

  /** Deletes pending-batch records older than the de-duplication retention: their senders stopped retrying. */
  private async sweepPending(before: number): Promise<number> {
    const root = join(this.dir, 'pending');
    let removed = 0;
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const info = await stat(join(root, name)).catch(() => undefined);
      if (info && info.mtimeMs < before)
        removed += await unlink(join(root, name)).then(
          () => 1,
          () => 0,
        );
    }
    return removed;
  }

  /** Read-modify-write of one user's entries into one flow; `change` returns undefined for "no change". */
  private changeEntries(flowId: string, userId: string, change: (records: EntryRecord[]) => EntryRecord[] | undefined): Promise<void> {
    const file = this.entryPath(flowId, userId);
    return this.locked(file, async () => {
      const next = change((await this.loadOrQuarantine(file, asEntries)) ?? []);
      if (next) await writeDurably(file, JSON.stringify(next));
    });
  }

  private path(kind: string, userId: string): string {
    return join(this.dir, kind, `${encode(userId)}.json`);
  }

  private entryPath(flowId: string, userId: string): string {
    return this.path(join('entries', encode(flowId)), userId);
  }

  private runningPath(flowId: string, userId: string): string {
    return this.path(join('running', encode(flowId)), userId);
  }

  private pendingPath(key: string): string {
    return join(this.dir, 'pending', `${encode(key)}.json`);
  }

  private async load<T>(file: string, parse: (raw: unknown) => T | undefined): Promise<Loaded<T>> {
    let text: string;
    try {
      text = await readWhole(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: undefined };
      throw new Error(`profile store: cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      const value = parse(JSON.parse(text));
      if (value !== undefined) return { value };
    } catch {
      // not JSON: corrupt, handled below
    }
    return { value: undefined, corrupt: true };
  }

  /** Reads a file under its lock; an unreadable one is moved aside and reads as missing. */
  private async loadOrQuarantine<T>(file: string, parse: (raw: unknown) => T | undefined): Promise<T | undefined> {
    const loaded = await this.load(file, parse);
    if (!loaded.corrupt) return loaded.value;
    const target = join(this.dir, 'quarantine', `${relative(this.dir, file)}.${new Date().toISOString().replace(/:/g, '-')}`);
    await makeFolders(dirname(target));
    await rename(file, target);
    await syncFolder(dirname(file));
    console.warn(
      `profile store: ${file} was unreadable (empty, or not a valid record); moved it to ${target} and went on as if it were missing`,
    );
    return undefined;
  }

  /** One read-modify-write of a file at a time: in this process by a queue, across processes by a lock file. */
  private locked<T>(file: string, work: () => Promise<T>): Promise<T> {
    return this.queue.run(file, () => withFileLock(file, work));
  }
}

/** The items of `items` for which `has` holds, reading FILES_AT_ONCE files at a time. */
async function filesAmong(items: readonly string[], has: (item: string) => Promise<boolean>): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < items.length; i += FILES_AT_ONCE) {
    const chunk = items.slice(i, i + FILES_AT_ONCE);
    const hits = await Promise.all(chunk.map(has));
    chunk.forEach((item, k) => hits[k] && found.add(item));
  }
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored profile, completed with fields added since it was written; undefined when it is not one. */
const asProfile =
  (userId: string) =>
  (raw: unknown): Profile | undefined => {
    if (!isRecord(raw)) return undefined;
    const ok =
      ['attributes', 'identities', 'vars'].every((k) => raw[k] === undefined || isRecord(raw[k])) &&
      ['lists', 'audiences'].every((k) => raw[k] === undefined || Array.isArray(raw[k]));
    return ok ? { ...emptyProfile(userId), ...(raw as Partial<Profile>) } : undefined;
  };

/** Stored entries: records, or bare timestamps (the earlier layout: kept forever). */
function asEntries(raw: unknown): EntryRecord[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const records = raw.map((r): EntryRecord | undefined =>
    typeof r === 'number' ? { at: r } : isRecord(r) && typeof r.at === 'number' ? (r as unknown as EntryRecord) : undefined,
  );
  return records.every((r) => r !== undefined) ? records : undefined;
}

const asClaims = (raw: unknown): ClaimRecord[] | undefined =>
  Array.isArray(raw) && raw.every((r) => isRecord(r) && typeof r.id === 'string' && typeof r.at === 'number')
    ? (raw as ClaimRecord[])
    : undefined;

const asIds = (raw: unknown): string[] | undefined => (Array.isArray(raw) && raw.every((id) => typeof id === 'string') ? raw : undefined);

const asPending = (raw: unknown): PendingBatch | undefined =>
  isRecord(raw) && Array.isArray(raw.changes) ? (raw as unknown as PendingBatch) : undefined;

const withoutPending = ({ pending: _pending, ...rest }: EntryRecord): EntryRecord => rest;

// User ids are arbitrary text (emails, ids with slashes); file names are not, and stop at 255
// bytes: a long id keeps a readable start and gets a hash of the whole id, after a `+` (which
// encodeURIComponent never leaves bare, so no short id can name the same file).
const MAX_NAME = 200;
const encode = (id: string): string => {
  const name = encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');
  return name.length <= MAX_NAME
    ? name
    : `${name.slice(0, 120).replace(/%[0-9A-F]?$/, '')}+${createHash('sha256').update(id).digest('hex')}`;
};

/**
 * A file's text in open, read, close: the store's files are replaced whole (durable-file.ts), never
 * appended to, so a read shorter than asked is the end. readFile spends a stat and a second read
 * on top, on every profile a batch looks up.
 */
async function readWhole(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    for (let size = 16 * 1024; ; size *= 2) {
      const chunk = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(chunk, 0, size, null);
      chunks.push(chunk.subarray(0, bytesRead));
      if (bytesRead < size) return Buffer.concat(chunks).toString('utf8');
    }
  } finally {
    await handle.close();
  }
}
