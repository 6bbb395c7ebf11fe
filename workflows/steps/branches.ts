import { evaluate } from '../../dsl/language/evaluate.ts';
import type { ConditionIR } from '../../dsl/language/conditions.ts';
import type { StepOf } from '../../dsl/language/ir.ts';
import type { StepHandler } from '../run.ts';

const readsProfile = (c: ConditionIR): boolean =>
  'all' in c
    ? c.all.some(readsProfile)
    : 'any' in c
      ? c.any.some(readsProfile)
      : 'not' in c
        ? readsProfile(c.not)
        : c.field[0] === 'profile';

/** `check`: a profile named in the condition is read fresh when the step runs, not at entry. */
// Chained, not async: an async layer costs promises, and the worker's promise hook captures a
// stack for each (the wait handler and run.readProfile likewise).
export const check: StepHandler<StepOf<'check'>> = (step, run, event) => {
  const branch = (profile: typeof run.state.profile) => {
    const holds = evaluate(step.if, { event, profile, vars: run.state.vars }, Date.now());
    run.events.add(step.id, 'branch', { branch: holds ? 'then' : 'else' });
    return { branch: holds ? step.then : step.else, event };
  };
  return readsProfile(step.if) ? run.readProfile().then(branch) : branch(run.state.profile);
};

/**
 * `split`: the workflow's seeded random, so a replay draws the same branch. Once an experiment
 * has a winner (named in the YAML, or decided and passed in the run's input), a draw of any other
 * non-control branch goes to the winner: the holdout keeps its share, so lift stays measurable.
 */
export const split: StepHandler<StepOf<'split'>> = (step, run, event) => {
  const draw = Math.random() * 100;
  let upTo = 0;
  const drawn = step.branches.find((b) => draw < (upTo += b.percent)) ?? step.branches[step.branches.length - 1]!;
  const winnerLabel = step.pickWinner?.winner ?? run.input.winners?.[step.id];
  const winner = step.branches.find((b) => b.label === winnerLabel && !b.control);
  const taken = winner && !drawn.control ? winner : drawn;
  run.events.add(step.id, 'branch', { branch: taken.label });
  return { branch: taken.steps, event };
};

/** `exit`: leave the flow. */
export const exit: StepHandler<StepOf<'exit'>> = (step, run) => {
  run.state.exitReason = `exit at ${step.id}`;
  return 'exit';
};
