import { humanDuration } from '../dsl/language/durations.ts';
import { irSteps, type FlowIR, type StepOf } from '../dsl/language/ir.ts';
import type { FlowNumbers } from '../store/step-log.ts';
import { twoProportionTest, type Proportion } from './statistics.ts';

export type Verdict = { decided: true; branch: string; reason: string } | { decided: false; why: string };

/** A split branch's runs and the primary goal's conversions among them. */
export function branchProportion(split: StepOf<'split'>, label: string, numbers: FlowNumbers, goal: string): Proportion {
  const step = numbers.steps[split.id];
  return { x: step?.branchConversions[label]?.[goal]?.converted ?? 0, n: step?.branches[label] ?? 0 };
}

const percent = (p: Proportion) => (p.n ? `${((100 * p.x) / p.n).toFixed(1)}%` : '—');

/**
 * Whether a split's experiment is decided, and for which branch. A winner written in the YAML
 * (`pick_winner.winner`) decides at once. Otherwise, once `after` has passed since the split's
 * first run and every compared (non-control) branch has `min_runs` runs, the branch with the best
 * conversion rate wins if it beats every other compared branch in a two-proportion z-test at
 * `confidence` (two-sided p < 1 − confidence). The control never wins: it sends nothing, and it
 * keeps its share after the decision so lift stays measurable.
 */
export function decideWinner(
  split: StepOf<'split'>,
  numbers: FlowNumbers,
  goal: string,
  firstRunAt: number | undefined,
  now: number,
): Verdict {
  const rule = split.pickWinner;
  if (!rule) return { decided: false, why: 'the split does not pick a winner' };
  if (rule.winner) return { decided: true, branch: rule.winner, reason: 'named in the flow file (pick_winner.winner)' };
  if (firstRunAt === undefined) return { decided: false, why: 'no run has reached the split yet' };
  // Every condition still unmet, not only the first: a marketer should see all that stands in the way.
  const waiting: string[] = [];
  const left = firstRunAt + rule.afterMs - now;
  if (left > 0) waiting.push(`${humanDuration(rule.afterMs)} have not passed since the first run (${humanDuration(left)} left)`);
  const compared = split.branches
    .filter((b) => !b.control)
    .map((b) => ({ label: b.label, p: branchProportion(split, b.label, numbers, goal) }));
  for (const c of compared) if (c.p.n < rule.minRuns) waiting.push(`${c.label} has ${c.p.n} of ${rule.minRuns} runs needed`);
  if (waiting.length) return { decided: false, why: [...waiting, ...controlAhead(split, compared, numbers, goal)].join('; ') };
  const best = [...compared].sort((a, b) => b.p.x / b.p.n - a.p.x / a.p.n)[0]!;
  const tests = compared.filter((c) => c !== best).map((c) => ({ c, t: twoProportionTest(best.p, c.p) }));
  const confidence = `${Math.round(rule.confidence * 1000) / 10}%`;
  const unsettled = tests.find(({ t }) => !t.ok || t.p >= 1 - rule.confidence);
  if (unsettled)
    return {
      decided: false,
      why: `${best.label} (${percent(best.p)}) does not beat ${unsettled.c.label} (${percent(unsettled.c.p)}) at ${confidence} yet`,
    };
  const worst = Math.max(...tests.map(({ t }) => (t.ok ? t.p : 1)));
  const rates = compared.map((c) => `${c.label} ${c.p.x}/${c.p.n} (${percent(c.p)})`).join(', ');
  return {
    decided: true,
    branch: best.label,
    reason: `${goal}: ${rates}; two-proportion z-test p = ${worst.toPrecision(2)} < ${(1 - rule.confidence).toFixed(3)}`,
  };
}

/** "the control (12.0%) is ahead of every branch", when it is: the experiment may be sending for nothing. */
function controlAhead(split: StepOf<'split'>, compared: ReadonlyArray<{ p: Proportion }>, numbers: FlowNumbers, goal: string): string[] {
  const control = split.branches.find((b) => b.control);
  if (!control) return [];
  const c = branchProportion(split, control.label, numbers, goal);
  const rate = (p: Proportion) => (p.n ? p.x / p.n : 0);
  return c.n > 0 && compared.every((b) => rate(c) > rate(b.p))
    ? [`the control${control.label === 'control' ? '' : ` ${control.label}`} (${percent(c)}) is ahead of every branch`]
    : [];
}

/** When each split's experiment began: the first run of the first version that had the split. */
export function experimentStarts(
  versions: ReadonlyArray<{ firstSeen: number; ir: FlowIR }>,
  splitIds: readonly string[],
): Record<string, number> {
  const starts: Record<string, number> = {};
  for (const v of versions) {
    for (const step of irSteps(v.ir.steps)) {
      if (splitIds.includes(step.id) && (starts[step.id] === undefined || v.firstSeen < starts[step.id]!)) starts[step.id] = v.firstSeen;
    }
  }
  return starts;
}
