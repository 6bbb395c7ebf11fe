import type { Client } from '@temporalio/client';
import type { StepLog } from '../store/step-log.ts';
import type { Profiles } from '../store/store.ts';
import type { GitHubClient, RepoRef } from '../review/github.ts';
import type { StudioProject } from './project.ts';

/** What the studio reads (the repository's flows, the step-event log, Temporal) and, when editing, where it proposes changes. */
export interface StudioDeps {
  project: StudioProject;
  log: StepLog;
  /** Profiles, read to preview a step's message for a chosen user; without them previews use a sample profile. */
  profiles?: Pick<Profiles, 'get'>;
  client: Client;
  namespace: string;
  /** Temporal Web's base URL, for links to runs (e.g. http://localhost:8233). */
  temporalWeb: string;
  /** Editing: absent for `flows studio --read-only` (the viewer alone). */
  editing?: StudioEditing;
  /** How often the live numbers are pushed (ms). */
  liveIntervalMs?: number;
  /** Live streams one client address may hold open at once (default 16); more are answered 429. */
  liveStreamsPerClient?: number;
  /** Live streams open at once in all (default 1000); more are answered 503. */
  liveStreamsTotal?: number;
}

/** Where edits go: never the checkout, always a new branch of the repository (and a pull request with GitHub). */
export interface StudioEditing {
  /** The git repository's top level; absent when the project is not a git checkout (nothing can be proposed). */
  repoRoot?: string;
  github?: { client: GitHubClient; repo: RepoRef };
}
