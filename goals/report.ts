import { stepLabel } from '../dsl/language/describe.ts';
import { irSteps, type FlowIR, type StepOf } from '../dsl/language/ir.ts';
import type { FlowNumbers, WinnerDecision } from '../store/step-log.ts';
import { liftInterval } from './statistics.ts';
import { branchProportion, decideWinner, experimentStarts } from './winner.ts';

/** The confidence of lift intervals when a split names none (its pick_winner's otherwise). */
const DEFAULT_CONFIDENCE = 0.95;

interface GoalRow {
  goal: string;
  primary: boolean;
  /** Runs that entered the flow in the window. */
  entered: number;
  /** Runs that converted (each run once per goal). */
  converted: number;
  /** converted / entered; undefined without runs. */
  rate?: number;
  value: number;
}

interface BranchRow {
  label: string;
  control: boolean;
  runs: number;
  converted: number;
  rate?: number;
  value: number;
  /** Relative lift over the control's rate with its interval, when the split has a control. */
  lift?: { lift: number; low: number; high: number };
  /** Why there is no lift (no control, no conversions on a side). */
  liftWhy?: string;
  winner: boolean;
  /** The best conversion rate so far, control included (none while no branch has converted, or on a tie). */
  leading: boolean;
}

interface ExperimentReport {
  step: string;
  title: string;
  /** The goal the branches are compared on: the flow's primary goal. */
  goal: string;
  confidence: number;
  branches: BranchRow[];
  /** The recorded decision, or the winner the YAML names. */
  winner?: { branch: string; at?: number; reason: string };
  /** For a split that picks a winner and has none yet: why not. */
  pending?: string;
}

interface CreditRow {
  step: string;
  title: string;
  goal: string;
  /** Conversions whose last send before them was this step (last touch). */
  converted: number;
  value: number;
}

export interface FlowReport {
  flow: string;
  name: string;
  /** undefined: every version. */
  version?: string;
  since?: number;
  goals: GoalRow[];
  experiments: ExperimentReport[];
  credits: CreditRow[];
}

const rateOf = (x: number, n: number): number | undefined => (n > 0 ? x / n : undefined);

/**
 * The goal and experiment tables of a flow, from the step log's numbers and the recorded winners:
 * what `flows report` prints and the studio shows. `versions`, the versions the log recorded,
 * date each experiment's first run, so a split that picks a winner can say how long is left.
 */
export function buildReport(
  ir: FlowIR,
  numbers: FlowNumbers,
  decisions: readonly WinnerDecision[],
  options: { now: number; version?: string; since?: number; versions: ReadonlyArray<{ firstSeen: number; ir: FlowIR }> },
): FlowReport {
  const goals = ir.goals ?? [];
  const splits = [...irSteps(ir.steps)].filter((s) => s.kind === 'split').map((s) => s.id);
  const firstRunAt = experimentStarts(options.versions, splits);
  const primary = goals[0]?.name;
  const report: FlowReport = {
    flow: ir.flow,
    name: ir.name,
    version: options.version,
    since: options.since,
    goals: goals.map((g, i) => {
      const c = numbers.goals[g.name] ?? { converted: 0, value: 0 };
      return { goal: g.name, primary: i === 0, entered: numbers.entered, ...c, rate: rateOf(c.converted, numbers.entered) };
    }),
    experiments: [],
    credits: [],
  };
  if (!primary) return report;
  // Credits in the flow's order of goals (the log's order is by time); a goal since removed, last.
  const names = goals.map((g) => g.name);
  const rank = (goal: string) => (names.includes(goal) ? names.indexOf(goal) : names.length);
  for (const step of irSteps(ir.steps)) {
    if (step.kind === 'split') report.experiments.push(experiment(step, numbers, decisions, primary, { now: options.now, firstRunAt }));
    const credited = Object.entries(numbers.steps[step.id]?.conversions ?? {}).sort(([a], [b]) => rank(a) - rank(b));
    for (const [goal, c] of credited) report.credits.push({ step: step.id, title: stepLabel(step), goal, ...c });
  }
  return report;
}

function experiment(
  split: StepOf<'split'>,
  numbers: FlowNumbers,
  decisions: readonly WinnerDecision[],
  goal: string,
  options: { now: number; firstRunAt?: Record<string, number> },
): ExperimentReport {
  const confidence = split.pickWinner?.confidence ?? DEFAULT_CONFIDENCE;
  const recorded = decisions.find((d) => d.step === split.id);
  const verdict = split.pickWinner ? decideWinner(split, numbers, goal, options.firstRunAt?.[split.id], options.now) : undefined;
  const winner = split.pickWinner?.winner
    ? { branch: split.pickWinner.winner, reason: 'named in the flow file (pick_winner.winner)' }
    : recorded
      ? { branch: recorded.branch, at: recorded.at, reason: recorded.reason }
      : undefined;
  const control = split.branches.find((b) => b.control);
  const controlRate = control ? branchProportion(split, control.label, numbers, goal) : undefined;
  const branches = split.branches.map((b): BranchRow => {
    const p = branchProportion(split, b.label, numbers, goal);
    const row: BranchRow = {
      label: b.label,
      control: b.control === true,
      runs: p.n,
      converted: p.x,
      rate: rateOf(p.x, p.n),
      value: numbers.steps[split.id]?.branchConversions[b.label]?.[goal]?.value ?? 0,
      winner: winner?.branch === b.label,
      leading: false,
    };
    if (b.control) return row;
    if (!controlRate) return { ...row, liftWhy: 'no control branch' };
    const lift = liftInterval(p, controlRate, confidence);
    return lift.ok ? { ...row, lift: { lift: lift.lift, low: lift.low, high: lift.high } } : { ...row, liftWhy: lift.why };
  });
  const best = Math.max(...branches.map((b) => b.rate ?? 0));
  const leaders = branches.filter((b) => best > 0 && b.rate === best);
  if (leaders.length === 1) leaders[0]!.leading = true;
  return {
    step: split.id,
    title: stepLabel(split),
    goal,
    confidence,
    branches,
    winner,
    pending: !winner && verdict && !verdict.decided ? verdict.why : undefined,
  };
}
