import type { Client } from '@temporalio/client';
import { irSteps, type FlowIR } from '../dsl/language/ir.ts';
import { ON_ERROR_EXIT } from '../dsl/language/lifecycle.ts';
import { exitWords } from '../workflows/run-verdict.ts';
import { buildReport, type FlowReport } from '../goals/report.ts';
import type { StepLog } from '../store/step-log.ts';
import { HELD } from '../store/step-rollup.ts';
import { canHoldRuns } from './graph/stats.ts';
import { countRuns } from './visibility.ts';
import { windowSince } from './windows.ts';

/** What the flow page prints on its boxes, by step id and stat key (see studio/graph/stats.ts). */
export interface PictureNumbers {
  at: number;
  version: string;
  window: string;
  flow: Record<string, number>;
  steps: Record<string, Record<string, number>>;
  /** Runs that exited, by the reason they record (`exit_when: purchase`, `goal reached: …`): each exit box's number. */
  exits: Record<string, number>;
  /** Runs that exited after a step failed with `on_error: exit` (the "exit (step failed)" box). */
  errorExits: number;
  /** Runs that exited before their first step: the exits no step accounts for. */
  leftEarly: number;
  /** Every way a run of the window is now: completed, each exit, failed, running. They add up to `flow.entered` once the window's runs are all counted. */
  ways: Way[];
  /** With goals: the goal, experiment and last-touch tables (goals/report.ts), as `flows report` prints them. */
  report?: FlowReport;
  /** Why some numbers are missing (Temporal unreachable: the "now" counts are left out, the log's still shown). */
  problem?: string;
}

interface Way {
  label: string;
  count: number;
  tone: 'good' | 'exit' | 'bad' | 'now';
}

/**
 * Cumulative numbers from the step-event log (one version, one window), "now" from Temporal
 * visibility: one count per step a run can stay at, all at once.
 */
export async function pictureNumbers(log: StepLog, client: Client, ir: FlowIR, windowName?: string): Promise<PictureNumbers> {
  const { window, since } = windowSince(windowName);
  const holding = [...irSteps(ir.steps)].filter(canHoldRuns);
  let problem: string | undefined;
  const visible = (count: Promise<number>) =>
    count.catch((error: Error) => {
      problem = `Temporal visibility did not answer (${error.message}): runs "now" are not shown`;
      return undefined;
    });
  const primary = ir.goals?.[0]?.name;
  const [numbers, experiments, running, ...now] = await Promise.all([
    log.numbers(ir.flow, { version: ir.version, since }),
    primary ? Promise.all([log.decisions(ir.flow), log.versions(ir.flow)]) : undefined,
    visible(countRuns(client, { flow: ir.flow, version: ir.version })),
    ...holding.map((s) => visible(countRuns(client, { flow: ir.flow, version: ir.version, step: s.id }))),
  ]);
  const nowAt = new Map(holding.map((s, i) => [s.id, now[i]]));
  const steps: PictureNumbers['steps'] = {};
  for (const step of irSteps(ir.steps)) {
    const n = numbers.steps[step.id];
    const values: Record<string, number> = {};
    for (const key of ['entered', 'exited', 'sent', 'failed', 'retried', ...HELD] as const) values[key] = n?.[key] ?? 0;
    for (const [branch, count] of Object.entries(n?.branches ?? {})) values[`branch:${branch}`] = count;
    const here = nowAt.get(step.id);
    if (here !== undefined) values.now = here;
    if (primary) values.converted = n?.conversions[primary]?.converted ?? 0;
    steps[step.id] = values;
  }
  const flow: Record<string, number> = {
    entered: numbers.entered,
    completed: numbers.completed,
    exited: numbers.exited,
    failed: numbers.failed,
  };
  if (running !== undefined) flow.now = running;
  let report: FlowReport | undefined;
  if (primary && experiments) {
    flow.converted = numbers.goals[primary]?.converted ?? 0;
    const [decisions, versions] = experiments;
    report = buildReport(ir, numbers, decisions, { now: Date.now(), version: ir.version, since, versions });
  }
  const stepExits = Object.values(numbers.steps).reduce((sum, s) => sum + s.exited, 0);
  const ways: Way[] = [
    { label: 'completed', count: numbers.completed, tone: 'good' },
    ...Object.entries(numbers.exits)
      .sort(([, a], [, b]) => b - a)
      .map(([reason, count]): Way => ({ label: `exited: ${exitWords(reason) ?? 'reason not recorded'}`, count, tone: 'exit' })),
    { label: 'failed', count: numbers.failed, tone: 'bad' },
    ...(running !== undefined ? [{ label: 'running now', count: running, tone: 'now' } as const] : []),
  ];
  return {
    at: Date.now(),
    version: ir.version,
    window,
    flow,
    steps,
    exits: numbers.exits,
    errorExits: Object.entries(numbers.exits).reduce((sum, [reason, n]) => sum + (reason.startsWith(ON_ERROR_EXIT) ? n : 0), 0),
    leftEarly: Math.max(0, numbers.exited - stepExits),
    ways,
    report,
    problem,
  };
}
