import { STEP_KINDS } from '../step-kinds.ts';
import { allSteps } from '../walk.ts';
import type { RuleContext } from './context.ts';

/** A step is exactly one kind: `- wait: 1d`, not `- { wait: 1d, exit: }`, and not only an id. */
export function stepKind(ctx: RuleContext): void {
  for (const visit of allSteps(ctx.flow.steps)) {
    if (visit.kinds.length === 0) {
      ctx.report('step-kind', visit.path, 'this step has no kind', { hint: `add one of: ${STEP_KINDS.join(', ')}` });
    } else if (visit.kinds.length > 1) {
      ctx.report('step-kind', [...visit.path, visit.kinds[1]!], `one step has two kinds: ${visit.kinds.join(' and ')}`, {
        target: 'key',
        hint: 'split them into separate list items, each starting with `- `',
      });
    }
  }
}
