import { STEP_KINDS } from '../../language/step-kinds.ts';
import { allSteps } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** Keys of a step besides its kind. */
const OPTIONS = ['id', 'on_error', 'retry'];

/** A step is exactly one kind: `- wait: 1d`, not `- { wait: 1d, exit: }`, and not only an id. */
export const stepKind = defineRule({
  ids: { 'step-kind': 'a step with no kind or more than one' },
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      // A step whose only kind is misspelt has the schema's finding, with the kind it means.
      const unknown = Object.keys(visit.step).filter((k) => !OPTIONS.includes(k));
      if (visit.kinds.length === 0 && unknown.length === 0) {
        ctx.report('step-kind', visit.path, 'this step has no kind', { hint: `add one of: ${STEP_KINDS.join(', ')}` });
      } else if (visit.kinds.length > 1) {
        ctx.report('step-kind', [...visit.path, visit.kinds[1]!], `one step has two kinds: ${visit.kinds.join(' and ')}`, {
          target: 'key',
          hint: 'split them into separate list items, each starting with `- `',
        });
      }
    }
  },
});
