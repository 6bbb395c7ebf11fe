import { expect, it } from 'vitest';
import type { StepOf } from '../../dsl/language/ir.ts';
import { decideWinner } from '../../goals/winner.ts';
import type { FlowNumbers } from '../../store/step-log.ts';
import { compile } from '../helpers/temporal.ts';

const flow = (pick: string) =>
  compile(`flow: pick
trigger: { event: go }
goals: [ { event: buy } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [ { send_event: { destination: mparticle, event: a } } ] }
        - { label: B, percent: 40, steps: [ { send_event: { destination: mparticle, event: b } } ] }
        - { label: hold, percent: 20, control: true, steps: [ { wait: 1s } ] }
      pick_winner: ${pick}
`);
const splitOf = (pick = '{ after: 7d, min_runs: 100, confidence: 0.95 }') => flow(pick).steps[0] as StepOf<'split'>;

/** The numbers of a split whose branches had these runs and conversions of `buy`. */
const numbers = (branches: Record<string, [runs: number, converted: number]>): FlowNumbers => ({
  entered: 0,
  completed: 0,
  exited: 0,
  exits: {},
  failed: 0,
  goals: {},
  trend: [],
  steps: {
    ab: {
      entered: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      exited: 0,
      conversions: {},
      branches: Object.fromEntries(Object.entries(branches).map(([b, [n]]) => [b, n])),
      branchConversions: Object.fromEntries(Object.entries(branches).map(([b, [, x]]) => [b, { buy: { converted: x, value: 0 } }])),
    },
  },
});
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

it('A wins when it beats B at 95% with enough runs after the wait; the control cannot win', () => {
  const verdict = decideWinner(splitOf(), numbers({ A: [200, 60], B: [200, 30], hold: [100, 90] }), 'buy', T0, T0 + 8 * DAY);
  expect(verdict).toMatchObject({ decided: true, branch: 'A' });
  expect(verdict.decided && verdict.reason).toContain('A 60/200 (30.0%), B 30/200 (15.0%)');
});

it('not before every compared branch has min_runs', () => {
  expect(decideWinner(splitOf(), numbers({ A: [200, 60], B: [99, 10] }), 'buy', T0, T0 + 8 * DAY)).toEqual({
    decided: false,
    why: 'B has 99 of 100 runs needed',
  });
});

it('not while the difference is not significant at the confidence', () => {
  const verdict = decideWinner(splitOf(), numbers({ A: [200, 40], B: [200, 33] }), 'buy', T0, T0 + 8 * DAY);
  expect(verdict).toEqual({ decided: false, why: 'A (20.0%) does not beat B (16.5%) at 95% yet' });
});

it('not before `after` has passed since the first run, saying how long is left', () => {
  const verdict = decideWinner(splitOf(), numbers({ A: [200, 60], B: [200, 30] }), 'buy', T0, T0 + 5 * DAY);
  expect(verdict).toEqual({ decided: false, why: '7d have not passed since the first run (2d left)' });
});

it('names every unmet condition at once: time left, runs short of min_runs, and a control ahead of the branches', () => {
  const verdict = decideWinner(splitOf(), numbers({ A: [16, 1], B: [20, 2], hold: [9, 3] }), 'buy', T0, T0 + 5 * DAY);
  expect(verdict).toEqual({
    decided: false,
    why:
      '7d have not passed since the first run (2d left); A has 16 of 100 runs needed; B has 20 of 100 runs needed; ' +
      'the control hold (33.3%) is ahead of every branch',
  });
});

it('a winner named in the YAML decides at once, whatever the numbers', () => {
  const verdict = decideWinner(splitOf('{ after: 7d, min_runs: 100, confidence: 0.95, winner: B }'), numbers({}), 'buy', undefined, T0);
  expect(verdict).toMatchObject({ decided: true, branch: 'B' });
});
