import type { Picture, PictureNumbers, PlacedEdge, PlacedNode } from '../api.ts';
import { share } from './format.ts';

/** How a number reads: its colour on the box says what kind of way on (or out) it counts. */
type Tone = 'count' | 'good' | 'bad' | 'exit' | 'now' | 'held';

/** One number on a box: its value, and its share of the runs it is a part of. */
export interface Shown {
  key: string;
  label: string;
  value: number;
  share: string;
  tone: Tone;
  /** The tooltip: what the number counts (guardrails), or what its share is of. */
  title?: string;
}

/** One arrow's count: runs that went this way, and their share of the runs that reached the arrow's start. */
export interface EdgeCount {
  count: number;
  share: string;
}

const TONES: Record<string, Tone> = {
  completed: 'good',
  sent: 'good',
  converted: 'good',
  failed: 'bad',
  exited: 'exit',
  left_early: 'exit',
  now: 'now',
};
/** Guardrails' numbers: a send held back or put off, in words (docs/studio.md). Shown only once one happened. */
const HELD: Record<string, string> = {
  capped: 'sends skipped: the user had reached a frequency cap for this channel',
  delayed: 'sends held until quiet hours ended or a cap let them through',
  suppressed: 'sends skipped: the user is on a suppression list',
  skipped_quiet: 'sends skipped: they fell in quiet hours',
};

/** Every number a box can show, by stat key: its step's, the flow's, or its way out's. */
export function nodeValues(node: PlacedNode, numbers: PictureNumbers): Record<string, number> {
  switch (node.role) {
    case 'trigger':
      return { ...numbers.flow, left_early: numbers.leftEarly };
    case 'done':
      return { completed: numbers.flow.completed ?? 0 };
    case 'exit_when':
    case 'goal_exit':
      return { exited: numbers.exits[node.exit ?? ''] ?? 0 };
    case 'error_exit':
      return { exited: numbers.errorExits };
    default:
      return node.step !== undefined ? (numbers.steps[node.step] ?? {}) : {};
  }
}

/**
 * The arrows' counts. A branch's arrow counts the runs that took it; an arrow from the trigger, or
 * into a step only it leads to, counts the runs that entered its end; an arrow into a way out counts
 * those that left by it. An arrow into a step several lead to has no count of its own.
 */
export function edgeCounts(picture: Picture, numbers: PictureNumbers): Map<PlacedEdge, EdgeCount> {
  const byId = new Map(picture.nodes.map((n) => [n.id, n]));
  const into = new Map<string, number>();
  for (const e of picture.edges) into.set(e.to, (into.get(e.to) ?? 0) + 1);
  const entered = (n: PlacedNode): number => (n.role === 'trigger' ? (numbers.flow.entered ?? 0) : (nodeValues(n, numbers).entered ?? 0));
  const counts = new Map<PlacedEdge, EdgeCount>();
  for (const e of picture.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to) continue;
    let count: number | undefined;
    if (e.branch !== undefined && from.step !== undefined) count = numbers.steps[from.step]?.[`branch:${e.branch}`] ?? 0;
    else if (to.role === 'exit_when' || to.role === 'goal_exit') count = nodeValues(to, numbers).exited;
    else if (to.role === 'done' && into.get(to.id) === 1) count = numbers.flow.completed ?? 0;
    else if (to.step !== undefined && into.get(to.id) === 1) count = entered(to);
    if (count !== undefined) counts.set(e, { count, share: share(count, entered(from)) });
  }
  return counts;
}

/**
 * The rows of numbers a box shows on the flow page, from the stats its step can have
 * (studio/graph/stats.ts). Branch counts are drawn on their arrows instead; guardrails' only once
 * they held a send back.
 */
export function nodeRows(node: PlacedNode, values: Record<string, number>, enteredFrom: EdgeCount | undefined): Shown[][] {
  const entered = values.entered ?? 0;
  const ofWhat = node.role === 'trigger' ? 'the runs that entered the flow' : 'the runs that entered the step';
  const shown = (key: string, label: string): Shown => {
    const value = values[key] ?? 0;
    const base = { key, label, value };
    if (key in HELD) return { ...base, share: share(value, entered), tone: 'held', title: HELD[key]! };
    const tone = TONES[key] ?? 'count';
    if (key === 'now') return { ...base, share: '', tone };
    if (key === 'entered') {
      const part = node.role === 'trigger' ? '' : (enteredFrom?.share ?? '');
      return { ...base, share: part, tone, ...(part ? { title: `${part} of the runs that reached the step before` } : {}) };
    }
    const part = share(value, entered);
    return { ...base, share: part, tone, ...(part ? { title: `${part} of ${ofWhat}` } : {}) };
  };
  const rows = node.stats.map((row) =>
    row.filter((s) => !s.key.startsWith('branch:') && !(s.key in HELD && !values[s.key])).map((s) => shown(s.key, s.label)),
  );
  return rows.filter((r) => r.length > 0);
}
