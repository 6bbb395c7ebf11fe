import { WorkflowFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import type { EffectStep } from '../../activities/types.ts';
import { DestinationError } from '../../destinations/errors.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { runInput, startOptions } from '../../ingest/start-run.ts';
import { eventSignal } from '../../workflows/messages.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('time-skipping');
}, 120_000);
afterAll(async () => h?.close());
beforeEach(() => {
  for (const d of h.recorders.values()) {
    d.calls.length = 0;
    d.refused.length = 0;
    d.faults.length = 0;
  }
});

let users = 0;
const nextUser = () => `user-${++users}`;

async function run(flowText: string, event: { name: string; attributes?: Record<string, unknown> }, user = nextUser()) {
  const started = await h.start(compile(flowText), user, event);
  if (!started.started) throw new Error(`not started: ${started.reason}`);
  return { user, handle: h.env.client.workflow.getHandle<(...args: unknown[]) => Promise<FlowRunResult>>(started.workflowId) };
}

const kinds = () => h.calls().map((c) => `${c.destination}:${c.call.kind}`);

describe('every step kind on a real Temporal server', () => {
  it('calls each destination step with templates rendered from event, profile and vars', async () => {
    const user = nextUser();
    await h.profiles.update(user, (p) => {
      p.attributes.FirstName = 'Ada';
      p.identities.email = 'ada@example.com';
    });
    const { handle } = await run(
      `flow: all-effects
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { stage: started, points: { increment: 10 } } }
  - send_email: { destination: sailthru, template: welcome, vars: { name: "{{ profile.attributes.FirstName }}", plan: "{{ event.attributes.plan }}" } }
  - send_push: { destination: clevertap, title: "Hi {{ profile.attributes.FirstName }}", body: "You have {{ vars.points }} points" }
  - send_sms: { destination: customerio, body: "Stage {{ vars.stage }}" }
  - add_to_list: { destination: sailthru, list: engaged }
  - remove_from_list: { destination: sailthru, list: new-users }
  - send_event: { destination: mparticle, event: welcomed, type: other, attributes: { plan: "{{ event.attributes.plan }}" } }
  - webhook: { url: "https://hooks.example.com/u/{{ profile.id }}", method: POST, body: { email: "{{ profile.identities.email }}" } }
`,
      { name: 'sign_up', attributes: { plan: 'pro' } },
      user,
    );
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'completed', vars: { stage: 'started', points: 10 } });
    expect(kinds()).toEqual([
      'sailthru:set_var',
      'sailthru:send_email',
      'clevertap:send_push',
      'customerio:send_sms',
      'sailthru:add_to_list',
      'sailthru:remove_from_list',
      'mparticle:send_event',
      'webhook-default:webhook',
    ]);
    const calls = h.calls().map((c) => c.call);
    expect(calls[0]).toMatchObject({
      vars: { stage: { set: 'started' }, points: { increment: 10 } },
      user: { id: user, email: 'ada@example.com' },
    });
    expect(calls[1]).toMatchObject({ template: 'welcome', vars: { name: 'Ada', plan: 'pro' } });
    expect(calls[2]).toMatchObject({ title: 'Hi Ada', body: 'You have 10 points' });
    expect(calls[3]).toMatchObject({ body: 'Stage started' });
    expect(calls[6]).toMatchObject({ event: 'welcomed', eventType: 'other', attributes: { plan: 'pro' } });
    expect(calls[7]).toMatchObject({ url: `https://hooks.example.com/u/${user}`, method: 'POST', body: { email: 'ada@example.com' } });
    const profile = await h.profiles.get(user);
    expect(profile.vars).toEqual({ stage: 'started', points: 10 });
    expect(profile.lists).toEqual(['engaged']);
    // every call carries a key derived from run and step
    expect(new Set(h.calls().map((c) => c.idempotencyKey)).size).toBe(8);
    expect(h.calls()[1]!.idempotencyKey).toMatch(new RegExp(`^flow/all-effects/${user}/.+/#2$`));
  });

  it('finishes a wait of 3 days in seconds on the time-skipping server', async () => {
    const before = await h.env.currentTimeMs();
    const { handle } = await run(
      `flow: three-days
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: day-0 }
  - wait: 3d
  - send_email: { destination: sailthru, template: day-3 }
`,
      { name: 'sign_up' },
    );
    await handle.result();
    expect(h.calls().map((c) => (c.call as { template: string }).template)).toEqual(['day-0', 'day-3']);
    expect((await h.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * 86_400_000);
  });

  const waitForFlow = `flow: wait-for-open
trigger: { event: sign_up }
steps:
  - id: await-open
    wait_for:
      event: app_open
      where: { event.attributes.platform: { eq: ios } }
      timeout: 2d
      then:
        - send_event: { destination: mparticle, event: opened, attributes: { platform: "{{ event.attributes.platform }}" } }
      else:
        - send_push: { destination: clevertap, body: We miss you }
  - send_email: { destination: sailthru, template: after }
`;

  it('wait_for takes then when the event arrives (the awaited event is `event` there)', async () => {
    const { handle } = await run(waitForFlow, { name: 'sign_up' });
    const state = await waitForState(handle, (s) => s.waiting?.kind === 'wait_for');
    expect(state).toMatchObject({ step: 'await-open', waiting: { kind: 'wait_for', event: 'app_open' } });
    await handle.signal(eventSignal, {
      id: 'e-android',
      name: 'app_open',
      type: 'custom_event',
      timestamp: Date.now(),
      attributes: { platform: 'android' },
    });
    await handle.signal(eventSignal, {
      id: 'e-ios',
      name: 'app_open',
      type: 'custom_event',
      timestamp: Date.now(),
      attributes: { platform: 'ios' },
    });
    const result = await handle.result();
    expect(result.path).toEqual(['await-open', '#1.then.1', '#2']);
    expect(kinds()).toEqual(['mparticle:send_event', 'sailthru:send_email']);
    expect(h.calls()[0]!.call).toMatchObject({ event: 'opened', attributes: { platform: 'ios' } });
  });

  it('wait_for takes an event that came before the run reached it (its first task not run yet), not one from before the step before it ended', async () => {
    const flow = compile(`flow: early-reply
trigger: { event: ask }
steps:
  - id: await-reply
    wait_for:
      event: reply
      timeout: 2d
      then:
        - send_event: { destination: mparticle, event: replied }
      else:
        - send_push: { destination: clevertap, body: No reply }
  - id: await-second
    wait_for:
      event: second
      timeout: 2d
      then:
        - send_event: { destination: mparticle, event: second_seen }
`);
    const user = nextUser();
    const started = Date.now();
    const ask = manualEvent({ name: 'ask' }, `ask-${user}`, started);
    const input = runInput(h.config, flow, user, ask, started);
    // The reply is in the history before the run's first task: the run reaches the step after it came.
    // The `second` event happened before the first step ended, so the second wait_for must not take it.
    const handle = await h.env.client.workflow.signalWithStart('flowRun', {
      ...startOptions(flow, input, `flow/${flow.flow}/${user}`, false),
      signal: eventSignal,
      signalArgs: [{ id: `reply-${user}`, name: 'reply', type: 'custom_event', timestamp: started + 1, attributes: {} }],
    });
    await handle.signal(eventSignal, {
      id: `second-${user}`,
      name: 'second',
      type: 'custom_event',
      timestamp: started + 2,
      attributes: {},
    });
    const result = (await handle.result()) as FlowRunResult;
    expect(result.path).toEqual(['await-reply', '#1.then.1', 'await-second']);
    expect(kinds()).toEqual(['mparticle:send_event']);
  });

  it('wait_for takes else when the timeout passes first', async () => {
    const { handle } = await run(waitForFlow, { name: 'sign_up' });
    const result = await handle.result();
    expect(result.path).toEqual(['await-open', '#1.else.1', '#2']);
    expect(kinds()).toEqual(['clevertap:send_push', 'sailthru:send_email']);
  });

  it('exit_when leaves the flow at once, even in the middle of a long wait', async () => {
    const { handle } = await run(
      `flow: exit-on-purchase
trigger: { event: cart_abandoned }
exit_when:
  - event: purchase
steps:
  - send_push: { destination: clevertap, body: Come back }
  - id: long-wait
    wait: 7d
  - send_email: { destination: sailthru, template: reminder }
`,
      { name: 'cart_abandoned' },
    );
    await waitForState(handle, (s) => s.waiting?.kind === 'wait');
    await handle.signal(eventSignal, { id: 'p1', name: 'purchase', type: 'commerce_event', timestamp: Date.now(), attributes: {} });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'exited', exitReason: 'exit_when: purchase', path: ['#1', 'long-wait'] });
    expect(kinds()).toEqual(['clevertap:send_push']);
  });

  it('check reads the profile fresh when the step runs, and sees vars set earlier', async () => {
    const flow = `flow: fresh-check
trigger: { event: sign_up }
steps:
  - set_var: { destination: sailthru, vars: { stage: started } }
  - wait: 1d
  - check:
      if:
        all:
          - profile.attributes.tier: { eq: gold }
          - vars.stage: { eq: started }
      then: [ { send_email: { destination: sailthru, template: gold } } ]
      else: [ { send_email: { destination: sailthru, template: standard } } ]
`;
    const { handle, user } = await run(flow, { name: 'sign_up' });
    await waitForState(handle, (s) => s.waiting?.kind === 'wait');
    await h.profiles.update(user, (p) => {
      p.attributes.tier = 'gold'; // changed after entry, before the check
    });
    await handle.result();
    expect(h.calls().map((c) => (c.call as { template?: string }).template)).toEqual([undefined, 'gold']);
  });

  it('wait_until waits for the next send window in the user time zone', async () => {
    const user = nextUser();
    await h.profiles.update(user, (p) => {
      p.attributes.timezone = 'Asia/Tokyo';
    });
    const { handle } = await run(
      `flow: send-window
trigger: { event: sign_up }
steps:
  - wait_until: { time: "09:30", timezone: profile.attributes.timezone, days: [mon, tue, wed, thu, fri] }
  - send_email: { destination: sailthru, template: morning }
`,
      { name: 'sign_up' },
      user,
    );
    const state = await waitForState(handle, (s) => s.waiting?.kind === 'wait_until');
    const until = DateTime.fromISO(state.waiting!.until, { zone: 'Asia/Tokyo' });
    expect([until.hour, until.minute, until.second]).toEqual([9, 30, 0]);
    expect(until.weekday).toBeLessThanOrEqual(5);
    await handle.result();
    const fired = DateTime.fromMillis(await h.env.currentTimeMs(), { zone: 'Asia/Tokyo' });
    expect(fired.toMillis()).toBeGreaterThanOrEqual(until.toMillis());
  });

  it('split sends each run down exactly one branch, and both branches get runs', async () => {
    const flow = `flow: ab-test
trigger: { event: sign_up }
entry: { reentry: always }
steps:
  - split:
      - { label: a, percent: 50, steps: [ { send_email: { destination: sailthru, template: tips-a } } ] }
      - { label: b, percent: 50, steps: [ { send_email: { destination: sailthru, template: tips-b } } ] }
`;
    for (let i = 0; i < 20; i++) {
      const { handle } = await run(flow, { name: 'sign_up' });
      expect((await handle.result()).path).toHaveLength(2);
    }
    const templates = h.calls().map((c) => (c.call as { template: string }).template);
    expect(templates).toHaveLength(20);
    expect(new Set(templates)).toEqual(new Set(['tips-a', 'tips-b']));
  });

  it('exit inside a branch ends the run there', async () => {
    const { handle } = await run(
      `flow: exit-branch
trigger: { event: sign_up }
steps:
  - check:
      if: { event.attributes.plan: { eq: free } }
      then: [ exit ]
  - send_email: { destination: sailthru, template: paid-only }
`,
      { name: 'sign_up', attributes: { plan: 'free' } },
    );
    expect(await handle.result()).toMatchObject({ outcome: 'exited', path: ['#1', '#1.then.1'] });
    expect(h.calls()).toEqual([]);
  });

  it('a webhook step of IR compiled before the compiler named its default destination still calls webhook-default', async () => {
    const flow = compile(`flow: old-webhook
trigger: { event: go }
steps:
  - webhook: { url: "https://hooks.example.com/old", method: POST }
`);
    expect(flow.steps[0]).toMatchObject({ kind: 'webhook', destination: 'webhook-default' });
    // As such IR is: in the input of a run started then, and in an activity that run scheduled.
    const old = () => {
      const ir = structuredClone(flow);
      delete (ir.steps[0] as { destination?: string }).destination;
      return ir;
    };
    const started = await h.start(old(), nextUser(), { name: 'go' });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    expect(await h.env.client.workflow.getHandle(started.workflowId).result()).toMatchObject({ outcome: 'completed' });
    const activities = createActivities({ profiles: h.profiles, destinations: h.destinations });
    await new MockActivityEnvironment().run(activities.callWebhook, {
      workflowId: 'flow/old-webhook/u1',
      runId: 'r1',
      flowId: 'old-webhook',
      userId: 'u1',
      step: old().steps[0] as EffectStep,
      event: manualEvent({ name: 'go' }, 'e1', Date.now()),
      vars: {},
    });
    expect(kinds()).toEqual(['webhook-default:webhook', 'webhook-default:webhook']);
  });
});

