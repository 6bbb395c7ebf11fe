import { channelOf } from '../../language/channels.ts';
import { isDestinationStep } from '../../language/step-kinds.ts';
import { allSteps, isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/**
 * on_error and retry apply to steps that call a destination; caps, quiet_hours and transactional
 * to steps that send a message (dsl/language/channels.ts). Elsewhere they do nothing.
 */
export const stepOptions = defineRule({
  ids: {
    'option-ignored':
      'a step option that does nothing there: on_error/retry off destination steps, caps/quiet_hours/transactional off sends (warning)',
  },
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      if (!visit.kind) continue;
      const calls = isDestinationStep(visit.kind);
      const sends = channelOf(visit.kind) !== undefined;
      for (const option of ['on_error', 'retry', 'caps', 'quiet_hours', 'transactional'] as const) {
        if (!(option in visit.step)) continue;
        if (option === 'on_error' && isRecord(visit.step.on_error)) continue; // steps that never run: an error of on-error-steps
        const destinationOption = option === 'on_error' || option === 'retry';
        if (destinationOption ? calls : sends) continue;
        const why = destinationOption ? 'it calls no destination' : 'it sends no message (only send_email, send_push and send_sms do)';
        ctx.report('option-ignored', [...visit.path, option], `${option} has no effect on a ${visit.kind} step: ${why}`, {
          severity: 'warning',
          target: 'key',
          hint: `remove ${option} here`,
        });
      }
    }
  },
});
