import { stepLabel, triggerText } from '../../dsl/language/describe.ts';
import { childLists, irSteps, type FlowIR, type StepIR } from '../../dsl/language/ir.ts';
import { hasOwnId } from '../../dsl/language/describe.ts';
import type { FlowGraph } from './model.ts';

export interface FlowChange {
  mark: 'added' | 'removed' | 'changed';
  /** The step's key in the match (its id, or position and kind for a step without one). */
  key: string;
  what: string;
  step?: StepIR;
}

/** Steps are matched by their own id; a step without one by its place and kind (`#3 wait`). */
const keyOf = (step: StepIR): string => (hasOwnId(step) ? step.id : `${step.position} ${step.kind}`);

/** What a step does, without where it sits or what hangs below it (its children are compared on their own). */
function essence(step: StepIR): string {
  const copy: Record<string, unknown> = { ...step };
  for (const key of ['id', 'position', 'line', 'then', 'else']) delete copy[key];
  if (step.kind === 'split') copy.branches = step.branches.map((b) => ({ label: b.label, percent: b.percent }));
  // A list that became non-empty (or empty) changes where runs go: it counts as a change of the step.
  if (childLists(step).length) copy.shape = childLists(step).map((l) => l.length > 0);
  return JSON.stringify(copy);
}

/** Added, removed and changed steps (and trigger, entry, exit_when) between two versions of a flow. */
export function compareFlows(before: FlowIR, after: FlowIR): FlowChange[] {
  const old = new Map([...irSteps(before.steps)].map((s) => [keyOf(s), s]));
  const now = new Map([...irSteps(after.steps)].map((s) => [keyOf(s), s]));
  const changes: FlowChange[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const flowPart = <T>(key: string, name: string, pick: (f: FlowIR) => T, show: (v: T) => string) => {
    const [was, is] = [pick(before), pick(after)];
    if (!same(was, is)) changes.push({ mark: 'changed', key, what: `${name}: ${show(was)} → ${show(is)}` });
  };
  flowPart(
    '$trigger',
    'trigger',
    (f) => f.trigger,
    (t) => triggerText(t).join(' '),
  );
  flowPart(
    '$entry',
    'entry',
    (f) => f.entry,
    (e) => JSON.stringify(e),
  );
  flowPart(
    '$exit',
    'exit_when',
    (f) => f.exitWhen,
    (x) => x.map((e) => e.event).join(', ') || 'none',
  );
  flowPart(
    '$status',
    'status',
    (f) => f.status,
    (s) => s,
  );
  for (const [key, step] of now) {
    const was = old.get(key);
    if (!was) changes.push({ mark: 'added', key, what: `added ${stepLabel(step)}`, step });
    else if (essence(was) !== essence(step)) changes.push({ mark: 'changed', key, what: `changed ${stepLabel(step)}`, step });
  }
  for (const [key, step] of old) if (!now.has(key)) changes.push({ mark: 'removed', key, what: `removed ${stepLabel(step)}`, step });
  return changes;
}

/** Marks the picture: added and changed boxes, the trigger when it changed, removed steps as loose boxes of their own. */
export function markGraph(graph: FlowGraph, after: FlowIR, changes: FlowChange[]): FlowGraph {
  const byKey = new Map([...irSteps(after.steps)].map((s) => [s.id, keyOf(s)]));
  const marks = new Map(changes.filter((c) => c.mark !== 'removed').map((c) => [c.key, c.mark]));
  const triggerChanged = changes.some((c) => c.key === '$trigger' || c.key === '$exit');
  const nodes = graph.nodes.map((node) => {
    const stepMark = node.step !== undefined ? marks.get(byKey.get(node.step)!) : undefined;
    const mark = node.role === 'trigger' ? (triggerChanged ? 'changed' : undefined) : stepMark;
    return mark ? { ...node, mark } : node;
  });
  for (const change of changes.filter((c) => c.mark === 'removed')) {
    nodes.push({
      id: `n${nodes.length}`,
      lines: [`removed: ${stepLabel(change.step!)}`],
      shape: 'action',
      role: 'removed',
      mark: 'removed',
    });
  }
  return { ...graph, nodes };
}
