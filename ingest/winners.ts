import { irSteps, type FlowIR, type StepOf } from '../dsl/language/ir.ts';
import { decideWinner, experimentStarts } from '../goals/winner.ts';
import type { StepLog, WinnerDecision } from '../store/step-log.ts';

/** How long a process reuses what it knows of a flow's winners before asking the log again. */
const WINNERS_TTL_MS = 10_000;

type Experiment = StepOf<'split'> & { pickWinner: NonNullable<StepOf<'split'>['pickWinner']> };

/**
 * The splits of a flow that pick a winner from the numbers (a winner written in the YAML needs no
 * decision); found once per loaded flow, since every start asks.
 */
const found = new WeakMap<FlowIR, Experiment[]>();
const experiments = (flow: FlowIR): Experiment[] => {
  let splits = found.get(flow);
  if (!splits) {
    splits = [...irSteps(flow.steps)].filter(
      (s): s is Experiment => s.kind === 'split' && s.pickWinner !== undefined && !s.pickWinner.winner,
    );
    found.set(flow, splits);
  }
  return splits;
};

const known = new WeakMap<StepLog, Map<FlowIR, { at: number; winners: Promise<Record<string, string>> }>>();

/**
 * The winners new runs of a flow go to (split id → branch label), decided once from the primary
 * goal's numbers and kept in the step log (the first recorded decision stands, whichever process
 * made it). A flow without such splits costs nothing; one with them asks the log at most every
 * WINNERS_TTL_MS per process. A log that cannot answer decides nothing: runs split as drawn.
 */
export function winnersFor(stepLog: StepLog, flow: FlowIR, now: number): Promise<Record<string, string>> {
  const splits = experiments(flow);
  if (splits.length === 0) return Promise.resolve({});
  let perFlow = known.get(stepLog);
  if (!perFlow) known.set(stepLog, (perFlow = new Map()));
  const cached = perFlow.get(flow);
  if (cached && now - cached.at < WINNERS_TTL_MS) return cached.winners;
  const winners = decide(stepLog, flow, splits, now).catch((error: Error) => {
    console.warn(`winners of ${flow.flow} not read: ${error.message}; runs split as drawn`);
    return {};
  });
  perFlow.set(flow, { at: now, winners });
  return winners;
}

async function decide(stepLog: StepLog, flow: FlowIR, splits: Experiment[], now: number): Promise<Record<string, string>> {
  const standing = new Map((await stepLog.decisions(flow.flow)).map((d) => [d.step, d]));
  const goal = flow.goals?.[0];
  const undecided = splits.filter((s) => !standing.has(s.id));
  if (goal && undecided.length > 0) {
    const [numbers, versions] = await Promise.all([stepLog.numbers(flow.flow), stepLog.versions(flow.flow)]);
    const starts = experimentStarts(
      versions,
      undecided.map((s) => s.id),
    );
    for (const split of undecided) {
      const verdict = decideWinner(split, numbers, goal.name, starts[split.id], now);
      if (!verdict.decided) continue;
      const decision: WinnerDecision = {
        flowId: flow.flow,
        step: split.id,
        branch: verdict.branch,
        at: now,
        version: flow.version,
        goal: goal.name,
        reason: verdict.reason,
      };
      standing.set(split.id, await stepLog.recordDecision(decision));
      console.info(`flow ${flow.flow}: split ${split.id} picked winner ${decision.branch} (${decision.reason})`);
    }
  }
  const winners: Record<string, string> = {};
  for (const split of splits) {
    const branch = standing.get(split.id)?.branch;
    // A decision for a branch the YAML has since removed or made the control no longer applies.
    if (branch !== undefined && split.branches.some((b) => b.label === branch && !b.control)) winners[split.id] = branch;
  }
  return winners;
}
