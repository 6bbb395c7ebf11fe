import { DAY_MS, parseDuration } from '../../language/durations.ts';
import { conditionLeaves } from '../../language/conditions.ts';
import { conditionsOf, durationsOf } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

const YEAR_MS = 365 * DAY_MS;

/** Durations must mean something: zero waits nothing, and more than a year is almost surely a typo. */
export const durations = defineRule({
  ids: { duration: 'a duration that is malformed, zero, or longer than a year' },
  check(ctx) {
    const found = [...durationsOf(ctx.flow)];
    for (const condition of conditionsOf(ctx.flow)) {
      for (const leaf of conditionLeaves(condition.value, condition.path)) {
        if (leaf.op === 'within_last') found.push({ value: String(leaf.value), path: [...leaf.path, 'within_last'] });
      }
    }
    for (const { value, path } of found) {
      const ms = parseDuration(value);
      if (ms === 0) {
        const step = path[path.length - 1] === 'wait' ? '; remove the step if no wait is meant' : '';
        ctx.report('duration', path, `'${value}' is zero`, { hint: `a duration must be at least 1s${step}` });
      } else if (ms !== undefined && ms > YEAR_MS) {
        ctx.report('duration', path, `'${value}' is longer than a year`, {
          severity: 'warning',
          hint: 'check the unit (m is minutes, not months)',
        });
      }
    }
  },
});
