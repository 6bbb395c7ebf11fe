import type { Client } from '@temporalio/client';
import { irSteps, type FlowIR } from '../dsl/ir.ts';
import type { StepLog } from '../profiles/step-log.ts';
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
}

/**
 * Cumulative numbers from the step-event log (one version, one window), "now" from Temporal
 * visibility: one count per step a run can stay at, all at once.
 */
export async function pictureNumbers(log: StepLog, client: Client, ir: FlowIR, windowName?: string): Promise<PictureNumbers> {
  const { window, since } = windowSince(windowName);
  const holding = [...irSteps(ir.steps)].filter(canHoldRuns);
  const [numbers, running, ...now] = await Promise.all([
    log.numbers(ir.flow, { version: ir.version, ...(since !== undefined ? { since } : {}) }),
    countRuns(client, { flow: ir.flow, version: ir.version }),
    ...holding.map((s) => countRuns(client, { flow: ir.flow, version: ir.version, step: s.id })),
  ]);
  const nowAt = new Map(holding.map((s, i) => [s.id, now[i]!]));
  const steps: PictureNumbers['steps'] = {};
  for (const step of irSteps(ir.steps)) {
    const n = numbers.steps[step.id];
    const values: Record<string, number> = { entered: n?.entered ?? 0, exited: n?.exited ?? 0, sent: n?.sent ?? 0, failed: n?.failed ?? 0, retried: n?.retried ?? 0 };
    for (const [branch, count] of Object.entries(n?.branches ?? {})) values[`branch:${branch}`] = count;
    if (nowAt.has(step.id)) values.now = nowAt.get(step.id)!;
    steps[step.id] = values;
  }
  const flow = { entered: numbers.entered, completed: numbers.completed, exited: numbers.exited, failed: numbers.failed, now: running };
  return { at: Date.now(), version: ir.version, window, flow, steps };
}
