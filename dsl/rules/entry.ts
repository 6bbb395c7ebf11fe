import type { RuleContext } from './context.ts';

/** A frequency cap beside `reentry: never` can never apply: one entry is already the most. */
export function entry(ctx: RuleContext): void {
  if (ctx.flow.entry?.reentry === 'never' && ctx.flow.entry.frequency) {
    ctx.report('entry', ['entry', 'frequency'], 'frequency has no effect with reentry: never (a user enters at most once)', {
      severity: 'warning',
      target: 'key',
      hint: 'remove frequency, or allow re-entry with reentry: after_exit or always',
    });
  }
}
