import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';

// Temp files must be unique per write: two writes of one file can start in the same millisecond.
let tempCounter = 0;

/**
 * Replaces a file so that after a crash or power loss it holds the old content or the new one,
 * never an empty or torn file: the temp file is synced before the rename, the folder after it.
 */
export async function writeDurably(file: string, text: string): Promise<void> {
  await makeFolders(dirname(file));
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await inFolder(dirname(file), () => open(temp, 'w'));
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(file));
}

/**
 * Appends text and syncs it; a new file's folder is synced too. Appends from several processes do
 * not interleave (O_APPEND). Returns the file's size after it, which is exact when the caller
 * holds the file's lock.
 */
export async function appendDurably(file: string, text: string): Promise<number> {
  const out = await openForAppend(file);
  try {
    return await out.append(text);
  } finally {
    await out.close();
  }
}

/** A file held open for appends: its size when opened, and appends synced before they return. */
export interface AppendFile {
  /** Its size: when opened under the file's lock, what every process appended so far. */
  readonly size: number;
  /** Appends and syncs (a new file's folder too); the file's size after it, under the caller's lock. After a failed append, close it. */
  append(text: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a file for appends, for a caller that wants its size before appending (what others
 * appended, under the file's lock) without a stat of its own: one open serves both.
 */
export async function openForAppend(file: string): Promise<AppendFile> {
  await makeFolders(dirname(file));
  const handle = await inFolder(dirname(file), () => open(file, 'a'));
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    get size() {
      return size;
    },
    async append(text) {
      // The caller appends one at a time, under the file's lock.
      const before = size;
      const after = before + Buffer.byteLength(text);
      size = after;
      await handle.appendFile(text);
      await handle.sync();
      if (before === 0) await syncFolder(dirname(file));
      return after;
    },
    close: () => handle.close(),
  };
}

/** Folders this process made or found: making them again costs a call on every write. */
const knownFolders = new Set<string>();

/** Runs an open in a folder; if the folder was removed since it was known (a retention sweep), makes it again once. */
async function inFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !knownFolders.delete(folder)) throw error;
    await makeFolders(folder);
    return work();
  }
}

/** Creates a folder and its missing parents, syncing each parent that gained a folder. */
export async function makeFolders(folder: string, options: { known?: boolean } = {}): Promise<void> {
  if (options.known !== false && knownFolders.has(folder)) return;
  const first = await mkdir(folder, { recursive: true });
  if (first !== undefined) {
    for (let f = folder; ; f = dirname(f)) {
      await syncFolder(dirname(f));
      if (f === first || dirname(f) === f) break;
    }
  }
  knownFolders.add(folder);
}

/** Makes a folder's entries (created, renamed, removed files) durable. */
export async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder to sync it; NTFS journals renames itself.
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A lock held by another process is considered abandoned when not refreshed for this long. */
const STALE_MS = 10_000;

/**
 * Runs work while holding a lock on a file that every process using the folder respects
 * (`<file>.lock`, a folder created atomically; proper-lockfile). A process that died holding it
 * loses it after STALE_MS; a waiter gives up after about a minute, with a message. `folderKnown`:
 * skip making the folder when this process knows it (it is made again if it was removed since).
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: { folderKnown?: boolean } = {}): Promise<T> {
  const release = (options.folderKnown && (await lockInKnownFolder(file))) || (await lockRetrying(file));
  try {
    return await work();
  } finally {
    await release().catch((error: Error) => console.warn(`profile store: could not release the lock on ${file}: ${error.message}`));
  }
}

/**
 * One try at the lock without making the folder first, when this process made or found it (a
 * call fewer per lock). Undefined when that fails (a folder removed since is made again by the
 * retrying lock, a held lock is waited for there): the retrying lock would retry a missing
 * folder for a minute instead of reporting it.
 */
async function lockInKnownFolder(file: string): Promise<(() => Promise<void>) | undefined> {
  if (!knownFolders.has(dirname(file))) return undefined;
  try {
    return await lock(file, { ...lockOptions(file), retries: 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') knownFolders.delete(dirname(file));
    return undefined;
  }
}

async function lockRetrying(file: string): Promise<() => Promise<void>> {
  // Made for real, not from memory: the lock retries a missing folder instead of reporting it.
  await makeFolders(dirname(file), { known: false });
  try {
    return await lock(file, lockOptions(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new Error(
      `profile store: ${file} stayed locked by another process for over a minute; if no Flowline process is running, delete ${file}.lock`,
    );
  }
}

const lockOptions = (file: string) => ({
  realpath: false,
  stale: STALE_MS,
  retries: { retries: 700, factor: 1.2, minTimeout: 2, maxTimeout: 100, randomize: true },
  onCompromised: (error: Error) =>
    console.warn(`profile store: the lock on ${file} was lost while held (${error.message}); another process may have written it`),
});
