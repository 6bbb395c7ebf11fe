import { allSteps, isRecord, splitParts } from '../../parse/walk.ts';
import { defineRule } from './context.ts';

/** The branches of a split share every entry between them: their percents add up to 100. */
export const split = defineRule({
  ids: { 'split-percent': 'split percents that do not add up to 100' },
  check(ctx) {
    for (const visit of allSteps(ctx.flow.steps)) {
      const split = splitParts(visit);
      if (!split || split.items.length === 0) continue; // no branches at all: the schema's finding says so
      const percents = split.items.map((b) => (isRecord(b) ? b.percent : undefined));
      // A branch without a number has its own schema finding; a total without it would mislead.
      if (!percents.every((p): p is number => typeof p === 'number' && Number.isFinite(p))) continue;
      const total = percents.reduce((sum, p) => sum + p, 0);
      if (Math.abs(total - 100) > 1e-9) {
        ctx.report('split-percent', [...visit.path, 'split'], `split percents add up to ${round(total)}, not 100`, {
          target: 'key',
          hint: total < 100 ? `add ${round(100 - total)} to a branch` : `take ${round(total - 100)} off a branch`,
        });
      }
    }
  },
});

const round = (n: number): number => Math.round(n * 1000) / 1000;
