import { channelOf } from '../../dsl/language/channels.ts';
import { describeStep } from '../../dsl/language/describe.ts';
import type { StepIR } from '../../dsl/language/ir.ts';
import { isDestinationStep } from '../../dsl/language/step-kinds.ts';
import type { FlowGraph, GraphNode } from './model.ts';

/** One number on a box: `key` names it in the numbers the server sends (`branch:<name>` for a branch). */
export interface Stat {
  key: string;
  label: string;
}

/** A step a run can stay at for a while (waits), where "runs here now" means something. */
export const canHoldRuns = (step: StepIR): boolean => step.kind === 'wait_for' || describeStep(step).shape === 'wait';

/** The rows of numbers a box shows, derived from what the step does. */
export function statRows(graph: FlowGraph, node: GraphNode, step: StepIR | undefined, goals = false): Stat[][] {
  const s = (key: string, label = key): Stat => ({ key, label });
  // With goals: the flow's conversions (primary goal) on the trigger, last-touch credits on each send.
  const converted = goals ? [s('converted')] : [];
  if (node.role === 'trigger')
    return [
      [s('entered'), s('completed'), ...converted],
      [s('exited'), s('failed'), s('now', 'running now')],
      [s('left_early', 'left before the first step')],
    ];
  // The ways out count the runs that left by them.
  if (node.role === 'done') return [[s('completed')]];
  if (node.role === 'exit_when' || node.role === 'goal_exit' || node.role === 'error_exit') return [[s('exited', 'left here')]];
  if (!step) return [];
  const rows: Stat[][] = [[s('entered'), s('exited'), ...(canHoldRuns(step) ? [s('now', 'here now')] : [])]];
  if (isDestinationStep(step.kind)) rows.push([s('sent'), s('failed'), s('retried'), ...converted]);
  // Sends that guardrails (caps, quiet hours, suppression) can hold back; transactional ones pass them all.
  if (channelOf(step.kind) && !step.transactional) rows.push([s('capped'), s('delayed'), s('suppressed'), s('skipped_quiet', 'quiet')]);
  const branches = graph.edges.filter((e) => e.from === node.id && e.branch !== undefined).map((e) => e.branch!);
  if (branches.length > 0) rows.push([...new Set(branches)].map((b) => s(`branch:${b}`, b)));
  return rows;
}
