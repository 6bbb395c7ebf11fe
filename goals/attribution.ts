import { asNumber, read } from '../dsl/language/evaluate.ts';
import type { FlowEvent } from '../dsl/language/event.ts';
import type { GoalIR } from '../dsl/language/ir.ts';
import { FLOW_STEP, type StepEvent } from '../store/step-log.ts';
import { stepEventId } from '../store/step-rollup.ts';

/** The number a goal's `value` names in the converting event (0 when it names none or no finite number). */
function conversionValue(goal: GoalIR, event: FlowEvent): number {
  const n = goal.value ? asNumber(read({ event }, goal.value)) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : 0;
}

/**
 * The step events that credit one run with one conversion, or none when the event falls outside
 * the goal's window (before the run entered, or more than `within` after). Credit goes to the run
 * (FLOW_STEP), to every branch it took before the conversion (a split's branch: lift), and to the
 * last destination step that sent before it (last touch). The ids are deterministic, so a
 * redelivered or retried event, or a second purchase, credits nothing twice: once per run and goal.
 * `run` is one run's events, in its order; `goal.where` is checked by the caller.
 */
export function conversionEvents(goal: GoalIR, event: FlowEvent, run: readonly StepEvent[]): StepEvent[] {
  const entered = run.find((e) => e.step === FLOW_STEP && e.outcome === 'entered');
  const at = event.timestamp;
  if (!entered || at < entered.at || at > entered.at + goal.withinMs) return [];
  const value = conversionValue(goal, event);
  const { flowId, version, workflowId, runId, userId } = entered;
  const credit = (step: string, branch?: string): StepEvent => {
    const e = { flowId, version, workflowId, runId, userId, step, outcome: 'converted' as const, goal: goal.name, value, at };
    const withBranch = branch === undefined ? e : { ...e, branch };
    return { id: stepEventId(withBranch), ...withBranch };
  };
  const before = run.filter((e) => e.at <= at);
  const lastTouch = before.filter((e) => e.outcome === 'sent').at(-1);
  return [
    credit(FLOW_STEP),
    ...before.filter((e) => e.outcome === 'branch' && e.branch !== undefined).map((e) => credit(e.step, e.branch)),
    ...(lastTouch ? [credit(lastTouch.step)] : []),
  ];
}
