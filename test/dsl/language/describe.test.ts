import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../../dsl/language/conditions.ts';
import { conditionText, describeStep, stepLabel, triggerText } from '../../../dsl/language/describe.ts';
import { formatDuration, parseDuration } from '../../../dsl/language/durations.ts';
import type { StepIR } from '../../../dsl/language/ir.ts';
import { checkFlow } from '../../../dsl/validate/validate.ts';
import { loadConfig } from '../../../dsl/load/config.ts';

const config = loadConfig('flows.config.yaml').config;
const says = (raw: unknown): string => conditionText(compileCondition(raw));

function steps(yaml: string): StepIR[] {
  const result = checkFlow('flow.yaml', `flow: f\ntrigger: { event: a }\nsteps:\n${yaml}`, config);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ir!.steps;
}

// What a marketer reads in the graph, `flows graph` and `flows run`, `flows simulate`: the condition as they would write it.
describe('conditions in words', () => {
  it('names the event’s attributes by name and the profile’s as profile.NAME, with ≥ ≤ ≠ = > <', () => {
    expect(says({ 'event.attributes.points': { gte: 100 } })).toBe('points ≥ 100');
    expect(says({ 'profile.attributes.tier': { eq: 'gold' } })).toBe('profile.tier = gold');
    expect(says({ 'event.attributes.points': { gt: 1, lt: 5 } })).toBe('points > 1 and points < 5');
    expect(says({ 'event.attributes.n': { lte: 3 } })).toBe('n ≤ 3');
    expect(says({ 'profile.attributes.tier': { ne: 'gold' } })).toBe('profile.tier ≠ gold');
  });

  it('keeps the whole path where a short name could be read as another field', () => {
    expect(says({ 'event.revenue': { gte: 10 } })).toBe('event.revenue ≥ 10');
    expect(says({ 'event.attributes.revenue': { gte: 10 } })).toBe('event.attributes.revenue ≥ 10');
    expect(says({ 'event.attributes.profile': { eq: 'x' } })).toBe('event.attributes.profile = x');
    expect(says({ 'profile.attributes.lists': { contains: 'vip' } })).toBe('profile.attributes.lists contains vip');
    expect(says({ 'profile.lists': { contains: 'vip' } })).toBe('profile.lists contains vip');
    expect(says({ 'vars.stage': { eq: 2 } })).toBe('vars.stage = 2');
  });

  it('reads lists, presence, patterns, dates and durations', () => {
    expect(says({ 'event.attributes.plan': { in: ['pro', 'team'] } })).toBe('plan is one of pro, team');
    expect(says({ 'event.attributes.plan': { not_in: ['free', 'trial plan'] } })).toBe('plan is not one of free, "trial plan"');
    expect(says({ 'profile.attributes.email': { exists: true } })).toBe('profile.email is set');
    expect(says({ 'profile.attributes.email': { exists: false } })).toBe('profile.email is not set');
    expect(says({ 'profile.attributes.email': { matches: '@example\\.com$' } })).toBe('profile.email matches /@example\\.com$/');
    expect(says({ 'profile.attributes.joined': { before: '2026-01-31' } })).toBe('profile.joined is before 2026-01-31');
    expect(says({ 'profile.attributes.joined': { after: '2026-01-31' } })).toBe('profile.joined is after 2026-01-31');
    expect(says({ 'profile.attributes.last_seen': { within_last: '7d' } })).toBe('profile.last_seen is within the last 7d');
  });

  it('quotes text that would read as another value or as a word of the sentence', () => {
    expect(says({ 'event.attributes.flag': { eq: 'true' } })).toBe('flag = "true"');
    expect(says({ 'event.attributes.flag': { eq: true } })).toBe('flag = true');
    expect(says({ 'event.attributes.word': { eq: 'or' } })).toBe('word = "or"');
    expect(says({ 'event.attributes.title': { eq: '' } })).toBe('title = ""');
  });

  it('groups all/any with and/or, in parentheses where they nest, and not around its condition', () => {
    const nested = {
      all: [
        { 'event.attributes.points': { gte: 100 } },
        { any: [{ 'profile.attributes.tier': { eq: 'gold' } }, { 'profile.lists': { contains: 'vip' } }] },
        { not: { 'profile.attributes.country': { in: ['US', 'CA'] } } },
      ],
    };
    expect(says(nested)).toBe(
      'points ≥ 100 and (profile.tier = gold or profile.lists contains vip) and not (profile.country is one of US, CA)',
    );
    expect(
      says({
        any: [{ all: [{ 'event.attributes.a': { eq: 1 } }, { 'event.attributes.b': { eq: 2 } }] }, { 'event.attributes.c': { eq: 3 } }],
      }),
    ).toBe('(a = 1 and b = 2) or c = 3');
    expect(says({ all: [{ any: [{ 'event.attributes.a': { eq: 1 } }] }, { 'event.attributes.b': { eq: 2 } }] })).toBe('a = 1 and b = 2');
  });
});

describe('steps and triggers in words', () => {
  it('draws waits in the days a marketer writes, never weeks', () => {
    const [wait, twoWeeks, hours, waitFor] = steps(
      '  - wait: 7d\n  - wait: 2w\n  - wait: 36h\n  - wait_for: { event: b, timeout: 1w, then: [], else: [] }\n',
    );
    expect(describeStep(wait!).lines).toEqual(['wait 7d']);
    expect(describeStep(twoWeeks!).lines).toEqual(['wait 14d']);
    expect(describeStep(hours!).lines).toEqual(['wait 36h']);
    expect(describeStep(waitFor!).lines).toEqual(['wait for b', 'up to 7d']);
    expect(['90s', '15m', '2h', '1d', '7d', '30d'].map((d) => formatDuration(parseDuration(d)!))).toEqual([
      '90s',
      '15m',
      '2h',
      '1d',
      '7d',
      '30d',
    ]);
  });

  it('keeps a check’s whole condition in its box, and shortens it only in the step’s name', () => {
    const long = Array.from({ length: 12 }, (_, i) => `option-${i}`);
    const [check] = steps(`  - check:\n      if: { event.attributes.plan: { in: [${long.join(', ')}] } }\n      then: []\n`);
    const whole = `plan is one of ${long.join(', ')}`;
    expect(describeStep(check!).lines).toEqual(['check', whole]);
    expect(stepLabel(check!)).toBe(`check: ${whole.slice(0, 59)}… (line 4)`);
  });

  it('writes a trigger’s filter the same way', () => {
    expect(
      triggerText({ kind: 'event', event: 'point_add', where: compileCondition({ 'event.attributes.points': { gte: 100 } }) }),
    ).toEqual(['event: point_add', 'where points ≥ 100']);
  });
});