describe('on_error once retries are spent', () => {
  const flow = (onError: string) => `flow: on-error-${onError}
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: first }
    on_error: ${onError}
  - send_email: { destination: sailthru, template: second }
`;
  const reject = () =>
    h.recorders.get('sailthru')!.faults.push(new DestinationError('template first does not exist (400)', false, { status: 400 }));

  it('continue goes on with the next step', async () => {
    reject();
    const { handle } = await run(flow('continue'), { name: 'sign_up' });
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(h.calls().map((c) => (c.call as { template: string }).template)).toEqual(['second']);
  });

  it('exit leaves the flow', async () => {
    reject();
    const { handle } = await run(flow('exit'), { name: 'sign_up' });
    expect(await handle.result()).toMatchObject({ outcome: 'exited' });
    expect(h.calls()).toEqual([]);
  });

  it('fail ends the run failed, with the destination message', async () => {
    reject();
    const { handle } = await run(flow('fail'), { name: 'sign_up' });
    const error = await handle.result().catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(error.cause.message).toContain('template first does not exist (400)');
    expect(error.cause.message).toContain('step send_email · sailthru: template first (line ');
    expect(error.cause.message).not.toContain('#1');
  });

  it('retries a retryable failure, five attempts in all by default, then applies on_error', async () => {
    const sailthru = h.recorders.get('sailthru')!;
    for (let i = 0; i < 5; i++) sailthru.faults.push(new DestinationError('503 Service Unavailable', true, { status: 503 }));
    const { handle } = await run(flow('continue'), { name: 'sign_up' });
    expect(await handle.result()).toMatchObject({ outcome: 'completed' });
    expect(sailthru.refused.map((c) => (c.call as { template: string }).template)).toEqual(['first', 'first', 'first', 'first', 'first']);
    expect(sailthru.calls.map((c) => (c.call as { template: string }).template)).toEqual(['second']);
  });
});

