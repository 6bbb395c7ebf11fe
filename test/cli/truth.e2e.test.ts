import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../cli/main.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import { eventSignal } from '../../workflows/messages.ts';
import { flows } from '../helpers/cli.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

describe('every command answers --help', () => {
  it.each(COMMAND_NAMES)('flows %s --help prints its usage and exits 0', async (name) => {
    const r = await flows({}, name, '--help');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`usage: flows ${name}`);
  });
});

describe('flows simulate says first whether ingest would start the run', () => {
  it('refuses an event the trigger filter rejects, naming the filter', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("would not start: the trigger's filter does not hold: where plan is one of pro, team");
    expect(r.out).not.toContain('calls the run made');
  }, 30_000);

  it('refuses an event that is not the trigger', async () => {
    const r = await flows({}, 'simulate', 'flows/sailthru-welcome-series.yaml', '--event', 'app_open');
    expect(r.code).toBe(1);
    expect(r.out).toContain("would not start: the event 'app_open' does not trigger this flow (trigger: event: sign_up)");
  }, 30_000);

  it('--force simulates anyway and says so', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--force',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
      '--profile',
      '{"identities":{"email":"ada@example.com"}}',
    );
    expect(r.out).toContain("--force: started although ingest would not start it: the trigger's filter does not hold");
    expect(r.out).toContain('send_email → sailthru');
    expect(r.code).toBe(0);
  }, 60_000);

  it('fails a step where the real client would: no email identity for Sailthru', async () => {
    const r = await flows(
      {},
      'simulate',
      'flows/sailthru-welcome-series.yaml',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"pro"}}',
    );
    expect(r.out).toContain('would start: the trigger matches');
    expect(r.out).toMatch(/FAILED: .*has no email identity/);
    expect(r.out).toMatch(/outcome: failed after .*: step welcome-email failed: .*has no email identity/);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe('flows simulate --event-during previews what a wait_for does when its event arrives', () => {
  const welcome = ['simulate', 'flows/sailthru-welcome-series.yaml', '--event', '{"name":"sign_up","attributes":{"plan":"pro"}}'];

  it('delivers the event while the run waits there, so the then path is taken and printed', async () => {
    const r = await flows(
      {},
      ...welcome,
      '--profile',
      '{"identities":{"email":"ada@example.com"}}',
      '--event-during',
      'wait-for-app-open={"name":"app_open","attributes":{"screen":"home"}}',
    );
    expect(r.out).toMatch(/--event-during: delivered app_open at wait-for-app-open, \+3d .*into the run/);
    expect(r.out).toMatch(/^path: .*wait-for-app-open → add_to_list · sailthru: list engaged-users \(line \d+\) → vip-check/m);
    expect(r.out).toContain('add_to_list → sailthru  {"list":"engaged-users"}');
    expect(r.out).not.toContain('nudge-push');
    expect(r.out).toMatch(/^outcome: completed after 3d/m);
    expect(r.code).toBe(0);
  }, 60_000);

  it.each([
    [
      'an unknown step',
      'no-such-step={"name":"app_open"}',
      "sailthru-welcome-series has no step 'no-such-step'; its wait_for steps: wait-for-app-open (waits for app_open)",
    ],
    ['a step that is not a wait_for', 'welcome-email={"name":"app_open"}', "step 'welcome-email' is a send_email, not a wait_for"],
    ['an event that is not JSON', 'wait-for-app-open={"name":', "the event after 'wait-for-app-open=' is not JSON"],
    [
      'an event the wait_for does not wait for',
      'wait-for-app-open={"name":"purchase"}',
      'step \'wait-for-app-open\' waits for app_open, not purchase; give {"name":"app_open",…}',
    ],
    ['no step at all', '{"name":"app_open"}', '--event-during takes STEP=JSON'],
  ])('refuses %s before simulating, saying what to give', async (_, given, says) => {
    const r = await flows({}, ...welcome, '--event-during', given);
    expect(r.code).toBe(2);
    expect(r.err).toContain(says);
    expect(r.out).toBe('');
  });
});

