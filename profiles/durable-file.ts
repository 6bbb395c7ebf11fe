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
 * not interleave. `folderExists`: the caller made sure of the folder (saves a call per append).
 */
export async function appendDurably(file: string, text: string, options: { folderExists?: boolean } = {}): Promise<number> {
  if (!options.folderExists) await makeFolders(dirname(file));
  const handle = await inFolder(dirname(file), () => open(file, 'a'));
  let before: number;
  try {
    before = (await handle.stat()).size;
    await handle.appendFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (before === 0) await syncFolder(dirname(file));
  // The file's size after this append, when no other process appended meanwhile (the caller holds its lock).
  return before + Buffer.byteLength(text);
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
 * loses it after STALE_MS; a waiter gives up after about a minute, with a message.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  // Made for real, not from memory: the lock retries a missing folder instead of reporting it.
  await makeFolders(dirname(file), { known: false });
  let release: () => Promise<void>;
  try {
    release = await lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 700, factor: 1.2, minTimeout: 2, maxTimeout: 100, randomize: true },
      onCompromised: (error) =>
        console.warn(`profile store: the lock on ${file} was lost while held (${error.message}); another process may have written it`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new Error(
      `profile store: ${file} stayed locked by another process for over a minute; if no Flowline process is running, delete ${file}.lock`,
    );
  }
  try {
    return await work();
  } finally {
    await release().catch((error: Error) => console.warn(`profile store: could not release the lock on ${file}: ${error.message}`));
  }
}
