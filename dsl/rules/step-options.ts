import { DESTINATION_STEPS } from '../step-kinds.ts';
import { allSteps } from '../walk.ts';
import type { RuleContext } from './context.ts';

/** on_error and retry apply to steps that call a destination; elsewhere they do nothing. */
export function stepOptions(ctx: RuleContext): void {
  for (const visit of allSteps(ctx.flow.steps)) {
    if (!visit.kind || (DESTINATION_STEPS as readonly string[]).includes(visit.kind)) continue;
    for (const option of ['on_error', 'retry'] as const) {
      if (option in visit.step) {
        ctx.report('option-ignored', [...visit.path, option], `${option} has no effect on a ${visit.kind} step: it calls no destination`, {
          severity: 'warning',
          target: 'key',
          hint: `remove ${option} here`,
        });
      }
    }
  }
}
