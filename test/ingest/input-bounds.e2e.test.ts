import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../activities/render.ts';
import { compileCondition } from '../../dsl/language/conditions.ts';
import { evaluate } from '../../dsl/language/evaluate.ts';
import { compileTemplate } from '../../dsl/language/templates.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const holds = (condition: unknown, attributes: Record<string, unknown>) =>
  evaluate(compileCondition(condition), { event: { attributes } }, NOW);

// Event data is whatever a sender puts in it; none of it may make a condition or a template run for seconds.
const DIGITS_THEN_X = `${'1'.repeat(40_000)}x`;
const A_RUN = `${'a'.repeat(30_000)}!`;

describe('conditions on hostile attribute values answer at once', () => {
  it('40,000 digits followed by x are text, not a number, for every numeric operator', () => {
    const value = { v: DIGITS_THEN_X };
    expect(holds({ 'event.attributes.v': { eq: 1 } }, value)).toBe(false);
    expect(holds({ 'event.attributes.v': { ne: 1 } }, value)).toBe(true);
    expect(holds({ 'event.attributes.v': { in: [1, 2, 3] } }, value)).toBe(false);
    expect(holds({ 'event.attributes.v': { gt: 1 } }, value)).toBe(false);
    expect(holds({ 'event.attributes.v': { lte: 1 } }, value)).toBe(false);
    expect(holds({ 'event.attributes.v': { before: '2026-01-01' } }, value)).toBe(false);
    expect(holds({ 'event.attributes.v': { eq: DIGITS_THEN_X } }, value)).toBe(true);
  }, 1_000);

  it('still reads the number spellings senders use', () => {
    const spellings = [
      [' 12 ', 12],
      ['-3.5', -3.5],
      ['.5', 0.5],
      ['7.', 7],
      ['1e3', 1000],
      ['2E-1', 0.2],
      ['\u00a042\n', 42],
    ] as const;
    for (const [text, n] of spellings) {
      expect(holds({ 'event.attributes.v': { eq: n } }, { v: text }), text).toBe(true);
    }
    for (const text of ['1.2.3', '--1', '- 1', '0x10', '1_000', 'e3', '.']) {
      expect(holds({ 'event.attributes.v': { gte: 0 } }, { v: text }), text).toBe(false);
    }
  });

  it('matches runs a pattern that backtracks forever in JavaScript in linear time, with the right answer', () => {
    expect(holds({ 'event.attributes.v': { matches: '^(a+)+$' } }, { v: A_RUN })).toBe(false);
    expect(holds({ 'event.attributes.v': { matches: '^(a|aa)+!$' } }, { v: A_RUN })).toBe(true);
    expect(holds({ 'event.attributes.v': { matches: '(x+x+)+y' } }, { v: 'x'.repeat(30_000) })).toBe(false);
    expect(holds({ 'event.attributes.email': { matches: '@b\\.com$' } }, { email: 'a@b.com' })).toBe(true);
  }, 1_000);
});

describe('Liquid rendering is bounded', () => {
  const scope = { event: {}, profile: {}, vars: {} };
  const failure = (text: string): unknown => {
    try {
      return renderTemplate(compileTemplate(text), scope);
    } catch (error) {
      return error;
    }
  };

  it('a range of 100,000,000 fails with a non-retryable error naming the template and the memory limit', () => {
    const error = failure('{% for i in (1..100000000) %}x{% endfor %}');
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'TemplateLimitExceeded', nonRetryable: true });
    expect((error as Error).message).toContain('"{% for i in (1..100000000) %}x{% endfor %}"');
    expect((error as Error).message).toContain('memoryLimit');
  });

  it('nested loops that would render for seconds fail on the time limit', () => {
    const error = failure('{% for i in (1..5000) %}{% for j in (1..5000) %}x{% endfor %}{% endfor %}');
    expect(error).toMatchObject({ type: 'TemplateLimitExceeded', nonRetryable: true });
    expect((error as Error).message).toMatch(/renderLimit|memoryLimit/);
  });

  it('an ordinary message template renders as before', () => {
    const template = compileTemplate('Hi {{ vars.name | upcase }}{% for i in (1..3) %}!{% endfor %}');
    expect(renderTemplate(template, { ...scope, vars: { name: 'ada' } })).toBe('Hi ADA!!!');
  });
});

describe('on a real Temporal server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('time-skipping');
  }, 120_000);
  afterAll(async () => h?.close());
  beforeEach(() => {
    for (const d of h.recorders.values()) d.calls.length = 0;
  });

  const run = async (text: string, user: string, attributes: Record<string, unknown> = {}) => {
    const started = await h.start(compile(text), user, { name: 'sign_up', attributes });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    return h.env.client.workflow.getHandle<(...args: unknown[]) => Promise<FlowRunResult>>(started.workflowId);
  };

  it('a check with matches on a hostile value takes the right branch inside the workflow', async () => {
    const handle = await run(
      `flow: bounds-matches
trigger: { event: sign_up }
steps:
  - check:
      if: { event.attributes.code: { matches: "^(a+)+$" } }
      then: [ { send_sms: { destination: customerio, body: "matched" } } ]
      else: [ { send_sms: { destination: customerio, body: "no match" } } ]
`,
      'bounds-1',
      { code: A_RUN },
    );
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(h.calls().map((c) => (c.call as { body: string }).body)).toEqual(['no match']);
  }, 30_000);

  it('a template past its limit fails its step at once, without retries', async () => {
    const handle = await run(
      `flow: bounds-template
trigger: { event: sign_up }
steps:
  - id: huge-sms
    send_sms: { destination: customerio, body: "{% for i in (1..100000000) %}x{% endfor %}" }
`,
      'bounds-2',
    );
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const message = (error as WorkflowFailedError).cause?.message ?? '';
    expect(message).toContain('huge-sms');
    expect(message).toContain('memoryLimit');
    // One attempt: a retry would render the same template against the same data again.
    const started = (await handle.fetchHistory()).events!.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
    expect(h.calls()).toEqual([]);
  }, 30_000);
});
