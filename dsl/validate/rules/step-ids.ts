import { allSteps } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Step ids name steps in Temporal Web and stats, so two steps may not share one. */
export const stepIds = defineRule({
  ids: { 'duplicate-step-id': 'two steps of a flow share an id' },
  check(ctx) {
    // Paths, not lines: a place is read from the file only for a finding (dsl/parse/quick-parse.ts).
    const first = new Map<string, readonly (string | number)[]>();
    for (const visit of allSteps(ctx.flow.steps)) {
      if (typeof visit.step.id !== 'string') continue;
      const path = [...visit.path, 'id'];
      const earlier = first.get(visit.id);
      if (earlier === undefined) first.set(visit.id, path);
      else
        ctx.report('duplicate-step-id', path, `step id '${visit.id}' is already used on line ${ctx.locate(earlier).line}`, {
          hint: 'give each step its own id',
        });
    }
  },
});
