import { fieldProblem } from '../../language/conditions.ts';
import { isTimeZone } from '../../language/time-zones.ts';
import { allSteps, isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** wait_until's timezone is an IANA zone or a profile field that holds one. */
export const waitUntil = defineRule({
  ids: {},
  uses: ['time-zone'],
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      if (visit.kind !== 'wait_until') continue;
      const zone = isRecord(visit.body) ? visit.body.timezone : undefined;
      if (typeof zone !== 'string') continue;
      const path = [...visit.path, 'wait_until', 'timezone'];
      if (zone.startsWith('profile.') || zone.startsWith('event.') || zone.startsWith('vars.')) {
        const problem = fieldProblem(zone);
        if (problem) ctx.report('time-zone', path, problem.message, { hint: problem.hint });
      } else if (!isTimeZone(zone)) {
        ctx.report('time-zone', path, `'${zone}' is not an IANA time zone nor a field`, {
          hint: 'write a zone such as Europe/Paris, or a field such as profile.attributes.timezone',
        });
      }
    }
  },
});