describe('a flow edited while a run is waiting', () => {
  it('the waiting run finishes on the version it started with; new entries get the new one', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { checkProject } = await import('../../dsl/load/project.ts');
    const { stateQuery } = await import('../../workflows/messages.ts');
    const dir = mkdtempSync(join(tmpdir(), 'flow-edit-'));
    const write = (template: string) =>
      writeFileSync(
        join(dir, 'flows', 'drip.yaml'),
        `flow: drip\ntrigger: { event: sign_up }\nsteps:\n  - wait: 1d\n  - send_email: { destination: sailthru, template: ${template} }\n`,
      );
    (await import('node:fs')).mkdirSync(join(dir, 'flows'));
    (await import('node:fs')).copyFileSync('flows.config.yaml', join(dir, 'flows.config.yaml'));
    const load = () => checkProject({ cwd: dir }).flows[0]!;

    write('old-copy');
    const v1 = load();
    const first = await h.start(v1, 'editor-1', { name: 'sign_up' });
    const firstHandle = h.env.client.workflow.getHandle<(...a: unknown[]) => Promise<FlowRunResult>>(first.workflowId);
    await waitForState(firstHandle, (s) => s.waiting?.kind === 'wait');

    write('new-copy'); // the marketer merges an edit while editor-1 waits
    const v2 = load();
    expect(v2.version).not.toBe(v1.version);
    const second = await h.start(v2, 'editor-2', { name: 'sign_up' });

    expect((await firstHandle.query(stateQuery)).version).toBe(v1.version);
    await firstHandle.result();
    await h.env.client.workflow.getHandle(second.workflowId).result();
    const byUser = Object.fromEntries(h.calls().map((c) => [c.call.user.id, (c.call as { template: string }).template]));
    expect(byUser).toEqual({ 'editor-1': 'old-copy', 'editor-2': 'new-copy' });
  });
});
