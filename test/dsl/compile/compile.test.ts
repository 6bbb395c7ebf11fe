import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../dsl/load/config.ts';
import { describeStep } from '../../../dsl/language/describe.ts';
import type { FlowIR, StepIR, StepOf } from '../../../dsl/language/ir.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';

const config = loadConfig('flows.config.yaml').config;

function compile(text: string): FlowIR {
  const result = checkFlow('flow.yaml', text, config);
  expect(result.diagnostics).toEqual([]);
  return result.ir!;
}

const welcome = readFileSync('flows/sailthru-welcome-series.yaml', 'utf8');

describe('the compiled IR', () => {
  it('is plain JSON', () => {
    const ir = compile(welcome);
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
  });

  it('gives every step a stable id: its own, or its position', () => {
    const ir = compile(welcome);
    const ids: string[] = [];
    const collect = (steps: StepIR[]) => {
      for (const s of steps) {
        ids.push(s.id);
        if (s.kind === 'check' || s.kind === 'wait_for') collect([...s.then, ...s.else]);
        if (s.kind === 'split') s.branches.forEach((b) => collect(b.steps));
      }
    };
    collect(ir.steps);
    expect(ids).toEqual([
      'mark-onboarding',
      'welcome-email',
      '#3',
      '#4',
      'wait-for-app-open',
      '#5.then.1',
      'nudge-push',
      'vip-check',
      '#6.then.1',
      '#6.then.2',
      '#6.else.1',
      '#7',
    ]);
  });

  it('turns durations into milliseconds and keeps the entry rules', () => {
    const ir = compile(readFileSync('flows/clevertap-cart-drop-off.yaml', 'utf8'));
    expect(ir.steps[0]).toMatchObject({ kind: 'wait', durationMs: 3_600_000 });
    expect(ir.steps[2]).toMatchObject({ kind: 'wait_for', event: 'purchase', timeoutMs: 86_400_000, then: [] });
    expect(ir.entry).toEqual({ reentry: 'after_exit', frequency: { max: 2, perMs: 7 * 86_400_000 } });
    expect(ir.trigger).toEqual({ kind: 'audience', audienceName: 'Cart Drop off', on: 'added' });
    expect(ir.exitWhen).toEqual([{ event: 'purchase' }]);
  });

  it('pre-parses conditions into a tree and templates into text or Liquid with the paths they read', () => {
    const ir = compile(welcome);
    expect(ir.trigger).toEqual({
      kind: 'event',
      event: 'sign_up',
      where: { field: ['event', 'attributes', 'plan'], op: 'in', value: ['pro', 'team'] },
    });
    const check = ir.steps.find((s) => s.id === 'vip-check');
    expect(check).toMatchObject({
      if: {
        any: [
          { field: ['profile', 'attributes', 'tier'], op: 'eq', value: 'gold' },
          { field: ['profile', 'lists'], op: 'contains', value: 'vip' },
        ],
      },
    });
    const email = ir.steps[1]!;
    expect(email).toMatchObject({
      kind: 'send_email',
      vars: {
        first_name: { $liquid: "{{ profile.attributes.FirstName | default: 'there' }}", refs: ['profile.attributes.FirstName'] },
        plan: { $liquid: '{{ event.attributes.plan }}', refs: ['event.attributes.plan'] },
      },
    });
    const push = (ir.steps[4] as Extract<StepIR, { kind: 'wait_for' }>).else[0]!;
    expect(push).toMatchObject({ kind: 'send_push', title: 'We miss you', deepLink: 'myapp://home' });
    expect(ir.steps[0]).toMatchObject({
      vars: {
        onboarding_stage: { op: 'set', value: 'started' },
        welcome_points: { op: 'increment', by: 10 },
        legacy_flag: { op: 'delete' },
      },
    });
  });

  it('compiles within_last to milliseconds, decrement to a negative increment, wait_until days to ISO weekdays', () => {
    const ir = compile(`flow: t
trigger: { event: a, where: { profile.attributes.seen: { within_last: 2h } } }
steps:
  - set_var: { destination: sailthru, vars: { credits: { decrement: 3 } } }
  - wait_until: { time: "09:30", days: [fri, mon], timezone: profile.attributes.tz }
`);
    expect(ir.trigger.where).toEqual({ field: ['profile', 'attributes', 'seen'], op: 'within_last', value: 7_200_000 });
    expect(ir.steps[0]).toMatchObject({ vars: { credits: { op: 'increment', by: -3 } } });
    expect(ir.steps[1]).toMatchObject({
      kind: 'wait_until',
      hour: 9,
      minute: 30,
      days: [1, 5],
      timezone: { field: ['profile', 'attributes', 'tz'] },
    });
  });

  it('versions by content: comments and layout keep the version, a changed step changes it', () => {
    const base = compile(welcome).version;
    expect(base).toMatch(/^[0-9a-f]{12}$/);
    expect(compile(`# a new comment\n\n${welcome}`).version).toBe(base);
    expect(compile(welcome.replace('wait: 3d', 'wait: 4d')).version).not.toBe(base);
  });
});

