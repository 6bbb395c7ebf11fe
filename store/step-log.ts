import type { FlowIR } from '../dsl/language/ir.ts';

/**
 * The durable step-event log: what runs did, one record per run, step and outcome, under a
 * deterministic id, so retries, replays and worker crashes never count twice or lose a count.
 * The studio's cumulative numbers (entered, sent, failed, branch taken, exited) come from here;
 * "at this step now" comes from Temporal visibility. It lives in the same backend as the
 * profile store (files by default, PostgreSQL with FLOWLINE_DATABASE_URL).
 *
 * (Interface agreed between the log and the studio; implementations live beside the stores.)
 */
export type StepOutcome =
  /** the run reached the step (for the flow as a whole: `step` is FLOW_STEP and this is "entered the flow") */
  | 'entered'
  /** a destination step's call was answered with success */
  | 'sent'
  /** a destination step's call failed for good (retries spent or not retryable); `message` says why */
  | 'failed'
  /** a destination step needed more than one attempt */
  | 'retried'
  /** a check / split / wait_for took a branch; `branch` names it (then/else, the split label, event/timeout) */
  | 'branch'
  /** the run left the flow at this step (exit step, exit_when, on_error: exit) */
  | 'exited'
  /** the run finished the flow (only with `step` = FLOW_STEP) */
  | 'completed'
  /** a send step skipped: a frequency cap of its channel was reached (`then: skip`) */
  | 'capped'
  /** a send step skipped: the config's `suppress` condition held on the user's profile */
  | 'suppressed'
  /** a send step skipped: it fell in quiet hours (`then: skip`) */
  | 'skipped_quiet'
  /** a send step held until quiet hours ended or a cap allowed it (then sent, or skipped, or the run left) */
  | 'delayed'
  /**
   * a goal's conversion, credited (always with `goal`, and `value` when the goal has one):
   * `step` = FLOW_STEP for the run; a split's id with `branch` = the run's branch there; the last
   * destination step that sent before the conversion (last touch). Once per run, goal and step.
   */
  | 'converted';

/** The pseudo step id of events about the run as a whole (entered, completed, exited, failed). */
export const FLOW_STEP = '$flow';

export interface StepEvent {
  /**
   * Deterministic: `${workflowId}/${runId}/${step}/${outcome}` (plus `/${branch}` for branches;
   * for `converted`, `/${goal}` and then `/${branch}` when there is one). See stepEventId.
   */
  id: string;
  flowId: string;
  version: string;
  workflowId: string;
  runId: string;
  userId: string;
  step: string;
  outcome: StepOutcome;
  branch?: string;
  /** For `failed`: the failure text (already free of secrets). */
  message?: string;
  /** For `converted`: the goal's name. */
  goal?: string;
  /** For `converted`: the conversion's value (0 when the goal has no `value`). */
  value?: number;
  /** Epoch ms (workflow time: simulated on the time-skipping server). */
  at: number;
}

export interface StepNumbers {
  entered: number;
  sent: number;
  failed: number;
  retried: number;
  exited: number;
  /** Send steps held back by guardrails (present once counted): skipped by a cap, by suppression, by quiet hours; delayed by either. */
  capped?: number;
  suppressed?: number;
  skipped_quiet?: number;
  delayed?: number;
  /** Per branch name, for check / split / wait_for. */
  branches: Record<string, number>;
  /** Per goal: conversions credited to this step as the last touch before them. */
  conversions: Record<string, Conversions>;
  /** For a split: per branch, per goal, the conversions of runs that took the branch. */
  branchConversions: Record<string, Record<string, Conversions>>;
}

export interface Conversions {
  converted: number;
  /** Sum of the conversions' values. */
  value: number;
}

/**
 * A split's winner, decided once from the primary goal's numbers and kept: new entries go to
 * `branch`. The first recorded decision for a flow and split stands (two deciders agree on it).
 */
export interface WinnerDecision {
  flowId: string;
  /** The split's step id. */
  step: string;
  branch: string;
  /** Epoch ms of the decision. */
  at: number;
  /** The flow version whose numbers decided it. */
  version: string;
  goal: string;
  /** Why, for people: runs and conversions per branch, the test and its p-value. */
  reason: string;
}

export interface FlowNumbers {
  /** Runs, not unique users (a user may run a flow several times). */
  entered: number;
  completed: number;
  exited: number;
  /** Runs that exited, by the way they left (`exit_when: purchase`, `goal reached: …`, `flow stopped`; '' when the log did not say). */
  exits: Record<string, number>;
  failed: number;
  /** Per goal name: runs that converted (each run once per goal) and their value. */
  goals: Record<string, Conversions>;
  /** Per step id (FLOW_STEP excluded). */
  steps: Record<string, StepNumbers>;
  /** Runs entered per UTC day within the window, oldest first (for a small trend line). */
  trend: Array<{ day: string; entered: number }>;
}

/** Which of a flow's events count in its numbers: one version or all, since a time or all time. */
export interface NumbersQuery {
  version?: string;
  since?: number;
}

/** Which of a step's latest events to read: one version or all, and how many (default 20). */
export interface LatestQuery {
  version?: string;
  limit?: number;
}

export interface StepLog {
  /** Idempotent by id: recording the same event twice counts it once. */
  record(events: readonly StepEvent[]): Promise<void>;
  /**
   * Whether an event is recorded (a retried destination attempt skips a call already `sent`).
   * `at`, the event's time when known, lets the file-backed log look in that day's file only.
   */
  has(id: string, at?: number): Promise<boolean>;
  /**
   * Numbers for one flow, all versions or one, since a time (undefined: all time). Each event counts
   * by its own time: a conversion in the window counts even when its run entered before it.
   */
  numbers(flowId: string, options?: NumbersQuery): Promise<FlowNumbers>;
  /** The latest events of one outcome at one step, newest first (the panel's "latest failures"). */
  latest(flowId: string, step: string, outcome: StepOutcome, options?: LatestQuery): Promise<StepEvent[]>;
  /** Every event of one run, in order: the run page's path. */
  run(workflowId: string, runId?: string): Promise<StepEvent[]>;
  /** Remembers a version's IR the first time a run of it starts, so old versions can be drawn. */
  recordVersion(ir: FlowIR, at: number): Promise<void>;
  /** The versions of a flow that have had runs, newest first, each with its IR. */
  versions(flowId: string): Promise<Array<{ version: string; firstSeen: number; ir: FlowIR }>>;
  /**
   * Every event of one user's runs of a flow that entered the flow at or after `since` (their
   * FLOW_STEP `entered` event is at or after it), in each run's order: conversions are credited
   * from these. Bounded by the user's runs in the window, not by the flow's size.
   */
  userRuns(flowId: string, userId: string, since: number): Promise<StepEvent[]>;
  /** Records a winner unless one is recorded for the flow and split; returns the one that stands. */
  recordDecision(decision: WinnerDecision): Promise<WinnerDecision>;
  /** The winners recorded for a flow, one per split. */
  decisions(flowId: string): Promise<WinnerDecision[]>;
  /** Lets go of connections (PostgreSQL), so a short command can exit. */
  close?(): Promise<void>;
}
