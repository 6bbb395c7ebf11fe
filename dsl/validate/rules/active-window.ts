import { LOCAL_DATE_FORMAT, localMoment } from '../../language/lifecycle.ts';
import { isRecord } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** `active: { from, until }`: real dates (a date, or a local date and time), until after from. */
export const activeWindow = defineRule({
  ids: { 'active-window': 'an active window whose from or until is not a date, or whose until is not after its from' },
  check(ctx) {
    const active = ctx.flow.active;
    if (!isRecord(active)) return;
    // The order of two local times does not depend on the zone: UTC compares them.
    const moments: Partial<Record<'from' | 'until', number>> = {};
    for (const edge of ['from', 'until'] as const) {
      if (active[edge] === undefined) continue;
      const at = localMoment(active[edge], 'UTC', edge);
      if (at === undefined) {
        ctx.report('active-window', ['active', edge], `active.${edge} ${JSON.stringify(active[edge])} is not a date`, {
          hint: `write ${LOCAL_DATE_FORMAT}, e.g. 2025-03-01 or 2025-03-01T09:00 (in the config's time zone)`,
        });
      } else moments[edge] = at;
    }
    if (moments.from !== undefined && moments.until !== undefined && moments.until <= moments.from) {
      ctx.report(
        'active-window',
        ['active', 'until'],
        `active.until (${String(active.until)}) is not after active.from (${String(active.from)})`,
        {
          hint: 'the window would never open: swap the dates or move until later',
        },
      );
    }
    if (active.then !== undefined && active.until === undefined) {
      ctx.report('active-window', ['active', 'then'], 'active.then has no effect without active.until', {
        severity: 'warning',
        target: 'key',
        hint: 'add until (when the flow stops taking entries) or remove then',
      });
    }
  },
});
