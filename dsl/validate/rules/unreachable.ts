import { branchesOf, listVisits, type StepVisit } from '../../parse/walk.ts';
import { defineRule, type RuleContext } from './context.ts';

/** Steps after an `exit` on the same path never run: almost always a misplaced exit. */
export const unreachable = defineRule({
  ids: { 'unreachable-step': 'steps after an exit on the same path' },
  check(ctx) {
    checkList(ctx, ctx.flow.steps, ['steps'], '#');
  },
});

/** Returns whether the list always ends the flow. */
function checkList(ctx: RuleContext<'unreachable-step'>, steps: unknown[], path: readonly (string | number)[], prefix: string): boolean {
  const visits = listVisits(steps, path, prefix);
  for (const [i, visit] of visits.entries()) {
    if (!alwaysExits(ctx, visit)) continue;
    const next = visits[i + 1];
    if (next) {
      const because = visit.kind === 'exit' ? 'the `exit` before it' : `every branch of the ${visit.kind} before it exits`;
      ctx.report('unreachable-step', next.path, `this step can never run: ${because}`, {
        hint: 'move the exit after the steps that should still run, or remove these steps',
      });
    }
    return true;
  }
  return false;
}

function alwaysExits(ctx: RuleContext<'unreachable-step'>, visit: StepVisit): boolean {
  if (visit.kind === 'exit') return true;
  const branches = branchesOf(visit);
  // Every branch is checked (not short-circuited) so each reports its own unreachable steps.
  const exits = branches.map((b) => checkList(ctx, b.steps, b.path, `${visit.position}.${b.idPart}.`));
  // A failure branch runs only when the step fails: the step goes on when it succeeds.
  const own = branches.filter((b) => !b.onError);
  return own.length > 0 && exits.slice(0, own.length).every(Boolean);
}
