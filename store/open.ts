import { join } from 'node:path';
import { FileProfileStore } from './file-store.ts';
import { FileStepLog } from './file-step-log.ts';
import { PostgresProfileStore } from './postgres-store.ts';
import { PostgresStepLog } from './postgres-step-log.ts';
import type { StepLog } from './step-log.ts';
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

/**
 * The step-event log a process uses, in the same backend as the profile store: PostgreSQL when
 * FLOWLINE_DATABASE_URL is set, else files under the data folder (`<data>/step-log`).
 */
export async function openStepLog(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<StepLog> {
  const url = env.FLOWLINE_DATABASE_URL;
  if (url) {
    try {
      return await PostgresStepLog.open(url);
    } catch (error) {
      throw new Error(`cannot open the step log at FLOWLINE_DATABASE_URL: ${(error as Error).message}`);
    }
  }
  return new FileStepLog(join(dataDir, 'step-log'));
}
