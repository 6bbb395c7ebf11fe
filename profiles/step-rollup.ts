import { FLOW_STEP, type FlowNumbers, type StepEvent, type StepNumbers } from './step-log.ts';

/**
 * The counters both step-log backends keep: one per flow, version, step, outcome, branch and
 * UTC hour, incremented only when an event id is new. `numbers()` adds these up and never
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
  /** Any time within the row's bucket (an hour or a day). */
  at: number;
  n: number;
}

/** The id a step event must have: the log refuses any other, so a retry can never count twice under two ids. */
export const stepEventId = (e: Pick<StepEvent, 'workflowId' | 'runId' | 'step' | 'outcome' | 'branch'>): string =>
  `${e.workflowId}/${e.runId}/${e.step}/${e.outcome}${e.branch !== undefined ? `/${e.branch}` : ''}`;

/** Checks events before they are stored: a malformed one is a programming error, named here. */
export function checkEvents(events: readonly StepEvent[]): void {
  for (const e of events) {
    if (e.id !== stepEventId(e))
      throw new Error(`step log: event id '${e.id}' is not '${stepEventId(e)}' (workflowId/runId/step/outcome[/branch])`);
    if (!Number.isFinite(e.at)) throw new Error(`step log: event '${e.id}' has no time (at)`);
  }
}

const emptyStep = (): StepNumbers => ({ entered: 0, sent: 0, failed: 0, retried: 0, exited: 0, branches: {} });

/**
 * Adds rollup rows up into a flow's numbers. The trend has every UTC day from the window's start
 * (or the first day with runs) to today (or the last day with runs), zeros included.
 */
export function foldNumbers(rows: Iterable<RollupRow>, since: number | undefined, now: number): FlowNumbers {
  const numbers: FlowNumbers = { entered: 0, completed: 0, exited: 0, failed: 0, steps: {}, trend: [] };
  const perDay = new Map<string, number>();
  let first = since;
  for (const row of rows) {
    if (row.step === FLOW_STEP) {
      if (row.outcome === 'entered') {
        numbers.entered += row.n;
        perDay.set(dayOf(row.at), (perDay.get(dayOf(row.at)) ?? 0) + row.n);
        if (first === undefined || row.at < first) first = row.at;
      } else if (row.outcome === 'completed' || row.outcome === 'exited' || row.outcome === 'failed') numbers[row.outcome] += row.n;
      continue;
    }
    const step = (numbers.steps[row.step] ??= emptyStep());
    if (row.outcome === 'branch') step.branches[row.branch] = (step.branches[row.branch] ?? 0) + row.n;
    else if (row.outcome in step && row.outcome !== 'branches') step[row.outcome as Exclude<keyof StepNumbers, 'branches'>] += row.n;
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