describe('flows run and flows status against a real Temporal server', () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await harness('dev', { destinations: 'fake' });
    env = { TEMPORAL_ADDRESS: h.env.address, FLOWLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-truth-')) };
  }, 60_000);
  afterAll(() => h?.close());

  it('flows run applies the trigger filter; --force skips it and says so', async () => {
    const refused = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'run-free',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("not started: the trigger's filter does not hold: where plan is one of pro, team");
    expect(refused.out).toContain('--force');
    const forced = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'run-free',
      '--force',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"free"}}',
    );
    expect(forced.out).toContain('--force: started although ingest would not start it');
    expect(forced.out).toMatch(/started flow\/sailthru-welcome-series\/run-free /);
    expect(forced.code).toBe(0);
  });

  it('flows status --all says a failed run failed, at which step, and why', async () => {
    const started = await flows(
      env,
      'run',
      'flows/sailthru-welcome-series.yaml',
      '--user',
      'no-email',
      '--event',
      '{"name":"sign_up","attributes":{"plan":"pro"}}',
    );
    expect(started.code).toBe(0);
    await expect
      .poll(async () => (await flows(env, 'status', '--all', '--flow', 'sailthru-welcome-series')).out, { timeout: 30_000 })
      .toMatch(/sailthru-welcome-series +no-email +failed +welcome-email/);
    const status = await flows(env, 'status', '--all', '--flow', 'sailthru-welcome-series');
    expect(status.out).toContain('why runs failed:');
    expect(status.out).toMatch(/flow\/sailthru-welcome-series\/no-email: step welcome-email failed: .*no email identity/);
  }, 60_000);

  /** Starts a run by hand, waits until it waits at `waitingAt`, then sends it `event` as ingest would. */
  const runThenSend = async (file: string, flow: string, user: string, start: object, waitingAt: RegExp, event: string) => {
    // The workers read the harness's profiles, so the identities the sends need go there.
    await h.profiles.update(user, (p) => Object.assign(p.identities, { email: 'ada@example.com', customer_id: 'c-1' }));
    const started = await flows(env, 'run', file, '--user', user, '--event', JSON.stringify(start));
    expect(started.out).toContain(`started flow/${flow}/${user}`);
    await expect
      .poll(async () => (await flows(env, 'status', '--flow', flow)).out, { timeout: 30_000 })
      .toMatch(new RegExp(`${flow} +${user} +running +${waitingAt.source}`));
    const handle = h.env.client.workflow.getHandle(`flow/${flow}/${user}`);
    await handle.signal(eventSignal, manualEvent({ name: event }, `${user}-${event}`, Date.now()), user);
    await handle.result();
  };

  it("flows status --all says a run that left on exit_when exited, and on which event (not Temporal's COMPLETED)", async () => {
    await runThenSend(
      'flows/sailthru-welcome-series.yaml',
      'sailthru-welcome-series',
      'buyer',
      { name: 'sign_up', attributes: { plan: 'pro' } },
      /wait 3d/,
      'purchase',
    );
    const status = await flows(env, 'status', '--all', '--flow', 'sailthru-welcome-series');
    expect(status.out).toMatch(/\nsailthru-welcome-series +buyer +exited +exit_when purchase +\d{4}-/);
    expect(status.out).not.toContain('COMPLETED');
  }, 60_000);

  it('flows status --all says a run that reached a goal with exit: true exited, naming the goal', async () => {
    await runThenSend(
      'flows/trial-conversion-test.yaml',
      'trial-conversion-test',
      'subscriber',
      { name: 'trial_started' },
      /wait 10d/,
      'subscription_started',
    );
    const status = await flows(env, 'status', '--all', '--flow', 'trial-conversion-test');
    expect(status.out).toMatch(/\ntrial-conversion-test +subscriber +exited +goal subscription_started reached +\d{4}-/);
  }, 60_000);

  it('flows status --all says a run that finished its steps completed, naming its last step by its label', async () => {
    const started = await flows(
      env,
      'run',
      'flows/antavo-points-to-mparticle.yaml',
      '--user',
      'finisher',
      '--event',
      '{"name":"point_add","attributes":{"points":150}}',
    );
    expect(started.code).toBe(0);
    await expect
      .poll(async () => (await flows(env, 'status', '--flow', 'antavo-points-to-mparticle')).out, { timeout: 30_000 })
      .toContain('no running runs');
    const status = await flows(env, 'status', '--all', '--flow', 'antavo-points-to-mparticle');
    expect(status.out).toMatch(
      /\nantavo-points-to-mparticle +finisher +completed +check: profile\.points_balance ≥ 1000 \(line \d+\) +\d{4}-/,
    );
  }, 60_000);
});
