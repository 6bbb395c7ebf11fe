import { conditionText, describeStep, hasOwnId, triggerText } from '../../dsl/describe.ts';
import { formatDuration } from '../../dsl/durations.ts';
import type { FlowIR, StepIR } from '../../dsl/ir.ts';

/** A flow as boxes and arrows, independent of the drawing language. */
export interface GraphNode {
  id: string;
  lines: string[];
  shape: 'start' | 'action' | 'wait' | 'decision' | 'end';
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
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
}

export function flowGraph(flow: FlowIR): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (lines: string[], shape: GraphNode['shape']): string => {
    const id = `n${nodes.length}`;
    nodes.push({ id, lines, shape });
    return id;
  };
  const connect = (loose: Loose[], to: string) => {
    for (const l of loose) edges.push({ from: l.from, to, ...(l.label ? { label: l.label } : {}) });
  };
  const branch = (steps: StepIR[], from: string, label: string): Loose[] => walk(steps, [{ from, label }]);
  const walk = (steps: StepIR[], incoming: Loose[]): Loose[] => {
    let loose = incoming;
    for (const step of steps) {
      const { lines, shape } = describeStep(step);
      const shown = lines.filter(Boolean);
      const node = add(hasOwnId(step) ? [...shown, `id: ${step.id}`] : shown, shape);
      if (step.onError === 'exit') exits.push({ from: node, label: 'on error' });
      connect(loose, node);
      switch (step.kind) {
        case 'exit':
          return [];
        case 'check':
          loose = [...branch(step.then, node, 'then'), ...branch(step.else, node, 'else')];
          break;
        case 'wait_for':
          loose = [...branch(step.then, node, `then: ${step.event}`), ...branch(step.else, node, `else: after ${formatDuration(step.timeoutMs)}`)];
          break;
        case 'split':
          loose = step.branches.flatMap((b) => branch(b.steps, node, b.label === `${b.percent}%` ? b.label : `${b.label} ${b.percent}%`));
          break;
        default:
          loose = [{ from: node }];
      }
    }
    return loose;
  };
  // Ways out other than the end of the steps: exit_when at any step, a failed step with on_error: exit.
  const exits: Loose[] = [];
  const start = add(triggerText(flow.trigger), 'start');
  const loose = walk(flow.steps, [{ from: start }]);
  if (loose.length > 0) connect(loose, add(['done'], 'end'));
  for (const match of flow.exitWhen) {
    const lines = [`exit when ${match.event}`, ...(match.where ? [`where ${conditionText(match.where)}`] : [])];
    connect([{ from: start, label: 'at any step' }], add(lines, 'end'));
  }
  if (exits.length > 0) connect(exits, add(['exit (step failed)'], 'end'));
  const status = flow.status === 'active' ? '' : ` (${flow.status})`;
  return { title: `${flow.name}${status}`, nodes, edges };
}

