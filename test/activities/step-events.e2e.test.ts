import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import type { EffectStep } from '../../activities/types.ts';
import { manualEvent } from '../../dsl/language/event.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FLOW_STEP, type StepEvent, type StepLog } from '../../store/step-log.ts';
import { emptyStep } from '../../store/step-rollup.ts';
import { startWorkers, type RunningWorkers } from '../../worker/start.ts';
import { eventSignal } from '../../workflows/messages.ts';
import { moengageBody, sleep, until } from '../helpers/fault-matrix.ts';
import { compile, harness, repoConfig, type Harness } from '../helpers/temporal.ts';
import { waitForState } from '../helpers/wait-state.ts';

/**
 * A step log that, once per `sent` of the step `report-late`, stalls after recording it: the
 * worker has the answer and the record but cannot report the result before the attempt times
 * out, as when the Temporal server is down. The retry must find the record and not call again.
 */
class StallingLog implements StepLog {
  private readonly stalled = new Set<string>();
  constructor(private readonly inner: StepLog) {}
  async record(events: readonly StepEvent[]) {
    await this.inner.record(events);
    const late = events.find((e) => e.step === 'report-late' && e.outcome === 'sent' && !this.stalled.has(e.id));
    if (late) {
      this.stalled.add(late.id);
      await sleep(3_500);
    }
  }
  has = (id: string, at?: number) => this.inner.has(id, at);
  numbers: StepLog['numbers'] = (...a) => this.inner.numbers(...a);
  latest: StepLog['latest'] = (...a) => this.inner.latest(...a);
  run: StepLog['run'] = (...a) => this.inner.run(...a);
  recordVersion: StepLog['recordVersion'] = (...a) => this.inner.recordVersion(...a);
  versions: StepLog['versions'] = (...a) => this.inner.versions(...a);
  userRuns: StepLog['userRuns'] = (...a) => this.inner.userRuns(...a);
  recordDecision: StepLog['recordDecision'] = (...a) => this.inner.recordDecision(...a);
  decisions: StepLog['decisions'] = (...a) => this.inner.decisions(...a);
}

const dir = mkdtempSync(join(tmpdir(), 'step-events-'));
let h: Harness;
let restarted: RunningWorkers | undefined;
beforeAll(async () => {
  const config = repoConfig();
  config.destinations.set('moengage', { ...config.destinations.get('moengage')!, timeout: '2s', retry: { attempts: 3, backoff: '1s' } });
  h = await harness('dev', { destinations: 'fake', config, stepLog: new StallingLog(new FileStepLog(dir)) });
}, 120_000);
afterAll(async () => {
  await restarted?.shutdown();
  await h?.close();
});

const calls = (event: string) => h.fakes.get('moengage')!.received.filter((r) => moengageBody(r).actions![0]!.action === event);

