import type { Client } from '@temporalio/client';
import type { StepLog } from '../store/step-log.ts';
import type { StudioProject } from './project.ts';

/** What the studio reads: the repository's flows, the step-event log, Temporal (visibility, queries). Nothing it writes. */
export interface StudioDeps {
  project: StudioProject;
  log: StepLog;
  client: Client;
  namespace: string;
  /** Temporal Web's base URL, for links to runs (e.g. http://localhost:8233). */
  temporalWeb: string;
  /** How often the live numbers are pushed (ms). */
  liveIntervalMs?: number;
  /** Live streams one client address may hold open at once (default 16); more are answered 429. */
  liveStreamsPerClient?: number;
  /** Live streams open at once in all (default 1000); more are answered 503. */
  liveStreamsTotal?: number;
}
