import { defineRule } from './context.ts';

/** A frequency cap beside `reentry: never` can never apply: one entry is already the most. */
export const entry = defineRule({
  ids: { entry: 'an unknown reentry value, or a frequency cap that cannot apply' },
  check(ctx) {
    if (ctx.flow.entry?.reentry === 'never' && ctx.flow.entry.frequency) {
      ctx.report('entry', ['entry', 'frequency'], 'frequency has no effect with reentry: never (a user enters at most once)', {
        severity: 'warning',
        target: 'key',
        hint: 'remove frequency, or allow re-entry with reentry: after_exit or always',
      });
    }
  },
});
