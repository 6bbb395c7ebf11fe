/**
 * What the studio's routes answer, one type per route: the routes are typed by them and the
 * browser client (studio/client/) imports them, so a field renamed on one side fails the other's
 * type check. Types only: nothing here runs.
 */
import type { RunVerdict } from '../workflows/run-verdict.ts';
import type { Picture } from './graph/layout.ts';
import type { PictureNumbers } from './numbers.ts';
import type { StepPreview } from './preview.ts';
import type { VersionChoice } from './project.ts';

export type { Picture, PictureNumbers, RunVerdict, VersionChoice };
export type { PlacedEdge, PlacedNode } from './graph/layout.ts';
export type { FlowReport } from '../goals/report.ts';

/** GET /api/flows */
export interface FlowsAnswer {
  window: string;
  problems: number;
  flows: Array<{
    id: string;
    name: string;
    status: string;
    window?: string;
    trigger: string;
    version: string;
    source: string;
    /** Runs running now, all versions; null when Temporal did not answer. */
    now: number | null;
    entered: number;
    completed: number;
    exited: number;
    failed: number;
    trend: Array<{ day: string; entered: number }>;
  }>;
}

/** GET /api/flows/:id/picture */
export interface PictureAnswer {
  flow: string;
  name: string;
  version: string;
  source: string;
  versions: VersionChoice[];
  picture: Picture;
  /** The main path's steps (the top level of `steps:`), for the funnel. */
  mainPath: string[];
}

/** GET /api/flows/:id/steps/:step */
export interface StepAnswer {
  step: string;
  title: string;
  kind: string;
  file: string;
  line: number;
  /** The step as its file says it now; null for an older version (then `compiled`). */
  yaml: string | null;
  compiled: string | null;
  /** The step as a form would show it: what it does, then its settings. */
  summary: Array<[string, string]>;
  /** What it would send, rendered for `?user=` (with a profile store) or a sample profile; null for a step that sends nothing. */
  preview: StepPreview | null;
  /** Whether runs can stay at this step (a wait): only then are "runs here now" listed. */
  holdsRuns: boolean;
  total: number;
  now: Array<{ user: string; since: string | null; until: string | null; workflowId: string; runId: string; link: string }>;
  failures: Array<{ user: string; at: string; message: string; link: string }>;
}

/** GET /api/runs?user= */
export interface UserRunsAnswer {
  user: string;
  runs: Array<{ workflowId: string; runId: string; flow: string; verdict: RunVerdict; started: string }>;
}

/** GET /api/run */
export interface RunAnswer {
  workflowId: string;
  runId: string | null;
  flow: string;
  name: string;
  version: string;
  user: string | null;
  /** Temporal's status name, or null when Temporal no longer has the run. */
  status: string | null;
  /** The run in the studio's words: completed, exited (and why), failed (and the message), running. */
  verdict: RunVerdict | null;
  /** The step the run waits at, while it runs. */
  at: string | null;
  link: string | null;
  events: Array<{ step: string | null; outcome: string; branch: string | null; message: string | null; at: string }>;
  picture: Picture;
}

/** Every answer that is not a success: its words for a person. */
export interface ErrorAnswer {
  error: string;
}