describe('goals and experiments in the IR', () => {
  const SPLIT_WITHOUT_GOALS = `flow: t
trigger: { event: sign_up }
exit_when: [ { event: purchase } ]
steps:
  - id: ab
    split:
      - label: push-first
        percent: 50
        steps: [ { send_push: { destination: clevertap, body: Hi } } ]
      - { percent: 50, steps: [ { wait: 1d } ] }
`;

  it('keeps the version a flow without goals had before goals existed', () => {
    // Computed by the compiler before goals and split maps were added: running runs keep their version.
    const ir = compile(SPLIT_WITHOUT_GOALS);
    expect(ir.version).toBe('e4e88654d660');
    expect('goals' in ir).toBe(false);
    expect(ir.steps[0]).not.toHaveProperty('pickWinner');
    expect((ir.steps[0] as StepOf<'split'>).branches.map((b) => 'control' in b)).toEqual([false, false]);
  });

  it('reads a split written as a map like the same split written as a list', () => {
    const asMap = `flow: t
trigger: { event: sign_up }
exit_when: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - label: push-first
          percent: 50
          steps: [ { send_push: { destination: clevertap, body: Hi } } ]
        - { percent: 50, steps: [ { wait: 1d } ] }
`;
    expect(compile(asMap).version).toBe('e4e88654d660');
  });

  it('compiles goals with their defaults, the primary first', () => {
    const ir = compile(`flow: t
trigger: { event: sign_up }
goals:
  - event: purchase
    where: { event.revenue: { gte: 10 } }
    within: 14d
    exit: true
    value: event.attributes.revenue
  - { event: app_open, name: opened }
steps: [ { wait: 1d } ]
`);
    expect(ir.goals).toEqual([
      {
        name: 'purchase',
        event: 'purchase',
        where: { field: ['event', 'revenue'], op: 'gte', value: 10 },
        withinMs: 14 * 86_400_000,
        exit: true,
        value: ['event', 'attributes', 'revenue'],
      },
      { name: 'opened', event: 'app_open', withinMs: 7 * 86_400_000, exit: false },
    ]);
  });

  it('compiles branch labels, the control branch and pick_winner', () => {
    const ir = compile(`flow: t
trigger: { event: sign_up }
goals: [ { event: purchase } ]
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [ { id: mail-a, send_event: { destination: moengage, event: a } } ] }
        - { percent: 40, steps: [] }
        - { label: hold, percent: 20, control: true, steps: [ { wait: 1h } ] }
      pick_winner: { after: 7d, min_runs: 100, confidence: 0.95, winner: A }
`);
    const split = ir.steps[0] as StepOf<'split'>;
    expect(split.branches.map(({ steps, ...b }) => ({ ...b, steps: steps.map((s) => s.id) }))).toEqual([
      { label: 'A', percent: 40, steps: ['mail-a'] },
      { label: '40%', percent: 40, steps: [] },
      { label: 'hold', percent: 20, control: true, steps: ['#1.branch3.1'] },
    ]);
    expect(split.pickWinner).toEqual({ afterMs: 7 * 86_400_000, minRuns: 100, confidence: 0.95, winner: 'A' });
    const undecided = compile(
      `flow: t\ntrigger: { event: a }\ngoals: [ { event: b } ]\nsteps:\n  - id: ab\n    split:\n      branches:\n        - { label: A, percent: 50, steps: [] }\n        - { label: B, percent: 50, steps: [] }\n      pick_winner: { after: 1d, min_runs: 5, confidence: 0.9 }\n`,
    );
    expect((undecided.steps[0] as StepOf<'split'>).pickWinner).toEqual({ afterMs: 86_400_000, minRuns: 5, confidence: 0.9 });
  });

  it('describes an experiment split for people: the control branch, and a winner picked or given', () => {
    const ir = compile(readFileSync('flows/trial-conversion-test.yaml', 'utf8'));
    const split = ir.steps[0] as StepOf<'split'>;
    expect(describeStep(split).lines).toEqual(['split · picks a winner', 'A 40% / B 40% / holdout 20% (control)']);
    expect(describeStep({ ...split, pickWinner: { ...split.pickWinner!, winner: 'B' } }).lines[0]).toBe('split · winner B');
    expect(describeStep(compile(SPLIT_WITHOUT_GOALS).steps[0]!).lines).toEqual(['split', 'push-first 50% / 50%']);
  });
});
