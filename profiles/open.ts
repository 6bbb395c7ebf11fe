import { join } from 'node:path';
import { FileProfileStore } from './file-store.ts';
import { PostgresProfileStore } from './postgres-store.ts';
import type { ProfileStore } from './store.ts';

/**
 * The profile store a process uses: PostgreSQL when FLOWLINE_DATABASE_URL is set (several
 * ingest and worker processes share it), else the embedded file store under the data folder.
 */
export async function openProfileStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<ProfileStore> {
  const url = env.FLOWLINE_DATABASE_URL;
  if (url) {
    try {
      return await PostgresProfileStore.open(url);
    } catch (error) {
      throw new Error(`cannot open the profile store at FLOWLINE_DATABASE_URL: ${(error as Error).message}`);
    }
  }
  return new FileProfileStore(join(dataDir, 'profiles'));
}
