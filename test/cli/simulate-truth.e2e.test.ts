import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whyNotStarted } from '../../cli/entry-check.ts';
import { stepLabel } from '../../dsl/language/describe.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import { stepsById, type FlowIR } from '../../dsl/language/ir.ts';
import { checkProject } from '../../dsl/load/project.ts';
import { flows } from '../helpers/cli.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

// One triggering event per example flow; a flow added without one fails the first test.
const EVENTS: Record<string, Record<string, unknown>> = {
  'antavo-points-to-mparticle': { name: 'point_add', attributes: { points: '150' } },
  'clevertap-cart-drop-off': { name: 'audience_added', audience_name: 'Cart Drop off' },
  'customerio-first-purchase': { name: 'purchase', revenue: 20, attributes: {} },
  'moengage-purchase': { name: 'purchase', revenue: 20, attributes: {} },
  'sailthru-welcome-series': { name: 'sign_up', attributes: { plan: 'pro' } },
  'session-recap': { name: 'mp_session_end', attributes: { session_duration_ms: '120000' } },
  'trial-conversion-test': { name: 'trial_started', attributes: {} },
  'birthday-greeting': { name: 'date_reached', attributes: { date: '1990-05-01', field: 'birthday' } },
};
const PROFILES = {
  'no identities': {},
  identities: { identities: { email: 'ada@example.com', customer_id: 'c-1' }, attributes: { FirstName: 'Ada' } },
};

const examples = checkProject({ cwd: process.cwd() }).flows;

/** What the real run did, named as simulate names it: the path, or the failure. */
async function realRun(
  h: Harness,
  flow: FlowIR,
  user: string,
  event: Record<string, unknown>,
  seed: { identities?: Record<string, string>; attributes?: Record<string, unknown> },
) {
  const profile = await h.profiles.update(user, (p) => {
    Object.assign(p.identities, seed.identities);
    Object.assign(p.attributes, seed.attributes);
  });
  const refused = whyNotStarted(flow, manualEvent(event as { name: string }, 'check', Date.now()), profile, Date.now(), h.config.timezone);
  if (refused) return `would not start: ${refused}`;
  const started = await h.start(flow, user, event as { name: string });
  if (!started.started) return `not started: ${started.reason}`;
  const steps = stepsById(flow);
  try {
    const result = await h.env.client.workflow.getHandle(started.workflowId).result();
    return `path: ${result.path.map((id: string) => stepLabel(steps.get(id)!)).join(' → ')}`;
  } catch (error) {
    return `failed: ${(error as { cause?: Error }).cause?.message}`;
  }
}

/** What `flows simulate` said, in the same words. */
function simulated(out: string): string {
  const refused = /^would not start: (.*)$/m.exec(out);
  if (refused) return `would not start: ${refused[1]}`;
  const path = /^path: (.*)$/m.exec(out);
  if (path) return `path: ${path[1]}`;
  const failed = /^outcome: failed after .*? of simulated time: (.*)$/m.exec(out);
  return failed ? `failed: ${failed[1]}` : `unparsed: ${out}`;
}

describe('flows simulate tells the truth: same path and same failure as the real run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('time-skipping', { destinations: 'fake' });
  }, 60_000);
  afterAll(() => h?.close());

  it('has a triggering event for every example flow', () => {
    expect(examples.map((f) => f.flow).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  const cases = examples.flatMap((flow) => Object.entries(PROFILES).map(([name, seed]) => ({ flow, name, seed })));
  it.each(cases)(
    '$flow.flow with $name',
    async ({ flow, name, seed }) => {
      const user = `truth-${flow.flow}-${name.replace(/ /g, '-')}`;
      const event = EVENTS[flow.flow]!;
      const sim = await flows(
        {},
        'simulate',
        flow.source,
        '--user',
        user,
        '--event',
        JSON.stringify(event),
        '--profile',
        JSON.stringify(seed),
      );
      const real = await realRun(h, flow, user, event, seed);
      // A split draws at random per run: compare up to the split, and say so in the output.
      const split = flow.steps.find((s) => s.kind === 'split');
      const upToSplit = (said: string) => {
        const at = split ? said.indexOf(stepLabel(split)) : -1;
        return at < 0 ? said : `${said.slice(0, at + stepLabel(split!).length)} …`;
      };
      if (split) {
        expect(sim.out).toContain('a split draws its branch at random');
        expect(upToSplit(simulated(sim.out))).toBe(upToSplit(real));
      } else expect(simulated(sim.out)).toBe(real);
      expect(sim.code).toBe(real.startsWith('path: ') ? 0 : 1);
    },
    120_000,
  );
});
