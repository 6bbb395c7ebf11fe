import { allSteps } from '../walk.ts';
import type { RuleContext } from './context.ts';

/** The branches of a split share every entry between them: their percents add up to 100. */
export function split(ctx: RuleContext): void {
  for (const visit of allSteps(ctx.flow.steps)) {
    if (visit.kind !== 'split') continue;
    const branches = visit.body as Array<{ percent: number }>;
    const total = branches.reduce((sum, b) => sum + b.percent, 0);
    if (Math.abs(total - 100) > 1e-9) {
      ctx.report('split-percent', [...visit.path, 'split'], `split percents add up to ${round(total)}, not 100`, {
        target: 'key',
        hint: total < 100 ? `add ${round(100 - total)} to a branch` : `take ${round(total - 100)} off a branch`,
      });
    }
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
