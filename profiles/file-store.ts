import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyProfile, type Profile, type ProfileStore } from './store.ts';

// Temp files must be unique per write: two writes of one file can start in the same millisecond.
let tempCounter = 0;

/** Entries older than this are dropped when a new one is written; no frequency cap looks further back. */
const ENTRY_HISTORY = 200;

/**
 * The embedded store: one JSON file per user under a folder, written atomically (temp file and
 * rename). Needs no server; meant for one machine. Several processes on one folder may race on
 * the same user; deployments with several processes use a database-backed store instead.
 */
export class FileProfileStore implements ProfileStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async get(userId: string): Promise<Profile> {
    return (await this.read<Profile>(this.path('profiles', userId))) ?? emptyProfile(userId);
  }

  update(userId: string, change: (profile: Profile) => void): Promise<Profile> {
    return this.serial(`p:${userId}`, async () => {
      const profile = await this.get(userId);
      change(profile);
      await this.write(this.path('profiles', userId), profile);
      return profile;
    });
  }

  async entries(flowId: string, userId: string): Promise<number[]> {
    return (await this.read<number[]>(this.path(join('entries', encode(flowId)), userId))) ?? [];
  }

  recordEntry(flowId: string, userId: string, at: number): Promise<void> {
    return this.serial(`e:${flowId}:${userId}`, async () => {
      const entries = [...(await this.entries(flowId, userId)), at].slice(-ENTRY_HISTORY);
      await this.write(this.path(join('entries', encode(flowId)), userId), entries);
    });
  }

  async seen(key: string): Promise<boolean> {
    return (await this.read<number>(this.path('seen', key))) !== undefined;
  }

  async markSeen(keys: readonly string[]): Promise<void> {
    const now = Date.now();
    await Promise.all([...new Set(keys)].map((key) => this.write(this.path('seen', key), now)));
  }

  private path(kind: string, userId: string): string {
    return join(this.dir, kind, `${encode(userId)}.json`);
  }

  private async read<T>(file: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async write(file: string, value: unknown): Promise<void> {
    await mkdir(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, file);
  }

  /** Runs changes to one key one after another, so read-modify-write never loses an update. */
  private serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => this.queues.get(key) === settled && this.queues.delete(key));
    return next;
  }
}

// User ids are arbitrary text (emails, ids with slashes); file names are not.
const encode = (id: string): string => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');
