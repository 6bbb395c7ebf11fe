import { isDestinationStep } from '../../language/step-kinds.ts';
import { allSteps, isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** `on_error: { steps }` runs when a destination call fails for good: a step that calls none never takes it. */
export const onErrorSteps = defineRule({
  ids: { 'on-error-steps': 'on_error steps on a step that calls no destination (they never run)' },
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      if (!visit.kind || !isRecord(visit.step.on_error)) continue;
      if (isDestinationStep(visit.kind)) continue;
      ctx.report(
        'on-error-steps',
        [...visit.path, 'on_error'],
        `these on_error steps never run: a ${visit.kind} step calls no destination`,
        {
          target: 'key',
          hint: 'put on_error on the step that calls the destination, or move these steps into the flow',
        },
      );
    }
  },
});
