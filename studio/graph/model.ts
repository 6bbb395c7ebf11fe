import { conditionText, describeStep, hasOwnId, triggerText } from '../../dsl/language/describe.ts';
import { formatDuration } from '../../dsl/language/durations.ts';
import { ON_ERROR_BRANCH, type FlowIR, type StepIR, type StepKindIR } from '../../dsl/language/ir.ts';
import { exitWhenReason, goalReason } from '../../dsl/language/lifecycle.ts';

/**
 * A flow as boxes and arrows, independent of the drawing language: the studio's picture, the
 * SVG of `flows graph`, Mermaid and Graphviz all come from this one model.
 */
export interface GraphNode {
  id: string;
  lines: string[];
  shape: 'start' | 'action' | 'wait' | 'decision' | 'end';
  /** What the box stands for: a step's kind, or the trigger and the ways out. */
  role: StepKindIR | 'trigger' | 'done' | 'exit_when' | 'goal_exit' | 'error_exit' | 'removed';
  /** The step's id (IR), for numbers and the panel. */
  step?: string;
  /** For a way out at any step: the exit reason its runs record (lifecycle.ts), which counts them. */
  exit?: string;
  /** With `--compare`: how the step differs from the other version. */
  mark?: 'added' | 'changed' | 'removed';
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  /** The branch name the step-event log records for this arrow (then/else, event/timeout, a split label). */
  branch?: string;
}

export interface FlowGraph {
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** An arrow still looking for the step it leads to. */
interface Loose {
  from: string;
  label?: string;
  branch?: string;
}

/**
 * With `ids: false` a box leaves out its step's `id:` line (the studio shows the id on hover and in
 * the panel, and the saved line lets the whole flow fit the screen); `flows graph` keeps it.
 */
export function flowGraph(flow: FlowIR, options: { ids?: boolean } = {}): FlowGraph {
  const ids = options.ids ?? true;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (
    lines: string[],
    shape: GraphNode['shape'],
    role: GraphNode['role'],
    more: Pick<GraphNode, 'step' | 'exit'> = {},
  ): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, lines, shape, role, ...more });
    return id;
  };
  const connect = (loose: Loose[], to: string) => {
    for (const l of loose) edges.push({ from: l.from, to, label: l.label || undefined, branch: l.branch || undefined });
  };
  const branch = (steps: StepIR[], from: string, label: string, name: string): Loose[] => walk(steps, [{ from, label, branch: name }]);
  const walk = (steps: StepIR[], incoming: Loose[]): Loose[] => {
    let loose = incoming;
    for (const step of steps) {
      const { lines, shape } = describeStep(step);
      const shown = lines.filter(Boolean);
      const node = add(ids && hasOwnId(step) ? [...shown, `id: ${step.id}`] : shown, shape, step.kind, { step: step.id });
      if (step.onError === 'exit') exits.push({ from: node, label: 'on error' });
      connect(loose, node);
      switch (step.kind) {
        case 'exit':
          return [];
        case 'check':
          loose = [...branch(step.then, node, 'then', 'then'), ...branch(step.else, node, 'else', 'else')];
          break;
        case 'wait_for':
          loose = [
            ...branch(step.then, node, `then: ${step.event}`, 'event'),
            ...branch(step.else, node, `else: after ${formatDuration(step.timeoutMs)}`, 'timeout'),
          ];
          break;
        case 'split':
          loose = step.branches.flatMap((b) =>
            branch(b.steps, node, b.label === `${b.percent}%` ? b.label : `${b.label} ${b.percent}%`, b.label),
          );
          break;
        default:
          loose = [{ from: node }];
      }
      // A failure branch leaves the step beside its way on, and joins it after the step.
      if (typeof step.onError === 'object') loose = [...loose, ...branch(step.onError.steps, node, 'on error', ON_ERROR_BRANCH)];
    }
    return loose;
  };
  // Ways out other than the end of the steps: exit_when at any step, a failed step with on_error: exit.
  const exits: Loose[] = [];
  const start = add(triggerText(flow.trigger), 'start', 'trigger');
  const loose = walk(flow.steps, [{ from: start }]);
  if (loose.length > 0) connect(loose, add(['done'], 'end', 'done'));
  for (const match of flow.exitWhen) {
    const lines = [`exit when ${match.event}`, ...(match.where ? [`where ${conditionText(match.where)}`] : [])];
    connect([{ from: start, label: 'at any step' }], add(lines, 'end', 'exit_when', { exit: exitWhenReason(match.event) }));
  }
  for (const goal of flow.goals ?? []) {
    if (!goal.exit) continue;
    const node = add([`goal reached: ${goal.name}`, 'exit: true'], 'end', 'goal_exit', { exit: goalReason(goal.name) });
    connect([{ from: start, label: 'at any step' }], node);
  }
  if (exits.length > 0) connect(exits, add(['exit (step failed)'], 'end', 'error_exit'));
  const status = flow.status === 'active' ? '' : ` (${flow.status})`;
  return { title: `${flow.name}${status}`, nodes, edges };
}
