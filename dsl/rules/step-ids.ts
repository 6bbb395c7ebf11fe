import { allSteps } from '../walk.ts';
import type { RuleContext } from './context.ts';

/** Step ids name steps in Temporal Web and stats, so two steps may not share one. */
export function stepIds(ctx: RuleContext): void {
  const firstLine = new Map<string, number>();
  for (const visit of allSteps(ctx.flow.steps)) {
    if (typeof visit.step.id !== 'string') continue;
    const path = [...visit.path, 'id'];
    const earlier = firstLine.get(visit.id);
    if (earlier === undefined) firstLine.set(visit.id, ctx.locate(path).line);
    else
      ctx.report('duplicate-step-id', path, `step id '${visit.id}' is already used on line ${earlier}`, {
        hint: 'give each step its own id',
      });
  }
}