it('a flow with a check, a split, a wait_for, an exit_when and a failing send produces exactly its numbers, across a worker restart', async () => {
  const flow = compile(
    `flow: step-numbers
trigger: { event: go }
entry: { reentry: always }
exit_when:
  - event: stop
steps:
  - id: tier
    check:
      if: { event.attributes.tier: { eq: gold } }
      then:
        - id: gold-note
          send_event: { destination: moengage, event: gold }
  - id: ab
    split:
      - { label: a, percent: 50, steps: [ { id: in-a, send_event: { destination: moengage, event: branch-a } } ] }
      - { label: b, percent: 50, steps: [ { id: in-b, send_event: { destination: moengage, event: branch-b } } ] }
  - id: opened
    wait_for: { event: open, timeout: 12s }
  - id: notify
    send_event: { destination: moengage, event: notify }
`,
    h.config,
  );
  const users = Array.from({ length: 8 }, (_, i) => `numbers-${i}`);
  const starts = await Promise.all(users.map((u, i) => h.start(flow, u, { name: 'go', attributes: i < 3 ? { tier: 'gold' } : {} })));
  const handles = starts.map((s) => h.env.client.workflow.getHandle(s.workflowId));
  for (const handle of handles) await waitForState(handle, (s) => s.waiting?.kind === 'wait_for');

  // A new worker process (new log instance on the same folder): runs replay from history, nothing counts twice.
  await h.workers.shutdown();
  restarted = await startWorkers({
    connection: h.env.nativeConnection,
    namespace: 'default',
    config: h.config,
    profiles: h.profiles,
    destinations: h.destinations,
    stepLog: new StallingLog(new FileStepLog(dir)),
  });
  h.fakes.get('moengage')!.inject({ status: 400, body: { status: 'fail', error: { message: 'bad request' } } }, 2);
  const send = (i: number, name: string) => handles[i]!.signal(eventSignal, manualEvent({ name }, `${name}-${i}`, Date.now()), users[i]);
  await Promise.all([0, 1, 2, 3].map((i) => send(i, 'open')));
  await send(7, 'stop');
  await Promise.all(handles.map((handle) => handle.result().catch(() => undefined)));

  const numbers = await new FileStepLog(dir).numbers('step-numbers');
  const [a, b] = [calls('branch-a').length, calls('branch-b').length];
  expect(a + b).toBe(8);
  expect(numbers).toMatchObject({ entered: 8, completed: 5, exited: 1, failed: 2 });
  const step = (entered: number, more: object = {}) => ({ ...emptyStep(), entered, ...more });
  expect(numbers.steps).toEqual({
    tier: step(8, { branches: { then: 3, else: 5 } }),
    'gold-note': step(3, { sent: 3 }),
    ab: step(8, { branches: { ...(a ? { a } : {}), ...(b ? { b } : {}) } }),
    'in-a': step(a, { sent: a }),
    'in-b': step(b, { sent: b }),
    opened: step(8, { exited: 1, branches: { event: 4, timeout: 3 } }),
    notify: step(7, { sent: 5, failed: 2 }),
  });
  const failures = await new FileStepLog(dir).latest('step-numbers', 'notify', 'failed');
  expect(failures).toHaveLength(2);
  for (const f of failures) expect(f.message).toMatch(/^moengage: .*400/);
  const flowFailures = await new FileStepLog(dir).latest('step-numbers', FLOW_STEP, 'failed');
  expect(flowFailures.map((f) => f.message)).toEqual([
    expect.stringMatching(/step notify failed: moengage/),
    expect.stringMatching(/step notify failed/),
  ]);
  const path = await new FileStepLog(dir).run(starts[7]!.workflowId);
  expect(path.map((e) => `${e.step}/${e.outcome}`).slice(-3)).toEqual(['opened/entered', 'opened/exited', `${FLOW_STEP}/exited`]);
  expect((await new FileStepLog(dir).versions('step-numbers')).map((v) => v.version)).toEqual([flow.version]);
}, 120_000);

it('a retried attempt that finds its call recorded as sent does not call the destination again', async () => {
  const flow = compile(
    `flow: report-late
trigger: { event: go }
entry: { reentry: always }
steps:
  - id: report-late
    send_event: { destination: moengage, event: late }
`,
    h.config,
  );
  const started = await h.start(flow, 'late-user', { name: 'go' });
  await h.env.client.workflow.getHandle(started.workflowId).result();
  expect(await until(() => calls('late').length > 0, 5_000)).toBe(true);
  expect(calls('late')).toHaveLength(1);
  const numbers = await new FileStepLog(dir).numbers('report-late');
  expect(numbers.steps['report-late']).toMatchObject({ entered: 1, sent: 1, retried: 1, failed: 0 });
  expect(numbers).toMatchObject({ entered: 1, completed: 1 });
}, 60_000);

it('an activity scheduled by a run that records no events (started before the interpreter did) still performs, and records nothing', async () => {
  const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'no-events-')));
  const activities = createActivities({ profiles: h.profiles, destinations: h.destinations, stepLog: log });
  const step = compile(
    `flow: old-run
trigger: { event: go }
steps:
  - send_event: { destination: moengage, event: old-run-call }
`,
    h.config,
  ).steps[0] as EffectStep;
  const input = {
    workflowId: 'flow/old-run/u1',
    runId: 'r1',
    flowId: 'old-run',
    userId: 'u1',
    step,
    event: manualEvent({ name: 'go' }, 'e1', Date.now()),
    vars: {},
  };
  await new MockActivityEnvironment({ attempt: 2 }).run(activities.sendEvent, input);
  expect(calls('old-run-call')).toHaveLength(1);
  expect((await log.numbers('old-run')).entered).toBe(0);
});
