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
import type { DraftCheck, Finding } from './edit/draft.ts';
import type { FormField, StepForms } from './edit/step-forms.ts';

export type { Picture, PictureNumbers, RunVerdict, VersionChoice, Finding, FormField, StepForms };
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

/** GET /api/session: what this studio lets the page do, and the token its writes carry. */
export interface SessionAnswer {
  csrf: string;
  /** `flows studio --read-only`: the viewer alone. */
  readOnly: boolean;
  /** The project is a git checkout: changes can be proposed as branches. */
  git: boolean;
  /** A GitHub token and repository are set up: a proposal opens a pull request. */
  github: boolean;
}

/** GET /api/edit/:id (and /api/edit for a new flow): the file as its branch holds it, and what the forms offer. */
export interface EditAnswer {
  /** The path from the repository's root (flows/x.yaml); empty for a new flow. */
  file: string;
  /** The branch it was read from, and the proposal's base. */
  base: string;
  /** The file's git blob on that branch; null for a new file. */
  blob: string | null;
  text: string;
  flow: string;
  forms: StepForms;
  flows: Array<{ flow: string; source: string; name: string }>;
  /** The opened text's findings and picture (an existing flow's file; a new flow's are asked for). */
  check?: DraftAnswer;
}

/** POST /api/draft: the draft's findings, as flows validate words them, and its picture when it compiles. */
export type DraftAnswer = DraftCheck;

/** POST /api/propose */
export interface ProposeAnswer {
  branch: string;
  commit: string;
  base: string;
  pushed: boolean;
  pushError?: string;
  /** The unified diff of the file. */
  diff: string;
  /** The pull request's body: what flows graph --compare --format markdown prints. */
  markdown: string;
  /** The flow after the change, added and changed steps marked. */
  picture: Picture;
  pullRequest: { number: number; url: string } | null;
  pullRequestError?: string;
}
