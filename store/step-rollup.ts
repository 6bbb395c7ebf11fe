import { FLOW_STEP, type Conversions, type FlowNumbers, type StepEvent, type StepNumbers } from './step-log.ts';

/**
 * The counters both step-log backends keep: one per flow, version, step, outcome, branch, goal and
 * UTC hour (with the sum of the events' values), incremented only when an event id is new. `numbers()` adds these up and never
 * reads the events, so it stays fast however many runs a flow has had.
 */
export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const hourOf = (at: number): number => Math.floor(at / HOUR_MS) * HOUR_MS;
export const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

export interface RollupRow {
  step: string;
  outcome: string;
  /** '' when the outcome has no branch. */
  branch: string;
  /** '' unless the outcome is `converted`. */
  goal: string;
  /** The sum of the events' values (0 but for `converted`). */
  value: number;
  /** Any time within the row's bucket (an hour or a day). */
  at: number;
  n: number;
}

/**
 * The id a step event must have: the log refuses any other, so a retry can never count twice under two ids.
 * A conversion's id names its goal: a run converts once per goal and step, however many goals the flow has.
 */
export const stepEventId = (e: Pick<StepEvent, 'workflowId' | 'runId' | 'step' | 'outcome' | 'branch' | 'goal'>): string => {
  const goal = e.outcome === 'converted' ? `/${e.goal}` : '';
  return `${e.workflowId}/${e.runId}/${e.step}/${e.outcome}${goal}${e.branch !== undefined ? `/${e.branch}` : ''}`;
};

/**
 * The branch a rollup row counts an event under: a run's way out of the flow (its FLOW_STEP
 * `exited` event's message: `exit_when: purchase`, `goal reached: …`, `flow stopped`) counts as
 * that exit's branch, so the studio can say how many left each way without reading events.
 */
export const rollupBranch = (e: Pick<StepEvent, 'step' | 'outcome' | 'branch' | 'message'>): string =>
  e.step === FLOW_STEP && e.outcome === 'exited' ? (e.message ?? '') : (e.branch ?? '');

/** Checks events before they are stored: a malformed one is a programming error, named here. */
export function checkEvents(events: readonly StepEvent[]): void {
  for (const e of events) {
    if (e.outcome === 'converted' && (typeof e.goal !== 'string' || e.goal === ''))
      throw new Error(`step log: conversion '${e.id}' names no goal (goal)`);
    if (e.id !== stepEventId(e))
      throw new Error(`step log: event id '${e.id}' is not '${stepEventId(e)}' (workflowId/runId/step/outcome[/goal][/branch])`);
    if (!Number.isFinite(e.at)) throw new Error(`step log: event '${e.id}' has no time (at)`);
    if (e.value !== undefined && !Number.isFinite(e.value)) throw new Error(`step log: event '${e.id}' has a value that is not a number`);
  }
}

/** An event as a backend gives it back: a database reads an absent optional field as null. */
export type StoredEvent = Omit<StepEvent, 'branch' | 'message' | 'goal' | 'value'> & {
  branch?: string | null;
  message?: string | null;
  goal?: string | null;
  value?: number | null;
};

/**
 * One key order for every event, whoever built it, and no key for an absent field: the file log
 * writes its lines so (its `latest()` finds a step and outcome by their text), the PostgreSQL log
 * makes its rows so.
 */
export const canonicalEvent = (e: StoredEvent): StepEvent => ({
  id: e.id,
  flowId: e.flowId,
  version: e.version,
  workflowId: e.workflowId,
  runId: e.runId,
  userId: e.userId,
  step: e.step,
  outcome: e.outcome,
  ...(e.branch != null ? { branch: e.branch } : {}),
  ...(e.message != null ? { message: e.message } : {}),
  ...(e.goal != null ? { goal: e.goal } : {}),
  ...(e.value != null ? { value: e.value } : {}),
  at: e.at,
});

/** A step's numbers before any event is counted. */
export const emptyStep = (): StepNumbers => ({
  entered: 0,
  sent: 0,
  failed: 0,
  retried: 0,
  exited: 0,
  branches: {},
  conversions: {},
  branchConversions: {},
});

/** The counts a step's numbers add rows to by outcome (conversions and branches have their own maps). */
const COUNTED = ['entered', 'sent', 'failed', 'retried', 'exited'] as const;
/** Counted only once they happen, so numbers without guardrails read as before. */
export const HELD = ['capped', 'suppressed', 'skipped_quiet', 'delayed'] as const;
const isHeld = (outcome: string): outcome is (typeof HELD)[number] => (HELD as readonly string[]).includes(outcome);
const isCounted = (outcome: string): outcome is (typeof COUNTED)[number] => (COUNTED as readonly string[]).includes(outcome);

const addConversions = (into: Record<string, Conversions>, row: RollupRow): void => {
  const c = (into[row.goal] ??= { converted: 0, value: 0 });
  c.converted += row.n;
  c.value += row.value;
};

/**
 * Adds rollup rows up into a flow's numbers. The trend has every UTC day from the window's start
 * (or the first day with runs) to today (or the last day with runs), zeros included.
 */
export function foldNumbers(rows: Iterable<RollupRow>, since: number | undefined, now: number): FlowNumbers {
  const numbers: FlowNumbers = { entered: 0, completed: 0, exited: 0, exits: {}, failed: 0, goals: {}, steps: {}, trend: [] };
  const perDay = new Map<string, number>();
  let first = since;
  for (const row of rows) {
    if (row.step === FLOW_STEP) {
      if (row.outcome === 'entered') {
        numbers.entered += row.n;
        perDay.set(dayOf(row.at), (perDay.get(dayOf(row.at)) ?? 0) + row.n);
        if (first === undefined || row.at < first) first = row.at;
      } else if (row.outcome === 'completed' || row.outcome === 'exited' || row.outcome === 'failed') numbers[row.outcome] += row.n;
      if (row.outcome === 'exited') numbers.exits[row.branch] = (numbers.exits[row.branch] ?? 0) + row.n;
      else if (row.outcome === 'converted') addConversions(numbers.goals, row);
      continue;
    }
    const step = (numbers.steps[row.step] ??= emptyStep());
    if (row.outcome === 'branch') step.branches[row.branch] = (step.branches[row.branch] ?? 0) + row.n;
    else if (row.outcome === 'converted' && row.branch !== '') addConversions((step.branchConversions[row.branch] ??= {}), row);
    else if (row.outcome === 'converted') addConversions(step.conversions, row);
    else if (isCounted(row.outcome)) step[row.outcome] += row.n;
    else if (isHeld(row.outcome)) step[row.outcome] = (step[row.outcome] ?? 0) + row.n;
  }
  if (first !== undefined) {
    const lastDay = [...perDay.keys()].reduce((a, b) => (a > b ? a : b), dayOf(now));
    for (let t = Date.parse(`${dayOf(first)}T00:00:00Z`); dayOf(t) <= lastDay; t += DAY_MS) {
      numbers.trend.push({ day: dayOf(t), entered: perDay.get(dayOf(t)) ?? 0 });
    }
  }
  return numbers;
}

/** The order a run's events are shown in: by time, and at one time as the run went (the log's order). */
export const byTime = (events: StepEvent[]): StepEvent[] =>
  events
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].at - b[0].at || a[1] - b[1])
    .map(([e]) => e);

/** The flow id in a workflow id (`flow/<flow>/<user>…`), or undefined for a workflow Flowline did not start. */
export const flowOfWorkflow = (workflowId: string): string | undefined => {
  const [prefix, flow] = workflowId.split('/');
  return prefix === 'flow' && flow && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(flow) ? flow : undefined;
};
